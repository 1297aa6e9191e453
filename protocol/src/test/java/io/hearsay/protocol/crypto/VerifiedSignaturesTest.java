package io.hearsay.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hearsay.protocol.cryptogen.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.Test;

class VerifiedSignaturesTest {

  private final KeyPair keys = CertificateAuthority.newKeyPair();
  private final ECPublicKeyParameters publicKey = Ecdsa.publicKeyParameters(keys.getPublic());
  private final ECPrivateKeyParameters privateKey = Ecdsa.privateKeyParameters(keys.getPrivate());
  private final VerifiedSignatures verified = new VerifiedSignatures();

  @Test
  void aValidSignatureStaysValidAndNothingElseBorrowsItsVerdict() {
    byte[] message = "block 7".getBytes(StandardCharsets.UTF_8);
    byte[] signature = Ecdsa.sign(privateKey, message);
    assertEquals(Ecdsa.Check.VALID, verified.verify(publicKey, message, signature));
    assertEquals(Ecdsa.Check.VALID, verified.verify(publicKey, message, signature), "remembered");
    assertEquals(Ecdsa.Check.INVALID, verified.verify(publicKey, "block 8".getBytes(StandardCharsets.UTF_8), signature),
        "the same signature over another message");
    ECPublicKeyParameters otherKey = Ecdsa.publicKeyParameters(CertificateAuthority.newKeyPair().getPublic());
    assertEquals(Ecdsa.Check.INVALID, verified.verify(otherKey, message, signature), "another key");
  }

  @Test
  void aRefusalIsNeverRememberedAsValid() {
    byte[] message = "block 9".getBytes(StandardCharsets.UTF_8);
    byte[] signature = Ecdsa.sign(privateKey, message);
    signature[signature.length - 1] ^= 1;
    Ecdsa.Check first = verified.verify(publicKey, message, signature);
    assertEquals(first, verified.verify(publicKey, message, signature));
    assertEquals(true, first != Ecdsa.Check.VALID);
  }
}
