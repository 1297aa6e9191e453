package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;

/** Serializes {@link WireFrame}s between peers' comm actors (the envelope's bytes exactly as signed). */
public final class WireFrameSerializer extends FrameSerializer<WireFrame.Kind, WireFrame> {

  public static final int IDENTIFIER = 8471;

  public WireFrameSerializer(ExtendedActorSystem system) {
    super(system, WireFrame.class, WireFrame.Kind.class);
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  protected WireFrame.Kind kind(WireFrame frame) {
    return frame.kind();
  }

  @Override
  protected ActorRef<?> ref(WireFrame frame) {
    return frame.from();
  }

  @Override
  protected ByteString bytes(WireFrame frame) {
    return frame.envelope();
  }

  @Override
  @SuppressWarnings("unchecked")
  protected WireFrame frame(WireFrame.Kind kind, ActorRef<?> ref, ByteString bytes) {
    return new WireFrame(kind, (ActorRef<Comm.Command>) ref, bytes);
  }
}
