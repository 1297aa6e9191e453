package io.hearsay.runtime.comm;

import org.apache.pekko.actor.ExtendedActorSystem;

/** Serializes {@link WireFrame}s between peers' comm actors (the envelope's bytes exactly as signed or tagged). */
public final class WireFrameSerializer extends FrameSerializer<WireFrame.Kind, WireFrame> {

  public static final int IDENTIFIER = 8471;

  public WireFrameSerializer(ExtendedActorSystem system) {
    super(system, IDENTIFIER, WireFrame.class, WireFrame.Kind.class,
        (kind, ref, bytes) -> new WireFrame(kind, ref == null ? null : ref.unsafeUpcast(), bytes));
  }
}
