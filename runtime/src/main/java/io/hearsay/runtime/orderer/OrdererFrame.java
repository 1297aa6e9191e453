package io.hearsay.runtime.orderer;

import com.google.protobuf.ByteString;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a gRPC stream of Fabric's AtomicBroadcast service ({@link AtomicBroadcastService}) and the
 * ordering service actor exchange: the kind, the stream's actor to answer, and protobuf bytes
 * ({@code common.Envelope} for broadcast and deliver requests, {@code orderer.BroadcastResponse},
 * {@code orderer.DeliverResponse}, or an {@code orderer.SeekPosition} acknowledging a delivered
 * block once the stream could take more).
 */
public record OrdererFrame(Kind kind, ActorRef<OrdererFrame> replyTo, ByteString bytes)
    implements OrderingService.Command {

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
    DELIVER_ACK
  }

  /** The path of the ordering service under an orderer node's guardian. */
  public static final String SERVICE_NAME = "orderer";
}
