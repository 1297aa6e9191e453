package io.hearsay.runtime.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.LinkMacs;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Instant;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.junit.jupiter.api.Test;

/**
 * Frames between Hearsay peers: what Fabric sends unsigned goes tagged with the link's MAC once the
 * link is bound, signed before; what names its author always signed; and a frame whose tag is not
 * the bound sender's, or that leaves a signature out where one is due, is refused.
 */
class GossipFramesTest {

  private static final Instant NOW = Instant.now();
  private final SigningIdentity a = TestCrypto.peer(1, 0);
  private final SigningIdentity b = TestCrypto.peer(1, 1);
  private final SigningIdentity mallory = TestCrypto.peer(1, 2);
  private final EnvelopeSigner signerA = new EnvelopeSigner(a);
  private final GossipFrames atA = frames(a, b, mallory);
  private final GossipFrames atB = frames(b, a, mallory);
  private final GossipFrames atMallory = frames(mallory, a, b);
  private final Envelope hello = signerA.envelope(GossipMessages.hello("mychannel", 7));

  /** {@code self}'s frames, knowing the others' identities as their handshakes teach them. */
  private static GossipFrames frames(SigningIdentity self, SigningIdentity... others) {
    IdentityMapper identities = new IdentityMapper(TestCrypto.msps());
    for (SigningIdentity other : others) {
      identities.learn(other.identity(), NOW);
    }
    return new GossipFrames(new EnvelopeSigner(self), new EnvelopeVerifier(identities, 1 << 20));
  }

  @Test
  void whatFabricSendsUnsignedGoesTaggedOverABoundLinkAndIsTheSendersThere() {
    assertTrue(EnvelopeSigner.isNoopSigned(hello), "a pull Hello names no author: made unsigned");
    WireFrame frame = atA.frame(null, Optional.of(b.identity()), hello);
    assertEquals(WireFrame.Kind.LINK_GOSSIP, frame.kind());
    Verdict<SignedGossipMessage> verdict = atB.verify(frame, a.identity(), NOW);
    assertTrue(verdict.isAccepted(), () -> verdict.rejection().toString());
    assertEquals(a.pkiId(), verdict.value().signer().pkiId());
    assertEquals(GossipMessage.ContentCase.HELLO, verdict.value().message().getContentCase());
  }

  @Test
  void beforeTheLinkIsBoundTheSameEnvelopeGoesSigned() {
    WireFrame frame = atA.frame(null, Optional.empty(), hello);
    assertEquals(WireFrame.Kind.GOSSIP, frame.kind());
    assertTrue(atB.verify(frame, a.identity(), NOW).isAccepted());
  }

  @Test
  void whatNamesItsAuthorGoesSignedEvenOverABoundLink() {
    Envelope stateInfo = signerA.envelope(GossipMessages.stateInfo(a.pkiId(), "mychannel", PeerTimes.of(1, 1), 3));
    WireFrame frame = atA.frame(null, Optional.of(b.identity()), stateInfo);
    assertEquals(WireFrame.Kind.GOSSIP, frame.kind());
    assertTrue(atB.verify(frame, a.identity(), NOW).isAccepted());
  }

  @Test
  void aFrameTaggedByAnotherPeerThanTheOneItClaimsIsRefused() {
    // Mallory, a member of the org with a link of its own to B, sends a frame that claims A's
    // endpoint: B checks the tag with A's link key.
    WireFrame forged = atMallory.frame(null, Optional.of(b.identity()), hello);
    assertEquals(RejectionReason.BAD_LINK_MAC, atB.verify(forged, a.identity(), NOW).rejection().reason());
  }

  @Test
  void aTamperedEnvelopeOrAMissingTagIsRefused() {
    WireFrame frame = atA.frame(null, Optional.of(b.identity()), hello);
    Envelope altered = signerA.envelope(GossipMessages.hello("mychannel", 8));
    WireFrame tampered = WireFrame.linkGossip(null, frame.tag(), altered.toByteString());
    assertEquals(RejectionReason.BAD_LINK_MAC, atB.verify(tampered, a.identity(), NOW).rejection().reason());
    WireFrame untagged = new WireFrame(WireFrame.Kind.LINK_GOSSIP, null, ByteString.copyFrom(new byte[5]));
    assertEquals(RejectionReason.BAD_LINK_MAC, atB.verify(untagged, a.identity(), NOW).rejection().reason());
  }

  @Test
  void aTaggedFrameMustStillCarryTheSignatureOfWhatNamesItsAuthor() {
    // A real tag from A, over a StateInfo left unsigned: it would be forwarded as A's to peers
    // who cannot check A's tag, so it is refused.
    Envelope unsigned =
        EnvelopeSigner.noopSign(GossipMessages.stateInfo(a.pkiId(), "mychannel", PeerTimes.of(1, 1), 3));
    byte[] tag = new LinkMacs(a).tag(b.identity(), LinkMacs.digest(unsigned.toByteString()));
    WireFrame frame = WireFrame.linkGossip(null, tag, unsigned.toByteString());
    assertEquals(RejectionReason.MISSING_SIGNATURE, atB.verify(frame, a.identity(), NOW).rejection().reason());
  }

  @Test
  void anUnsignedEnvelopeSentOverALinkThatDoesNotAuthenticateItIsSigned() {
    Envelope signed = atA.signedIfNoop(hello);
    assertFalse(EnvelopeSigner.isNoopSigned(signed));
    assertEquals(hello.getPayload(), signed.getPayload());
  }
}
