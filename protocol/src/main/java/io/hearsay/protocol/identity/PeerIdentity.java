package io.hearsay.protocol.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.Pem;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;

/**
 * A peer's identity as Fabric serializes it, {@code msp.SerializedIdentity{mspid, id_bytes = PEM
 * X.509 certificate}}, parsed once: the certificate, the PKI-ID and the decoded verification key
 * (decoding a key per message halves verify throughput). Parsing says nothing about trust; an
 * {@link Msp} decides that. Identities parsed lately are kept (bounded), since blocks and messages
 * carry the same few creators over and over.
 */
public final class PeerIdentity {

  private static final int PARSED_KEPT = 4096;
  private static final Map<ByteString, PeerIdentity> PARSED = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, PeerIdentity> eldest) {
          return size() > PARSED_KEPT;
        }
      });

  private final String mspId;
  private final ByteString serialized;
  private final X509Certificate certificate;
  private final PkiId pkiId;
  private final ECPublicKeyParameters verificationKey;

  private PeerIdentity(String mspId, ByteString serialized, X509Certificate certificate,
      PkiId pkiId, ECPublicKeyParameters verificationKey) {
    this.mspId = mspId;
    this.serialized = serialized;
    this.certificate = certificate;
    this.pkiId = pkiId;
    this.verificationKey = verificationKey;
  }

  /** Parses serialized identity bytes; fails as MALFORMED_IDENTITY or UNSUPPORTED_KEY. */
  public static Verdict<PeerIdentity> parse(ByteString serializedIdentity) {
    PeerIdentity known = PARSED.get(serializedIdentity);
    if (known != null) {
      return Verdict.accept(known);
    }
    Verdict<PeerIdentity> parsed = parseAnew(serializedIdentity);
    if (parsed.isAccepted()) {
      PARSED.put(serializedIdentity, parsed.value());
    }
    return parsed;
  }

  private static Verdict<PeerIdentity> parseAnew(ByteString serializedIdentity) {
    SerializedIdentity sid;
    try {
      sid = SerializedIdentity.parseFrom(serializedIdentity);
    } catch (InvalidProtocolBufferException e) {
      return Verdict.reject(RejectionReason.MALFORMED_IDENTITY,
          "not a msp.SerializedIdentity: %s", e.getMessage());
    }
    if (sid.getMspid().isEmpty()) {
      return Verdict.reject(RejectionReason.MALFORMED_IDENTITY, "serialized identity has no mspid");
    }
    X509Certificate certificate;
    try {
      certificate = Pem.certificate(sid.getIdBytes().toByteArray());
    } catch (CertificateException e) {
      return Verdict.reject(RejectionReason.MALFORMED_IDENTITY,
          "identity of %s does not hold one X.509 certificate: %s", sid.getMspid(), e.getMessage());
    }
    if (!Ecdsa.isP256(certificate.getPublicKey())) {
      return Verdict.reject(RejectionReason.UNSUPPORTED_KEY,
          "org %s, subject %s: key is %s, not ECDSA P-256", sid.getMspid(),
          certificate.getSubjectX500Principal().getName(), certificate.getPublicKey().getAlgorithm());
    }
    return Verdict.accept(new PeerIdentity(sid.getMspid(), serializedIdentity, certificate,
        PkiId.of(sid.getMspid(), sid.getIdBytes()),
        Ecdsa.publicKeyParameters(certificate.getPublicKey())));
  }

  /** Builds the serialized identity of a certificate of the given org. */
  public static PeerIdentity of(String mspId, X509Certificate certificate) {
    ByteString serialized = SerializedIdentity.newBuilder()
        .setMspid(mspId)
        .setIdBytes(ByteString.copyFrom(Pem.encode(certificate)))
        .build()
        .toByteString();
    return parse(serialized).value();
  }

  public String mspId() {
    return mspId;
  }

  /** The {@code msp.SerializedIdentity} bytes, as carried in alive and ConnEstablish messages. */
  public ByteString serialized() {
    return serialized;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PkiId pkiId() {
    return pkiId;
  }

  public ECPublicKeyParameters verificationKey() {
    return verificationKey;
  }

  public String subject() {
    return certificate.getSubjectX500Principal().getName();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerIdentity other && serialized.equals(other.serialized);
  }

  @Override
  public int hashCode() {
    return serialized.hashCode();
  }

  @Override
  public String toString() {
    return mspId + "/" + subject() + " (" + pkiId + ")";
  }
}
