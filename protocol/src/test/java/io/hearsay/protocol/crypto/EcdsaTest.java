package io.hearsay.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.cryptogen.CertificateAuthority;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.Test;

/** Interoperability with the JDK's SHA256withECDSA, which is what Fabric's Go crypto also computes. */
class EcdsaTest {

  private final KeyPair keys = CertificateAuthority.newKeyPair();
  private final byte[] message = "a gossip payload".getBytes(StandardCharsets.UTF_8);

  @Test
  void signatureVerifiesWithTheJdkAndHasALowS() throws Exception {
    byte[] signature = Ecdsa.sign(Ecdsa.privateKeyParameters(keys.getPrivate()), message);

    Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
    jdk.initVerify(keys.getPublic());
    jdk.update(message);
    assertTrue(jdk.verify(signature));
    BigInteger s = ASN1Integer.getInstance(ASN1Sequence.getInstance(signature).getObjectAt(1)).getValue();
    assertTrue(s.compareTo(Ecdsa.DOMAIN.getN().shiftRight(1)) <= 0);
  }

  @Test
  void jdkSignaturesVerifyOnceLowOrAreReportedAsHighS() throws Exception {
    var key = Ecdsa.publicKeyParameters(keys.getPublic());
    int low = 0;
    int high = 0;
    for (int i = 0; i < 40; i++) {
      Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
      jdk.initSign(keys.getPrivate());
      jdk.update(message);
      Ecdsa.Check check = Ecdsa.verify(key, message, jdk.sign());
      if (check == Ecdsa.Check.VALID) {
        low++;
      } else {
        assertEquals(Ecdsa.Check.HIGH_S, check);
        high++;
      }
    }
    assertTrue(low > 0 && high > 0, "random nonces give both halves: low=" + low + " high=" + high);
  }

  @Test
  void signatureOverOtherBytesIsInvalid() {
    byte[] signature = Ecdsa.sign(Ecdsa.privateKeyParameters(keys.getPrivate()), message);
    assertEquals(Ecdsa.Check.INVALID,
        Ecdsa.verify(Ecdsa.publicKeyParameters(keys.getPublic()), "other".getBytes(StandardCharsets.UTF_8), signature));
  }

  @Test
  void emptyOrTruncatedSignatureIsMalformed() {
    byte[] signature = Ecdsa.sign(Ecdsa.privateKeyParameters(keys.getPrivate()), message);
    var key = Ecdsa.publicKeyParameters(keys.getPublic());
    assertEquals(Ecdsa.Check.MALFORMED, Ecdsa.verify(key, message, new byte[0]));
    assertEquals(Ecdsa.Check.MALFORMED, Ecdsa.verify(key, message, Arrays.copyOf(signature, 10)));
  }
}
