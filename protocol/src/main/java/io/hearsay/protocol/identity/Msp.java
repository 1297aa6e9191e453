package io.hearsay.protocol.identity;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * One org's membership service provider: its root CA certificates and optional intermediate CA
 * certificates, and the rule that decides whether a peer certificate belongs to the org.
 *
 * <p>A certificate is valid for the org when: its key is ECDSA P-256; it is an end-entity
 * certificate allowed to sign (no CA basic constraint; digitalSignature set if key usage is
 * present); it chains through the org's intermediates to one of its roots, each link's signature
 * verifying; and every certificate of that chain is within its validity dates at the given time.
 * Every refusal names the org, the subject and the reason.
 */
public final class Msp {

  private static final int MAX_CHAIN_LENGTH = 6;
  /** Chains verified per certificate: every block's orderer and every message's peer is one of a few. */
  private static final int CHAINS_KEPT = 1024;
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private final String mspId;
  private final List<X509Certificate> roots;
  private final List<X509Certificate> intermediates;
  /**
   * The verified chain (leaf to root) of each certificate validated lately: a chain's signatures
   * are checked once, its dates at every validation.
   */
  private final Map<X509Certificate, List<X509Certificate>> chains = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<X509Certificate, List<X509Certificate>> eldest) {
          return size() > CHAINS_KEPT;
        }
      });

  public Msp(String mspId, List<X509Certificate> roots, List<X509Certificate> intermediates) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("MSP " + mspId + " has no root certificate");
    }
    this.mspId = mspId;
    this.roots = List.copyOf(roots);
    this.intermediates = List.copyOf(intermediates);
  }

  public Msp(String mspId, List<X509Certificate> roots) {
    this(mspId, roots, List.of());
  }

  /**
   * An org's MSP from an MSP directory as Fabric lays it out: root CAs in {@code cacerts/},
   * optional intermediate CAs in {@code intermediatecerts/}.
   */
  public static Msp fromDirectory(String mspId, Path mspDir) throws IOException, CertificateException {
    List<X509Certificate> roots = Pem.certificatesIn(mspDir.resolve("cacerts"));
    if (roots.isEmpty()) {
      throw new CertificateException("MSP " + mspId + ": no root certificate in " + mspDir.resolve("cacerts"));
    }
    return new Msp(mspId, roots, Pem.certificatesIn(mspDir.resolve("intermediatecerts")));
  }

  public String mspId() {
    return mspId;
  }

  public List<X509Certificate> roots() {
    return roots;
  }

  /**
   * Validates the identity's certificate for this org at {@code now}; the accepted value is the
   * window in which the whole chain stays valid, so a caller can re-check dates without redoing
   * the signature work.
   */
  public Verdict<ValidityWindow> validate(PeerIdentity identity, Instant now) {
    X509Certificate leaf = identity.certificate();
    String subject = identity.subject();
    if (!mspId.equals(identity.mspId())) {
      return Verdict.reject(RejectionReason.UNKNOWN_ORG,
          "identity of org %s, subject %s, presented to org %s", identity.mspId(), subject, mspId);
    }
    if (!Ecdsa.isP256(leaf.getPublicKey())) {
      return refuse(RejectionReason.UNSUPPORTED_KEY, subject, "key is not ECDSA P-256");
    }
    if (leaf.getBasicConstraints() != -1) {
      return refuse(RejectionReason.BAD_KEY_USAGE, subject, "is a CA certificate, not a peer's");
    }
    boolean[] keyUsage = leaf.getKeyUsage();
    if (keyUsage != null && !keyUsage[0]) {
      return refuse(RejectionReason.BAD_KEY_USAGE, subject, "key usage lacks digitalSignature");
    }
    List<X509Certificate> known = chains.get(leaf);
    if (known != null) {
      return datesOf(known, now, subject);
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    X509Certificate current = leaf;
    while (!isRoot(current)) {
      if (chain.size() > MAX_CHAIN_LENGTH) {
        return refuse(RejectionReason.UNTRUSTED_CERTIFICATE, subject, "chain longer than "
            + MAX_CHAIN_LENGTH);
      }
      Optional<X509Certificate> issuer = issuerOf(current);
      if (issuer.isEmpty()) {
        return refuse(RejectionReason.UNTRUSTED_CERTIFICATE, subject, "issuer "
            + current.getIssuerX500Principal().getName() + " is not a CA of this org");
      }
      current = issuer.get();
      chain.add(current);
    }
    chains.put(leaf, List.copyOf(chain));
    return datesOf(chain, now, subject);
  }

  private Verdict<ValidityWindow> datesOf(List<X509Certificate> chain, Instant now, String subject) {
    Instant notBefore = Instant.MIN;
    Instant notAfter = Instant.MAX;
    for (X509Certificate cert : chain) {
      Instant from = cert.getNotBefore().toInstant();
      Instant until = cert.getNotAfter().toInstant();
      notBefore = from.isAfter(notBefore) ? from : notBefore;
      notAfter = until.isBefore(notAfter) ? until : notAfter;
    }
    ValidityWindow window = new ValidityWindow(mspId, subject, notBefore, notAfter);
    Optional<Rejection> dates = window.check(now);
    return dates.<Verdict<ValidityWindow>>map(Verdict::reject).orElseGet(() -> Verdict.accept(window));
  }

  /** The CAs of this org that certify {@code cert}, its issuer first, up to a root (as far as the chain goes). */
  public List<X509Certificate> certifiersOf(X509Certificate cert) {
    List<X509Certificate> certifiers = new ArrayList<>();
    X509Certificate current = cert;
    while (!isRoot(current) && certifiers.size() <= MAX_CHAIN_LENGTH) {
      Optional<X509Certificate> issuer = issuerOf(current);
      if (issuer.isEmpty()) {
        break;
      }
      current = issuer.get();
      certifiers.add(current);
    }
    return certifiers;
  }

  /** Whether {@code other} trusts exactly the same root and intermediate CAs. */
  public boolean sameCertificatesAs(Msp other) {
    return Set.copyOf(roots).equals(Set.copyOf(other.roots))
        && Set.copyOf(intermediates).equals(Set.copyOf(other.intermediates));
  }

  private boolean isRoot(X509Certificate cert) {
    return roots.contains(cert);
  }

  /**
   * A CA certificate of this org whose subject is the certificate's issuer and whose key signed
   * it. Only certificates marked as CAs may issue, so an end-entity key cannot extend a chain.
   */
  private Optional<X509Certificate> issuerOf(X509Certificate cert) {
    List<X509Certificate> candidates = new ArrayList<>(intermediates);
    candidates.addAll(roots);
    for (X509Certificate ca : candidates) {
      if (ca.getBasicConstraints() >= 0
          && ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())
          && signedBy(cert, ca)) {
        return Optional.of(ca);
      }
    }
    return Optional.empty();
  }

  private static boolean signedBy(X509Certificate cert, X509Certificate ca) {
    try {
      cert.verify(ca.getPublicKey(), BC);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private <T> Verdict<T> refuse(RejectionReason reason, String subject, String why) {
    return Verdict.reject(reason, "org %s, subject %s: %s", mspId, subject, why);
  }

  /** The time window in which a validated certificate chain stays valid. */
  public record ValidityWindow(String mspId, String subject, Instant notBefore, Instant notAfter) {

    /** Empty when {@code now} lies in the window, else why not. */
    public Optional<Rejection> check(Instant now) {
      if (now.isAfter(notAfter)) {
        return Optional.of(Rejection.of(RejectionReason.EXPIRED_CERTIFICATE,
            "org %s, subject %s: certificate chain expired at %s", mspId, subject, notAfter));
      }
      if (now.isBefore(notBefore)) {
        return Optional.of(Rejection.of(RejectionReason.CERTIFICATE_NOT_YET_VALID,
            "org %s, subject %s: certificate chain not valid before %s", mspId, subject, notBefore));
      }
      return Optional.empty();
    }
  }
}
