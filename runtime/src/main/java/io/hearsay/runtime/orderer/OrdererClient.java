package io.hearsay.runtime.orderer;

import io.hearsay.runtime.node.NodeSystems;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;

/** Submits transactions to an ordering service from any ActorSystem with Artery (a client, a test). */
public final class OrdererClient {

  private final ActorSystem<?> system;
  private final ActorRef<OrdererFrame> service;
  private final Duration timeout;

  public OrdererClient(ActorSystem<?> system, Endpoint orderer, Duration timeout) {
    this.system = system;
    this.service = serviceAt(system, orderer);
    this.timeout = timeout;
  }

  /** The ordering service of the orderer node at {@code endpoint}. */
  public static ActorRef<OrdererFrame> serviceAt(ActorSystem<?> system, Endpoint endpoint) {
    return ActorRefResolver.get(system).resolveActorRef("pekko://" + NodeSystems.SYSTEM_NAME + "@"
        + endpoint.host() + ":" + endpoint.port() + "/user/" + OrdererFrame.SERVICE_NAME);
  }

  /** Broadcasts one transaction; completes with the orderer's answer (SUCCESS once it is queued for a block). */
  public CompletionStage<BroadcastResponse> broadcast(Envelope transaction) {
    return AskPattern.<OrdererFrame, OrdererFrame>ask(service,
            replyTo -> new OrdererFrame(OrdererFrame.Kind.BROADCAST, replyTo, transaction.toByteString()),
            timeout, system.scheduler())
        .thenApply(OrdererClient::broadcastResponse);
  }

  private static BroadcastResponse broadcastResponse(OrdererFrame frame) {
    try {
      return BroadcastResponse.parseFrom(frame.bytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the orderer answered with a malformed BroadcastResponse", e);
    }
  }
}
