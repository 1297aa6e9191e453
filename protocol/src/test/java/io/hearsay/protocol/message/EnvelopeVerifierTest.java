package io.hearsay.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.cryptogen.CertificateAuthority;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.testing.TestCrypto;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.SecretEnvelope;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.junit.jupiter.api.Test;

/** One test per way an envelope can be wrong, each expecting its own rejection reason. */
class EnvelopeVerifierTest {

  private static final Instant NOW = Instant.now();
  private static final int LIMIT = 64 * 1024;

  private final SigningIdentity peer0 = TestCrypto.peer(1, 0);
  private final SigningIdentity peer1 = TestCrypto.peer(1, 1);
  private final SigningIdentity org2peer = TestCrypto.peer(2, 0);
  private final EnvelopeSigner signer0 = new EnvelopeSigner(peer0);
  private final IdentityMapper identities = new IdentityMapper(TestCrypto.msps());
  private final EnvelopeVerifier verifier = new EnvelopeVerifier(identities, LIMIT);

  private GossipMessage aliveOf(SigningIdentity who) {
    return GossipMessages.alive(who.identity(), "peer.example.com:7051", PeerTimes.of(1, 1), ByteString.EMPTY);
  }

  private RejectionReason reasonFor(Envelope envelope) {
    return reasonFor(envelope, Optional.empty());
  }

  private RejectionReason reasonFor(Envelope envelope, Optional<PkiId> sender) {
    Verdict<SignedGossipMessage> verdict = verifier.verify(envelope, sender, NOW);
    assertFalse(verdict.isAccepted(), "expected a rejection");
    return verdict.rejection().reason();
  }

  @Test
  void signedAliveMessageIsAcceptedAndNamesItsSigner() {
    SignedGossipMessage sent = signer0.sign(aliveOf(peer0));

    SignedGossipMessage received = verifier.verify(sent.envelope().toByteArray(), Optional.empty(), NOW).value();

    assertEquals(peer0.pkiId(), received.signer().pkiId());
    assertEquals(sent.message(), received.message());
    assertTrue(identities.find(peer0.pkiId()).isPresent(), "the alive message taught the mapper the identity");
  }

  @Test
  void internalEndpointTravelsInTheSecretEnvelopeAndCanBeStripped() {
    SignedGossipMessage sent = signer0.sign(aliveOf(peer0), "10.0.0.1:7051");

    SignedGossipMessage received = verifier.verify(sent.envelope(), Optional.empty(), NOW).value();
    SignedGossipMessage stripped = verifier.verify(sent.envelopeWithoutSecret(), Optional.empty(), NOW).value();

    assertEquals(Optional.of("10.0.0.1:7051"), received.internalEndpoint());
    assertEquals(Optional.empty(), stripped.internalEndpoint());
    assertFalse(stripped.envelope().hasSecretEnvelope());
  }

  @Test
  void messageWithoutSignerIsVerifiedAgainstTheTransportSender() {
    identities.learn(peer0.identity(), NOW);
    Envelope hello = signer0.sign(GossipMessages.hello("mychannel", 42)).envelope();

    assertTrue(verifier.verify(hello, Optional.of(peer0.pkiId()), NOW).isAccepted());
    assertEquals(RejectionReason.UNKNOWN_SIGNER, reasonFor(hello));
    identities.learn(peer1.identity(), NOW);
    assertEquals(RejectionReason.BAD_SIGNATURE, reasonFor(hello, Optional.of(peer1.pkiId())),
        "a transport sender that did not sign it");
  }

  @Test
  void onAnAuthenticatedSessionUnsignedMessagesThatNameNoAuthorAreTheSessionPeers() {
    identities.learn(peer1.identity(), NOW);
    Envelope hello = Envelope.newBuilder().setPayload(GossipMessages.hello("mychannel", 42).toByteString()).build();
    Envelope alive = Envelope.newBuilder().setPayload(aliveOf(peer1).toByteString()).build();

    assertEquals(peer1.pkiId(), verifier.verifyFromSession(hello.toByteArray(), peer1.pkiId(), NOW).value().signer().pkiId());
    assertEquals(RejectionReason.MISSING_SIGNATURE,
        verifier.verifyFromSession(alive.toByteArray(), peer1.pkiId(), NOW).rejection().reason(),
        "an alive message names its author: it must be signed");
  }

  @Test
  void onAnAuthenticatedSessionASignatureIsCheckedButForAForwardedBlocks() {
    identities.learn(peer0.identity(), NOW);
    identities.learn(peer1.identity(), NOW);
    Envelope helloByPeer0 = signer0.sign(GossipMessages.hello("mychannel", 42)).envelope();
    Envelope blockByPeer0 = signer0.sign(GossipMessages.dataMessage("mychannel", 7, ByteString.copyFromUtf8("block")))
        .envelope();

    assertEquals(RejectionReason.BAD_SIGNATURE,
        verifier.verifyFromSession(helloByPeer0.toByteArray(), peer1.pkiId(), NOW).rejection().reason(),
        "peer1's session carrying a pull message signed by peer0");
    SignedGossipMessage forwarded = verifier.verifyFromSession(blockByPeer0.toByteArray(), peer1.pkiId(), NOW).value();
    assertEquals(peer1.pkiId(), forwarded.signer().pkiId(),
        "a block peer1 forwards as Fabric does, with peer0's signature, is peer1's; its orderer signature is its authority");
  }

  @Test
  void aRepeatedEnvelopeIsAcceptedAgainOnlyWhileItsSignerIsValid() {
    Envelope alive = signer0.sign(aliveOf(peer0)).envelope();
    assertTrue(verifier.verify(alive, Optional.empty(), NOW).isAccepted());
    assertTrue(verifier.verify(alive, Optional.empty(), NOW.plusSeconds(1)).isAccepted());
    assertEquals(RejectionReason.EXPIRED_CERTIFICATE,
        verifier.verify(alive, Optional.empty(), NOW.plus(Duration.ofDays(3652))).rejection().reason());
  }

  @Test
  void onlyMessagesForwardedAsTheyAreAreRemembered() {
    identities.learn(peer0.identity(), NOW);
    Envelope alive = signer0.sign(aliveOf(peer0)).envelope();
    assertSame(verifier.verify(alive, Optional.empty(), NOW).value(), verifier.verify(alive, Optional.empty(), NOW).value(),
        "an alive message arrives again by every forward");
    Envelope hello = signer0.sign(GossipMessages.hello("mychannel", 7)).envelope();
    assertNotSame(verifier.verify(hello, Optional.of(peer0.pkiId()), NOW).value(),
        verifier.verify(hello, Optional.of(peer0.pkiId()), NOW).value(), "a pull message is checked every time");
  }

  @Test
  void aRepeatedEnvelopeFromAnotherTransportSenderIsCheckedAgain() {
    identities.learn(peer0.identity(), NOW);
    identities.learn(peer1.identity(), NOW);
    Envelope hello = signer0.sign(GossipMessages.hello("mychannel", 7)).envelope();
    assertTrue(verifier.verify(hello, Optional.of(peer0.pkiId()), NOW).isAccepted());
    assertEquals(RejectionReason.BAD_SIGNATURE, reasonFor(hello, Optional.of(peer1.pkiId())),
        "peer 1 replaying peer 0's hello");
  }

  @Test
  void unparseableBytesAreAMalformedEnvelope() {
    Verdict<SignedGossipMessage> verdict = verifier.verify(new byte[] {(byte) 0xff, 0x01, 0x02},
        Optional.empty(), NOW);
    assertEquals(RejectionReason.MALFORMED_ENVELOPE, verdict.rejection().reason());
  }

  @Test
  void envelopeWithoutPayloadIsRefused() {
    Envelope empty = Envelope.newBuilder().setSignature(ByteString.copyFromUtf8("sig")).build();
    assertEquals(RejectionReason.EMPTY_PAYLOAD, reasonFor(empty));
  }

  @Test
  void payloadOverTheLimitIsRefused() {
    ByteString block = ByteString.copyFrom(new byte[LIMIT + 1]);
    Envelope big = signer0.sign(GossipMessages.dataMessage("mychannel", 7, block)).envelope();
    assertEquals(RejectionReason.OVERSIZED_PAYLOAD, reasonFor(big, Optional.of(peer0.pkiId())));
  }

  @Test
  void payloadThatIsNotAGossipMessageIsMalformed() {
    Envelope garbage = Envelope.newBuilder()
        .setPayload(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}))
        .setSignature(ByteString.copyFrom(peer0.sign(new byte[] {1}))).build();
    assertEquals(RejectionReason.MALFORMED_PAYLOAD, reasonFor(garbage));
    Envelope noContent = resign(GossipMessage.newBuilder().setTag(GossipMessage.Tag.EMPTY).build(), peer0);
    assertEquals(RejectionReason.MALFORMED_PAYLOAD, reasonFor(noContent));
  }

  @Test
  void illegalTagIsRefused() {
    GossipMessage alive = aliveOf(peer0).toBuilder().setTag(GossipMessage.Tag.CHAN_AND_ORG).build();
    assertEquals(RejectionReason.ILLEGAL_TAG, reasonFor(resign(alive, peer0)));
  }

  @Test
  void unsignedEnvelopeIsRefused() {
    Envelope unsigned = signer0.sign(aliveOf(peer0)).envelope().toBuilder().clearSignature().build();
    assertEquals(RejectionReason.MISSING_SIGNATURE, reasonFor(unsigned));
  }

  @Test
  void signatureThatIsNotDerIsMalformed() {
    Envelope junk = signer0.sign(aliveOf(peer0)).envelope().toBuilder()
        .setSignature(ByteString.copyFromUtf8("not a signature")).build();
    assertEquals(RejectionReason.MALFORMED_SIGNATURE, reasonFor(junk));
  }

  @Test
  void highSSignatureIsRefusedAsFabricDoes() throws Exception {
    Envelope good = signer0.sign(aliveOf(peer0)).envelope();
    ASN1Sequence rs = ASN1Sequence.getInstance(good.getSignature().toByteArray());
    BigInteger s = ASN1Integer.getInstance(rs.getObjectAt(1)).getValue();
    BigInteger highS = Ecdsa.DOMAIN.getN().subtract(s);
    byte[] flipped = new DERSequence(new ASN1Encodable[] {
        rs.getObjectAt(0), new ASN1Integer(highS)}).getEncoded();
    Envelope envelope = good.toBuilder().setSignature(ByteString.copyFrom(flipped)).build();
    assertEquals(RejectionReason.NON_CANONICAL_SIGNATURE, reasonFor(envelope));
  }

  @Test
  void signatureByAnotherKeyIsRefused() {
    // peer1 signs an alive message that carries peer0's identity.
    Envelope forged = resign(aliveOf(peer0), peer1);
    assertEquals(RejectionReason.BAD_SIGNATURE, reasonFor(forged));
  }

  @Test
  void tamperedPayloadIsRefused() {
    Envelope good = signer0.sign(aliveOf(peer0)).envelope();
    GossipMessage changed = aliveOf(peer0).toBuilder().setNonce(99).build();
    Envelope tampered = good.toBuilder().setPayload(changed.toByteString()).build();
    assertEquals(RejectionReason.BAD_SIGNATURE, reasonFor(tampered));
  }

  @Test
  void secretEnvelopeSignedByAnotherKeyIsRefused() {
    Envelope good = signer0.sign(aliveOf(peer0), "10.0.0.1:7051").envelope();
    SecretEnvelope secret = good.getSecretEnvelope().toBuilder()
        .setSignature(ByteString.copyFrom(peer1.sign(good.getSecretEnvelope().getPayload().toByteArray())))
        .build();
    assertEquals(RejectionReason.BAD_SECRET_SIGNATURE,
        reasonFor(good.toBuilder().setSecretEnvelope(secret).build()));
  }

  @Test
  void secretEnvelopeThatIsNotASecretIsMalformed() {
    ByteString junk = ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff});
    SecretEnvelope secret = SecretEnvelope.newBuilder().setPayload(junk)
        .setSignature(ByteString.copyFrom(peer0.sign(junk.toByteArray()))).build();
    Envelope envelope = signer0.sign(aliveOf(peer0)).envelope().toBuilder().setSecretEnvelope(secret).build();
    assertEquals(RejectionReason.MALFORMED_SECRET, reasonFor(envelope));
  }

  @Test
  void stateInfoFromAnUnknownPeerIsRefused() {
    Envelope stateInfo = signer0.sign(GossipMessages.stateInfo(peer0.pkiId(), "mychannel", PeerTimes.of(1, 1), 5))
        .envelope();
    assertEquals(RejectionReason.UNKNOWN_SIGNER, reasonFor(stateInfo));
    identities.learn(peer0.identity(), NOW);
    assertTrue(verifier.verify(stateInfo, Optional.empty(), NOW).isAccepted());
  }

  @Test
  void aliveMessageClaimingAnotherPkiIdIsRefused() {
    GossipMessage claimsPeer1 = aliveOf(peer0).toBuilder()
        .setAliveMsg(aliveOf(peer0).getAliveMsg().toBuilder()
            .setMembership(aliveOf(peer0).getAliveMsg().getMembership().toBuilder().setPkiId(peer1.pkiId().bytes())))
        .build();
    assertEquals(RejectionReason.PKI_ID_MISMATCH, reasonFor(resign(claimsPeer1, peer0)));
  }

  @Test
  void identityBytesThatAreNotAnIdentityAreMalformed() {
    GossipMessage alive = aliveOf(peer0).toBuilder()
        .setAliveMsg(aliveOf(peer0).getAliveMsg().toBuilder().setIdentity(ByteString.copyFromUtf8("??")))
        .build();
    assertEquals(RejectionReason.MALFORMED_IDENTITY, reasonFor(resign(alive, peer0)));
  }

  @Test
  void certificateFromAnUnknownCaIsRefused() {
    EnvelopeVerifier org1Only = new EnvelopeVerifier(new IdentityMapper(
        new MspRegistry(List.of(TestCrypto.msps().get("Org1MSP").orElseThrow()))), LIMIT);
    Envelope fromOrg2 = new EnvelopeSigner(org2peer).sign(aliveOf(org2peer)).envelope();
    assertEquals(RejectionReason.UNKNOWN_ORG,
        org1Only.verify(fromOrg2, Optional.empty(), NOW).rejection().reason());
  }

  @Test
  void certificateFromAForeignCaIsRefused() {
    // An org 2 certificate and key presented as a member of org 1.
    PeerIdentity asOrg1 = PeerIdentity.of("Org1MSP", org2peer.identity().certificate());
    GossipMessage alive = GossipMessages.alive(asOrg1, "x:1", PeerTimes.of(1, 1), ByteString.EMPTY);
    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE, reasonFor(resign(alive, org2peer)));
  }

  @Test
  void expiredCertificateIsRefused() {
    Envelope alive = signer0.sign(aliveOf(peer0)).envelope();
    Instant afterExpiry = NOW.plus(Duration.ofDays(3651 + 1));
    assertEquals(RejectionReason.EXPIRED_CERTIFICATE,
        verifier.verify(alive, Optional.empty(), afterExpiry).rejection().reason());
  }

  @Test
  void knownIdentityThatExpiresIsRefusedAndForgotten() {
    identities.learn(peer0.identity(), NOW);
    Envelope stateInfo = signer0.sign(GossipMessages.stateInfo(peer0.pkiId(), "ch", PeerTimes.of(1, 2), 1)).envelope();
    Instant afterExpiry = NOW.plus(Duration.ofDays(3652));
    assertEquals(RejectionReason.EXPIRED_CERTIFICATE,
        verifier.verify(stateInfo, Optional.empty(), afterExpiry).rejection().reason());
    assertTrue(identities.find(peer0.pkiId()).isEmpty());
  }

  @Test
  void certificateNotYetValidIsRefused() {
    Envelope alive = signer0.sign(aliveOf(peer0)).envelope();
    assertEquals(RejectionReason.CERTIFICATE_NOT_YET_VALID,
        verifier.verify(alive, Optional.empty(), NOW.minus(Duration.ofDays(1))).rejection().reason());
  }

  @Test
  void caCertificateUsedAsPeerIdentityIsRefused() throws Exception {
    var material = TestCrypto.material();
    var org1 = material.org("Org1MSP");
    var caCert = material.msp(org1).roots().get(0);
    var caKey = Pem.readPrivateKey(material.orgDir(org1).resolve("ca/priv_sk"));
    SigningIdentity ca = SigningIdentity.of("Org1MSP", caCert, caKey);
    assertEquals(RejectionReason.BAD_KEY_USAGE, reasonFor(new EnvelopeSigner(ca).sign(aliveOf(ca)).envelope()));
  }

  @Test
  void nonP256KeyIsRefused() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca.x", "x", NOW.minusSeconds(60), NOW.plusSeconds(3600));
    var rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair keys = rsa.generateKeyPair();
    var cert = ca.issueSigningCertificate("rsa.x", "peer", keys.getPublic(), NOW.minusSeconds(60), NOW.plusSeconds(3600));
    ByteString identity = SerializedIdentity.newBuilder().setMspid("Org1MSP")
        .setIdBytes(ByteString.copyFrom(Pem.encode(cert))).build().toByteString();
    GossipMessage alive = aliveOf(peer0).toBuilder()
        .setAliveMsg(aliveOf(peer0).getAliveMsg().toBuilder().setIdentity(identity)).build();
    assertEquals(RejectionReason.UNSUPPORTED_KEY, reasonFor(resign(alive, peer0)));
  }

  private static Envelope resign(GossipMessage message, SigningIdentity by) {
    return Envelope.newBuilder()
        .setPayload(message.toByteString())
        .setSignature(ByteString.copyFrom(by.sign(message.toByteArray())))
        .build();
  }
}
