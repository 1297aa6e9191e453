package io.hearsay.protocol.identity;

import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.util.BigIntegers;

/** This peer's own identity together with the private key it signs with. */
public final class SigningIdentity {

  private final PeerIdentity identity;
  private final ECPrivateKeyParameters signingKey;

  private SigningIdentity(PeerIdentity identity, ECPrivateKeyParameters signingKey) {
    this.identity = identity;
    this.signingKey = signingKey;
  }

  public static SigningIdentity of(String mspId, X509Certificate certificate, PrivateKey key) {
    return new SigningIdentity(PeerIdentity.of(mspId, certificate), Ecdsa.privateKeyParameters(key));
  }

  /** Loads a sign certificate and its private key from PEM files (an MSP's signcerts and keystore). */
  public static SigningIdentity load(String mspId, Path certificatePem, Path privateKeyPem)
      throws IOException, CertificateException {
    return of(mspId, Pem.readCertificate(certificatePem), Pem.readPrivateKey(privateKeyPem));
  }

  public PeerIdentity identity() {
    return identity;
  }

  public PkiId pkiId() {
    return identity.pkiId();
  }

  public String mspId() {
    return identity.mspId();
  }

  /** ECDSA over SHA-256 of the bytes, DER-encoded, low S: Fabric's signature. */
  public byte[] sign(byte[] message) {
    return Ecdsa.sign(signingKey, message);
  }

  /**
   * The ECDH secret of this identity's key and {@code other} (both P-256): the same for the two
   * holders of the pair, computable by no one else. The x-coordinate, 32 bytes.
   */
  public byte[] agree(ECPublicKeyParameters other) {
    ECDHBasicAgreement agreement = new ECDHBasicAgreement();
    agreement.init(signingKey);
    return BigIntegers.asUnsignedByteArray(agreement.getFieldSize(), agreement.calculateAgreement(other));
  }

  @Override
  public String toString() {
    return "SigningIdentity(" + identity + ")";
  }
}
