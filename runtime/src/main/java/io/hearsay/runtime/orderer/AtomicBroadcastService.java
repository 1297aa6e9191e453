package io.hearsay.runtime.orderer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;

/**
 * Fabric's {@code orderer.AtomicBroadcast} service in front of the ordering service actor, as a
 * Fabric orderer serves it on its main port:
 *
 * <pre>
 * each gRPC stream (Broadcast or Deliver) gets an actor that the ordering service answers
 * Broadcast: every envelope is ordered (or refused) and answered with a BroadcastResponse, in order
 * Deliver:   every envelope is a signed SeekInfo; blocks and the final Status go back on the stream;
 *            a block is acknowledged to the ordering service only once gRPC can take more (the
 *            stream is ready), so a slow client slows its stream instead of filling memory
 * the client closing or cancelling its stream stops the actor, and the ordering service forgets it
 * </pre>
 */
final class AtomicBroadcastService extends AtomicBroadcastGrpc.AtomicBroadcastImplBase {

  private static final AtomicLong STREAMS = new AtomicLong();

  private final ActorSystem<?> system;
  private final ActorRef<OrderingService.Command> service;

  AtomicBroadcastService(ActorSystem<?> system, ActorRef<OrderingService.Command> service) {
    this.system = system;
    this.service = service;
  }

  @Override
  public StreamObserver<Envelope> broadcast(StreamObserver<BroadcastResponse> responses) {
    return stream(OrdererFrame.Kind.BROADCAST, (ServerCallStreamObserver<?>) responses, frame -> {
      try {
        responses.onNext(BroadcastResponse.parseFrom(frame.bytes()));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the ordering service answered a malformed BroadcastResponse", e);
      }
    });
  }

  @Override
  public StreamObserver<Envelope> deliver(StreamObserver<DeliverResponse> responses) {
    return stream(OrdererFrame.Kind.DELIVER, (ServerCallStreamObserver<?>) responses, frame -> {
      try {
        responses.onNext(DeliverResponse.parseFrom(frame.bytes()));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the ordering service answered a malformed DeliverResponse", e);
      }
    });
  }

  /** Sends a frame the ordering service answered to the client. */
  @FunctionalInterface
  private interface Reply {
    void send(OrdererFrame frame);
  }

  private StreamObserver<Envelope> stream(OrdererFrame.Kind kind, ServerCallStreamObserver<?> call, Reply reply) {
    ActorRef<Object> actor = system.systemActorOf(streamActor(call, reply),
        "grpc-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + STREAMS.incrementAndGet(), Props.empty());
    ActorRef<OrdererFrame> replyTo = actor.narrow();
    call.setOnReadyHandler(() -> actor.tell(Ready.INSTANCE));
    call.setOnCancelHandler(() -> actor.tell(Done.INSTANCE));
    return new StreamObserver<>() {
      @Override
      public void onNext(Envelope envelope) {
        service.tell(new OrdererFrame(kind, replyTo, envelope.toByteString()));
      }

      @Override
      public void onError(Throwable t) {
        actor.tell(Done.INSTANCE);
      }

      @Override
      public void onCompleted() {
        actor.tell(Done.INSTANCE);
      }
    };
  }

  private enum Ready { INSTANCE }

  private enum Done { INSTANCE }

  /**
   * The stream's actor: it writes what the ordering service answers, acknowledges delivered blocks
   * while the stream is ready, and completes the call when the client is done.
   */
  private Behavior<Object> streamActor(ServerCallStreamObserver<?> call, Reply reply) {
    return Behaviors.setup(context -> {
      long[] unacked = {-1};
      return Behaviors.receive(Object.class)
          .onMessage(OrdererFrame.class, frame -> {
            reply.send(frame);
            if (frame.kind() == OrdererFrame.Kind.DELIVER_RESPONSE) {
              DeliverResponse response = DeliverResponse.parseFrom(frame.bytes());
              if (response.hasBlock()) {
                unacked[0] = response.getBlock().getHeader().getNumber();
                ackIfReady(call, unacked, context.getSelf().narrow());
              }
            }
            return Behaviors.same();
          })
          .onMessage(Ready.class, r -> {
            ackIfReady(call, unacked, context.getSelf().narrow());
            return Behaviors.same();
          })
          .onMessage(Done.class, d -> {
            try {
              call.onCompleted();
            } catch (RuntimeException alreadyClosed) {
              // cancelled by the client: nothing more to complete
            }
            return Behaviors.stopped();
          })
          .onSignal(PostStop.class, s -> Behaviors.same())
          .build();
    });
  }

  private void ackIfReady(ServerCallStreamObserver<?> call, long[] unacked, ActorRef<OrdererFrame> stream) {
    if (unacked[0] >= 0 && call.isReady()) {
      service.tell(new OrdererFrame(OrdererFrame.Kind.DELIVER_ACK, stream, SeekPosition.newBuilder()
          .setSpecified(SeekSpecified.newBuilder().setNumber(unacked[0])).build().toByteString()));
      unacked[0] = -1;
    }
  }
}
