package io.hearsay.protocol.identity;

import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A node's local MSP as Fabric reads it from {@code peer.mspConfigPath}: the org's CAs
 * ({@code cacerts/}, {@code intermediatecerts/}), its NodeOUs ({@code config.yaml}) and its explicit
 * admins ({@code admincerts/}). It decides who administers the node: Fabric's rule, an identity
 * valid for the org whose certificate is in {@code admincerts/} or, with NodeOUs enabled, carries
 * the admin OU.
 */
public final class LocalMsp {

  private final Msp msp;
  private final Optional<NodeOUs> nodeOUs;
  private final List<X509Certificate> adminCerts;

  public LocalMsp(Msp msp, Optional<NodeOUs> nodeOUs, List<X509Certificate> adminCerts) {
    this.msp = msp;
    this.nodeOUs = nodeOUs;
    this.adminCerts = List.copyOf(adminCerts);
  }

  /** Reads the MSP directory {@code dir} of org {@code mspId}. */
  public static LocalMsp read(String mspId, Path dir) throws IOException, CertificateException {
    return new LocalMsp(Msp.fromDirectory(mspId, dir), NodeOUs.read(dir), Pem.certificatesIn(dir.resolve("admincerts")));
  }

  public Msp msp() {
    return msp;
  }

  public String mspId() {
    return msp.mspId();
  }

  /** The identity, if it is valid for this org now and an admin of it; else why not. */
  public Verdict<PeerIdentity> admin(PeerIdentity identity, Instant now) {
    return msp.validate(identity, now).then(window -> {
      X509Certificate cert = identity.certificate();
      if (adminCerts.contains(cert)
          || nodeOUs.map(ous -> ous.hasRole(cert, msp.certifiersOf(cert), NodeOUs.Role.ADMIN)).orElse(false)) {
        return Verdict.accept(identity);
      }
      return Verdict.reject(RejectionReason.NOT_AN_ADMIN, "org %s, subject %s: not an admin of the org (%s)",
          mspId(), identity.subject(), nodeOUs.isPresent() ? "no admin OU, not in admincerts" : "not in admincerts");
    });
  }
}
