package io.hearsay.protocol.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.cryptogen.CertificateAuthority;
import io.hearsay.protocol.testing.TestCrypto;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.junit.jupiter.api.Test;

class MspTest {

  private static final Instant NOW = Instant.now();
  private static final Instant YEAR_AGO = NOW.minus(Duration.ofDays(365));
  private static final Instant IN_A_YEAR = NOW.plus(Duration.ofDays(365));

  private final CertificateAuthority ca = CertificateAuthority.create("ca.test.org", "test.org", YEAR_AGO, IN_A_YEAR);
  private final Msp msp = new Msp("TestMSP", List.of(ca.certificate()));

  @Test
  void generatedPeerIsAcceptedByItsOwnOrg() throws Exception {
    MspRegistry msps = TestCrypto.msps();
    PeerIdentity peer = TestCrypto.peer(1, 0).identity();
    assertTrue(msps.validate(peer, NOW).isAccepted(), () -> msps.validate(peer, NOW).toString());
    assertTrue(msps.validate(TestCrypto.peer(2, 2).identity(), NOW).isAccepted());
  }

  @Test
  void certificateOfOrg2IsRefusedByOrg1() throws Exception {
    Msp org1 = TestCrypto.material().msp(TestCrypto.material().org("Org1MSP"));
    PeerIdentity org2Cert = TestCrypto.peer(2, 0).identity();
    PeerIdentity claimingOrg1 = PeerIdentity.of("Org1MSP", org2Cert.certificate());

    Verdict<Msp.ValidityWindow> verdict = org1.validate(claimingOrg1, NOW);

    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE, verdict.rejection().reason());
    assertTrue(verdict.rejection().detail().contains("Org1MSP"), verdict.rejection().detail());
    assertTrue(verdict.rejection().detail().contains("peer0.org2.example.com"), verdict.rejection().detail());
    assertEquals(RejectionReason.UNKNOWN_ORG, org1.validate(org2Cert, NOW).rejection().reason());
  }

  @Test
  void unknownOrgIsRefusedByTheRegistry() {
    MspRegistry onlyTest = MspRegistry.of(msp);
    Verdict<Msp.ValidityWindow> verdict = onlyTest.validate(TestCrypto.peer(1, 0).identity(), NOW);
    assertEquals(RejectionReason.UNKNOWN_ORG, verdict.rejection().reason());
    assertTrue(verdict.rejection().detail().contains("Org1MSP"));
  }

  @Test
  void expiredCertificateIsRefused() {
    PeerIdentity expired = peerWithDates(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)));
    Verdict<Msp.ValidityWindow> verdict = msp.validate(expired, NOW);
    assertEquals(RejectionReason.EXPIRED_CERTIFICATE, verdict.rejection().reason());
    assertTrue(verdict.rejection().detail().contains("peer0.test.org"));
  }

  @Test
  void certificateNotYetValidIsRefused() {
    PeerIdentity future = peerWithDates(NOW.plus(Duration.ofDays(1)), IN_A_YEAR);
    assertEquals(RejectionReason.CERTIFICATE_NOT_YET_VALID, msp.validate(future, NOW).rejection().reason());
  }

  @Test
  void validityWindowCoversTheWholeChain() {
    PeerIdentity peer = peerWithDates(YEAR_AGO, NOW.plus(Duration.ofDays(3650)));
    Msp.ValidityWindow window = msp.validate(peer, NOW).value();
    assertEquals(ca.certificate().getNotAfter().toInstant(), window.notAfter());
    assertEquals(RejectionReason.EXPIRED_CERTIFICATE,
        window.check(IN_A_YEAR.plusSeconds(1)).orElseThrow().reason());
  }

  @Test
  void caCertificateIsNotAPeerIdentity() {
    PeerIdentity caAsPeer = PeerIdentity.of("TestMSP", ca.certificate());
    assertEquals(RejectionReason.BAD_KEY_USAGE, msp.validate(caAsPeer, NOW).rejection().reason());
  }

  @Test
  void certificateThatCannotSignIsRefused() {
    KeyPair keys = CertificateAuthority.newKeyPair();
    X509Certificate cert = ca.issue("peer0.test.org", "peer", keys.getPublic(), YEAR_AGO, IN_A_YEAR,
        new KeyUsage(KeyUsage.keyEncipherment), null, List.of());
    Verdict<Msp.ValidityWindow> verdict = msp.validate(PeerIdentity.of("TestMSP", cert), NOW);
    assertEquals(RejectionReason.BAD_KEY_USAGE, verdict.rejection().reason());
    assertTrue(verdict.rejection().detail().contains("digitalSignature"));
  }

  @Test
  void rsaKeyIsRefusedWhenParsed() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    X509Certificate cert = ca.issueSigningCertificate("rsa.test.org", "peer",
        rsa.generateKeyPair().getPublic(), YEAR_AGO, IN_A_YEAR);
    var serialized = SerializedIdentity.newBuilder()
        .setMspid("TestMSP")
        .setIdBytes(ByteString.copyFrom(Pem.encode(cert)))
        .build().toByteString();
    assertEquals(RejectionReason.UNSUPPORTED_KEY, PeerIdentity.parse(serialized).rejection().reason());
  }

  @Test
  void peerIssuedByAnIntermediateCaChainsToTheRoot() {
    CertificateAuthority intermediate = ca.issueIntermediate("ica.test.org", YEAR_AGO, IN_A_YEAR);
    Msp withIntermediate = new Msp("TestMSP", List.of(ca.certificate()), List.of(intermediate.certificate()));
    PeerIdentity peer = PeerIdentity.of("TestMSP", intermediate.issueSigningCertificate("peer1.test.org",
        "peer", CertificateAuthority.newKeyPair().getPublic(), YEAR_AGO, IN_A_YEAR));

    assertTrue(withIntermediate.validate(peer, NOW).isAccepted());
    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE, msp.validate(peer, NOW).rejection().reason(),
        "without the intermediate the chain does not reach the root");
  }

  @Test
  void endEntityKeyCannotIssueCertificates() {
    KeyPair peerKeys = CertificateAuthority.newKeyPair();
    X509Certificate notACa = ca.issueSigningCertificate("peer0.test.org", "peer", peerKeys.getPublic(),
        YEAR_AGO, IN_A_YEAR);
    Msp trustingIt = new Msp("TestMSP", List.of(ca.certificate()), List.of(notACa));
    // The peer uses its own key and certificate as if they were a CA's.
    CertificateAuthority forged = CertificateAuthority.of(peerKeys, notACa);
    PeerIdentity victim = PeerIdentity.of("TestMSP", forged.issueSigningCertificate("peer9.test.org", "peer",
        CertificateAuthority.newKeyPair().getPublic(), YEAR_AGO, IN_A_YEAR));
    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE, trustingIt.validate(victim, NOW).rejection().reason());
  }

  private PeerIdentity peerWithDates(Instant notBefore, Instant notAfter) {
    X509Certificate cert = ca.issueSigningCertificate("peer0.test.org", "peer",
        CertificateAuthority.newKeyPair().getPublic(), notBefore, notAfter);
    return PeerIdentity.of("TestMSP", cert);
  }
}
