package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.crypto.LinkMacs;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What one peer's comm actor sends another's over Artery: the kind of frame, the sender's comm
 * actor (Artery carries no sender for typed messages; this one is only a claim, which the
 * handshake and the envelope signatures or link MACs check), and the bytes: a signed envelope
 * exactly as signed, or for {@link Kind#LINK_GOSSIP} the link MAC's tag followed by an unsigned
 * envelope.
 */
public record WireFrame(Kind kind, ActorRef<Comm.Command> from, ByteString bytes)
    implements Comm.Command, Frame<WireFrame.Kind> {

  /**
   * A handshake carries a signed ConnEstablish; a reply is not answered again. A gossip frame
   * carries a signed envelope; a link-gossip frame one that Fabric sends unsigned, with the tag
   * {@link LinkMacs} makes for the link in place of a signature (Hearsay peers only: Fabric peers
   * speak gRPC, never these frames).
   */
  public enum Kind { HANDSHAKE, HANDSHAKE_REPLY, GOSSIP, LINK_GOSSIP }

  /** A link-gossip frame: {@code tag} then the envelope's bytes. */
  public static WireFrame linkGossip(ActorRef<Comm.Command> from, byte[] tag, ByteString envelope) {
    return new WireFrame(Kind.LINK_GOSSIP, from, ByteString.copyFrom(tag).concat(envelope));
  }

  /** Whether the frame is long enough to hold what its kind says: a link-gossip frame its tag. */
  public boolean wellFormed() {
    return kind != Kind.LINK_GOSSIP || bytes.size() >= LinkMacs.TAG_BYTES;
  }

  /** The link MAC's tag of a {@link #wellFormed} link-gossip frame. */
  public byte[] tag() {
    return bytes.substring(0, LinkMacs.TAG_BYTES).toByteArray();
  }

  /** The envelope's bytes of a {@link #wellFormed} frame, as signed or tagged. */
  public ByteString envelope() {
    return kind == Kind.LINK_GOSSIP ? bytes.substring(LinkMacs.TAG_BYTES) : bytes;
  }

  @Override
  public ActorRef<?> ref() {
    return from;
  }
}
