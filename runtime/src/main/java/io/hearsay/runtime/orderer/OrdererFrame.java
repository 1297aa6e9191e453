package io.hearsay.runtime.orderer;

import com.google.protobuf.ByteString;
import io.hearsay.runtime.comm.Frame;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What clients and the ordering service exchange over Artery, Fabric's AtomicBroadcast service as
 * frames: the kind, where to answer, and protobuf bytes ({@code common.Envelope} for broadcast and
 * deliver requests, {@code orderer.BroadcastResponse}, {@code orderer.DeliverResponse}, or an
 * {@code orderer.SeekPosition} acknowledging a delivered block).
 */
public record OrdererFrame(Kind kind, ActorRef<OrdererFrame> replyTo, ByteString bytes)
    implements OrderingService.Command, Frame<OrdererFrame.Kind> {

  public enum Kind {
    /** A transaction to order ({@code common.Envelope}). */
    BROADCAST,
    /** The answer to one broadcast ({@code orderer.BroadcastResponse}). */
    BROADCAST_RESPONSE,
    /** Opens a deliver stream ({@code common.Envelope} carrying a {@code orderer.SeekInfo}). */
    DELIVER,
    /** A block or the stream's end status ({@code orderer.DeliverResponse}). */
    DELIVER_RESPONSE,
    /** The client took blocks up to a number ({@code orderer.SeekPosition}): the stream may send more. */
    DELIVER_ACK,
    /** Liveness check of an idle stream; answered with PONG. */
    PING,
    PONG
  }

  @Override
  public ActorRef<?> ref() {
    return replyTo;
  }

  /** The path of the ordering service under an orderer node's guardian. */
  public static final String SERVICE_NAME = "orderer";
}
