package io.hearsay.protocol.crypto;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ECDSA P-256 over SHA-256 exactly as Fabric's BCCSP does it: the message is hashed with SHA-256,
 * the signature is a DER {@code SEQUENCE {r, s}}, and S is normalised to the lower half of the
 * curve order when signing and required to be there when verifying.
 *
 * <p>Bouncy Castle's lightweight API with its custom P-256 curve is used instead of the JCA: it
 * is the fastest verifier measured on this project's machines (see DESIGN.md), and it lets a
 * decoded public key be cached per PKI-ID. Nonces are deterministic (RFC 6979), so signing does
 * not depend on the entropy pool.
 */
public final class Ecdsa {

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  public static final ECDomainParameters DOMAIN =
      new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());
  private static final BigInteger HALF_ORDER = DOMAIN.getN().shiftRight(1);

  /** What a signature check found; only {@link #VALID} means the signature is good. */
  public enum Check { VALID, MALFORMED, HIGH_S, INVALID }

  private Ecdsa() {}

  /** SHA-256 with the JDK's digest, which uses the CPU's SHA instructions where it has them. */
  public static byte[] sha256(byte[] message) {
    MessageDigest digest = sha256();
    return digest.digest(message);
  }

  /** SHA-256 of the bytes as they lie in the ByteString, without copying them out. */
  public static byte[] sha256(ByteString bytes) {
    MessageDigest digest = sha256();
    update(digest, bytes);
    return digest.digest();
  }

  /**
   * Feeds the ByteString's bytes to {@code digest} from the arrays they lie in. Its read-only
   * buffers would not do: the JDK's digests copy a buffer without an accessible array into a
   * scratch array first, a second pass over every block's transactions.
   */
  public static void update(MessageDigest digest, ByteString bytes) {
    try {
      UnsafeByteOperations.unsafeWriteTo(bytes, new DigestOutput(digest));
    } catch (IOException e) {
      throw new UncheckedIOException("a digest does not fail", e);
    }
  }

  /** The ByteOutput a ByteString writes its arrays to, each straight into a digest (never kept). */
  private static final class DigestOutput extends ByteOutput {
    private final MessageDigest digest;

    DigestOutput(MessageDigest digest) {
      this.digest = digest;
    }

    @Override
    public void write(byte value) {
      digest.update(value);
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      digest.update(value, offset, length);
    }

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      write(value, offset, length);
    }

    @Override
    public void write(ByteBuffer value) {
      digest.update(value);
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      write(value);
    }
  }

  /** A fresh SHA-256 digest, for hashing data given in pieces. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Signs SHA-256(message); the result is DER-encoded with a low S. */
  public static byte[] sign(ECPrivateKeyParameters key, byte[] message) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, key);
    BigInteger[] rs = signer.generateSignature(sha256(message));
    BigInteger s = rs[1].compareTo(HALF_ORDER) > 0 ? DOMAIN.getN().subtract(rs[1]) : rs[1];
    return derEncode(rs[0], s);
  }

  /** Checks a DER-encoded signature over SHA-256(message). */
  public static Check verify(ECPublicKeyParameters key, byte[] message, byte[] derSignature) {
    return verifyDigest(key, sha256(message), derSignature);
  }

  /** Checks a DER-encoded signature over a message whose SHA-256 {@code digest} is given. */
  public static Check verifyDigest(ECPublicKeyParameters key, byte[] digest, byte[] derSignature) {
    BigInteger[] rs = derDecode(derSignature);
    if (rs == null) {
      return Check.MALFORMED;
    }
    if (rs[1].compareTo(HALF_ORDER) > 0) {
      return Check.HIGH_S;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, key);
    return verifier.verifySignature(digest, rs[0], rs[1]) ? Check.VALID : Check.INVALID;
  }

  /** True when the key is on the P-256 curve (whatever provider made the key object). */
  public static boolean isP256(PublicKey key) {
    return key instanceof ECPublicKey ec
        && ec.getParams().getOrder().equals(DOMAIN.getN())
        && ec.getParams().getCurve().getField().getFieldSize() == 256;
  }

  /** Converts a JCA P-256 public key (any provider) to the lightweight form used for verifying. */
  public static ECPublicKeyParameters publicKeyParameters(PublicKey key) {
    if (!isP256(key)) {
      throw new IllegalArgumentException("not an ECDSA P-256 key: " + key.getAlgorithm());
    }
    ECPublicKey ec = (ECPublicKey) key;
    return new ECPublicKeyParameters(
        DOMAIN.getCurve().createPoint(ec.getW().getAffineX(), ec.getW().getAffineY()), DOMAIN);
  }

  /** Converts a JCA P-256 private key (any provider) to the lightweight form used for signing. */
  public static ECPrivateKeyParameters privateKeyParameters(PrivateKey key) {
    if (!(key instanceof ECPrivateKey ec) || !ec.getParams().getOrder().equals(DOMAIN.getN())) {
      throw new IllegalArgumentException("not an ECDSA P-256 private key: " + key.getAlgorithm());
    }
    return new ECPrivateKeyParameters(ec.getS(), DOMAIN);
  }

  /** Whether {@code privateKey} is the key of {@code publicKey} (its point is d·G). */
  public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    if (!isP256(publicKey)) {
      return false;
    }
    ECPrivateKeyParameters priv = privateKeyParameters(privateKey);
    return DOMAIN.getG().multiply(priv.getD()).normalize().equals(publicKeyParameters(publicKey).getQ().normalize());
  }

  private static byte[] derEncode(BigInteger r, BigInteger s) {
    ASN1EncodableVector v = new ASN1EncodableVector(2);
    v.add(new ASN1Integer(r));
    v.add(new ASN1Integer(s));
    try {
      return new DERSequence(v).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of two integers cannot fail", e);
    }
  }

  /** Returns {r, s}, or null when the bytes are not exactly a DER sequence of two positive integers. */
  private static BigInteger[] derDecode(byte[] der) {
    if (der == null || der.length == 0) {
      return null;
    }
    try {
      ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
      if (!(primitive instanceof ASN1Sequence seq) || seq.size() != 2
          || !(seq.getObjectAt(0) instanceof ASN1Integer r)
          || !(seq.getObjectAt(1) instanceof ASN1Integer s)) {
        return null;
      }
      BigInteger rv = r.getValue();
      BigInteger sv = s.getValue();
      if (rv.signum() <= 0 || sv.signum() <= 0
          || rv.compareTo(DOMAIN.getN()) >= 0 || sv.compareTo(DOMAIN.getN()) >= 0) {
        return null;
      }
      return new BigInteger[] {rv, sv};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
