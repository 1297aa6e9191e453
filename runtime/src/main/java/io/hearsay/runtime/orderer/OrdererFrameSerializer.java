package io.hearsay.runtime.orderer;

import io.hearsay.runtime.comm.FrameSerializer;
import org.apache.pekko.actor.ExtendedActorSystem;

/** Serializes {@link OrdererFrame}s (the protobuf bytes untouched). */
public final class OrdererFrameSerializer extends FrameSerializer<OrdererFrame.Kind, OrdererFrame> {

  public static final int IDENTIFIER = 8474;

  public OrdererFrameSerializer(ExtendedActorSystem system) {
    super(system, IDENTIFIER, OrdererFrame.class, OrdererFrame.Kind.class,
        (kind, ref, bytes) -> new OrdererFrame(kind, ref == null ? null : ref.unsafeUpcast(), bytes));
  }
}
