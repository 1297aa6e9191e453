package io.hearsay.runtime.orderer;

import com.google.protobuf.ByteString;
import io.hearsay.runtime.comm.FrameSerializer;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;

/** Serializes {@link OrdererFrame}s (the protobuf bytes untouched). */
public final class OrdererFrameSerializer extends FrameSerializer<OrdererFrame.Kind, OrdererFrame> {

  public static final int IDENTIFIER = 8474;

  public OrdererFrameSerializer(ExtendedActorSystem system) {
    super(system, OrdererFrame.class, OrdererFrame.Kind.class);
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  protected OrdererFrame.Kind kind(OrdererFrame frame) {
    return frame.kind();
  }

  @Override
  protected ActorRef<?> ref(OrdererFrame frame) {
    return frame.replyTo();
  }

  @Override
  protected ByteString bytes(OrdererFrame frame) {
    return frame.bytes();
  }

  @Override
  @SuppressWarnings("unchecked")
  protected OrdererFrame frame(OrdererFrame.Kind kind, ActorRef<?> ref, ByteString bytes) {
    return new OrdererFrame(kind, (ActorRef<OrdererFrame>) ref, bytes);
  }
}
