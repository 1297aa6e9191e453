package io.hearsay.runtime.deliver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.channels.election.Delivery;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.orderer.OrdererFrame;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;

/**
 * The leader's deliver client for one channel (Fabric's deliverservice): it opens a deliver stream
 * at one of the channel's orderers from the ledger height, hands every block to the channel
 * (which commits, then pushes it), and acknowledges it so the orderer sends more. An idle stream is
 * checked with a ping every {@code connTimeout}; an unanswered ping or a refused stream moves to the
 * next orderer at the next check. After {@code reconnectTotalTimeThreshold} without a working stream the channel is
 * told the orderer is unreachable, and an elected leader yields.
 */
public final class DeliverClient {

  public sealed interface Command permits InternalCommand {}

  private sealed interface InternalCommand extends Command permits FromOrderer, HeightKnown, Tick {}

  /** A frame of the deliver stream. */
  private record FromOrderer(OrdererFrame frame) implements InternalCommand {}

  private record HeightKnown(ChannelLedger.Height height) implements InternalCommand {}

  private enum Tick implements InternalCommand { INSTANCE }

  private final ActorContext<Command> context;
  private final ChannelConfig config;
  private final SigningIdentity signer;
  private final DeliveryClientSettings settings;
  private final Delivery channel;
  private final OrderingServices services;
  private final List<Endpoint> orderers;
  private ActorRef<OrdererFrame> orderer;
  private final ActorRef<OrdererFrame> replies;
  private int ordererIndex = -1;
  private long next = -1;
  private long lastHeard;
  private long pingSentAt = -1;
  private long failingSince = -1;
  private boolean streaming;

  private DeliverClient(ActorContext<Command> context, ChannelConfig config, SigningIdentity signer,
      DeliveryClientSettings settings, Delivery channel, OrderingServices services) {
    this.context = context;
    this.services = services;
    this.config = config;
    this.signer = signer;
    this.settings = settings;
    this.channel = channel;
    this.orderers = config.ordering().ordererAddresses().stream().flatMap(a -> Endpoint.parse(a).stream()).toList();
    this.replies = context.messageAdapter(OrdererFrame.class, FromOrderer::new);
    context.setLoggerName(DeliverClient.class);
  }

  /** The deliver client of the channel {@code config} defines, reaching its orderers through {@code services}. */
  public static Behavior<Command> create(ChannelConfig config, SigningIdentity signer, DeliveryClientSettings settings,
      Delivery channel, OrderingServices services) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      DeliverClient client = new DeliverClient(context, config, signer, settings, channel, services);
      if (client.orderers.isEmpty()) {
        context.getLog().warn("channel {}: its config names no orderer address; this leader delivers nothing",
            config.channelId());
        return Behaviors.ignore();
      }
      channel.askHeight(context.messageAdapter(ChannelLedger.Height.class, HeightKnown::new));
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.connTimeout());
      return client.behavior();
    }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(HeightKnown.class, h -> {
          next = h.height().height();
          connect();
          return Behaviors.same();
        })
        .onMessage(FromOrderer.class, f -> onFrame(f.frame()))
        .onMessage(Tick.class, t -> {
          onTick();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onFrame(OrdererFrame frame) {
    lastHeard = System.nanoTime();
    pingSentAt = -1;
    if (frame.kind() != OrdererFrame.Kind.DELIVER_RESPONSE) {
      return Behaviors.same();
    }
    DeliverResponse response;
    try {
      response = DeliverResponse.parseFrom(frame.bytes());
    } catch (InvalidProtocolBufferException e) {
      context.getLog().warn("channel {}: malformed deliver response from {}", config.channelId(), orderer);
      return Behaviors.same();
    }
    if (response.hasBlock()) {
      failingSince = -1;
      long number = response.getBlock().getHeader().getNumber();
      if (number == next) {
        channel.deliver(response.getBlock());
        next++;
      }
      orderer.tell(new OrdererFrame(OrdererFrame.Kind.DELIVER_ACK, replies,
          SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(number)).build().toByteString()));
    } else {
      context.getLog().warn("channel {}: orderer {} ended the deliver stream with {}", config.channelId(),
          orderers.get(ordererIndex), response.getStatus());
      failed();
    }
    return Behaviors.same();
  }

  private void onTick() {
    long now = System.nanoTime();
    if (next < 0) {
      return;
    }
    if (!streaming) {
      connect();
      return;
    }
    if (now - lastHeard < settings.connTimeout().toNanos()) {
      return;
    }
    if (pingSentAt >= 0 && now - pingSentAt >= settings.connTimeout().toNanos()) {
      context.getLog().info("channel {}: orderer {} does not answer", config.channelId(), orderers.get(ordererIndex));
      failed();
    } else if (pingSentAt < 0) {
      pingSentAt = now;
      orderer.tell(new OrdererFrame(OrdererFrame.Kind.PING, replies, ByteString.EMPTY));
    }
  }

  private void failed() {
    long now = System.nanoTime();
    if (failingSince < 0) {
      failingSince = now;
    } else if (now - failingSince >= settings.reconnectTotalTimeThreshold().toNanos()) {
      context.getLog().warn("channel {}: no orderer reachable for {}; telling the channel", config.channelId(),
          settings.reconnectTotalTimeThreshold());
      failingSince = now;
      channel.ordererUnreachable();
    }
    // The next orderer is tried at the next tick, so a refusing orderer is not hammered.
    streaming = false;
  }

  private void connect() {
    ordererIndex = (ordererIndex + 1) % orderers.size();
    orderer = services.at(orderers.get(ordererIndex));
    SeekInfo seek = SeekInfo.newBuilder()
        .setStart(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(next)))
        .setStop(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(Long.MAX_VALUE)))
        .setBehavior(SeekInfo.SeekBehavior.BLOCK_UNTIL_READY)
        .build();
    var request = CommonEnvelopes.sign(signer, config.channelId(), HeaderType.DELIVER_SEEK_INFO, seek.toByteString());
    orderer.tell(new OrdererFrame(OrdererFrame.Kind.DELIVER, replies, request.toByteString()));
    lastHeard = System.nanoTime();
    pingSentAt = -1;
    streaming = true;
    context.getLog().info("channel {}: delivering from orderer {} at block {}", config.channelId(),
        orderers.get(ordererIndex), next);
  }
}
