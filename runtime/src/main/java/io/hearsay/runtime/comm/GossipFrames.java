package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.LinkMacs;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * One peer's gossip frames over Artery, made and checked: comm's, and the simulator's links'.
 *
 * <pre>
 * frame(to, envelope):
 *   envelope unsigned (Fabric's NoopSign) and the link bound → LINK_GOSSIP: LinkMacs tag ‖ envelope
 *   otherwise                                               → GOSSIP: the envelope, signed if it was not
 * verify(frame, bound sender):
 *   GOSSIP      → the envelope's signature, against the sender where the message names no author
 *   LINK_GOSSIP → the tag, with the link's key; then the envelope as the sender's, as from a Fabric
 *                 session (what names its author must still carry its author's signature)
 * </pre>
 *
 * Not thread-safe: one per actor.
 */
public final class GossipFrames {

  private final EnvelopeSigner signer;
  private final EnvelopeVerifier verifier;
  private final LinkMacs linkMacs;
  /** The last envelope tagged, its bytes and their digest: a block goes to several peers in a row. */
  private Envelope lastTagged;
  private ByteString lastTaggedBytes;
  private byte[] lastTaggedDigest;

  public GossipFrames(EnvelopeSigner signer, EnvelopeVerifier verifier) {
    this.signer = signer;
    this.verifier = verifier;
    this.linkMacs = new LinkMacs(signer.self());
  }

  /** The frame that carries {@code envelope} from {@code from} to the peer bound at the other end, if bound. */
  public WireFrame frame(ActorRef<Comm.Command> from, Optional<PeerIdentity> to, Envelope envelope) {
    if (to.isEmpty() || !EnvelopeSigner.isNoopSigned(envelope)) {
      return new WireFrame(WireFrame.Kind.GOSSIP, from, signedIfNoop(envelope).toByteString());
    }
    if (envelope != lastTagged) {
      lastTagged = envelope;
      lastTaggedBytes = envelope.toByteString();
      lastTaggedDigest = LinkMacs.digest(lastTaggedBytes);
    }
    return WireFrame.linkGossip(from, linkMacs.tag(to.get(), lastTaggedDigest), lastTaggedBytes);
  }

  /** An unsigned envelope signed, for a link that does not authenticate it; others as they are. */
  public Envelope signedIfNoop(Envelope envelope) {
    return EnvelopeSigner.isNoopSigned(envelope) ? signer.sign(envelope) : envelope;
  }

  /** A gossip frame from {@code sender}, the peer its link is bound to. */
  public Verdict<SignedGossipMessage> verify(WireFrame frame, PeerIdentity sender, Instant now) {
    if (frame.kind() == WireFrame.Kind.GOSSIP) {
      return verifier.verify(frame.bytes().toByteArray(), Optional.of(sender.pkiId()), now);
    }
    if (frame.kind() != WireFrame.Kind.LINK_GOSSIP || !frame.wellFormed()) {
      return Verdict.reject(RejectionReason.BAD_LINK_MAC, "%s frame of %d bytes from %s is no tagged gossip",
          frame.kind(), frame.bytes().size(), sender);
    }
    ByteString envelope = frame.envelope();
    if (!linkMacs.checks(sender, LinkMacs.digest(envelope), frame.tag())) {
      return Verdict.reject(RejectionReason.BAD_LINK_MAC,
          "the tag of a %d-byte envelope is not the one the link with %s makes", envelope.size(), sender);
    }
    return verifier.verifyFromSession(envelope.toByteArray(), sender.pkiId(), now);
  }
}
