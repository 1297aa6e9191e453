package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What one peer's comm actor sends another's over Artery: the kind of frame, the sender's comm
 * actor (Artery carries no sender for typed messages; this one is only a claim, which the
 * handshake and the envelope signatures check), and the signed envelope's bytes exactly as signed.
 */
public record WireFrame(Kind kind, ActorRef<Comm.Command> from, ByteString envelope)
    implements Comm.Command, Frame<WireFrame.Kind> {

  /** A handshake carries a signed ConnEstablish; a reply is not answered again. */
  public enum Kind { HANDSHAKE, HANDSHAKE_REPLY, GOSSIP }

  @Override
  public ActorRef<?> ref() {
    return from;
  }

  @Override
  public ByteString bytes() {
    return envelope;
  }
}
