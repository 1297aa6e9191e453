package io.hearsay.runtime.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS CAs a node's Artery trusts, growing as it joins channels: those its config names, and
 * the TLS root and intermediate CAs of every org of every joined channel's config, as a Fabric
 * peer's gRPC server learns them from its channels. Checks use the set as it is at the moment of
 * the handshake; a CA once trusted stays trusted until the node restarts.
 */
public final class TrustedCas implements X509TrustManager {

  private final Map<String, X509Certificate> cas = new LinkedHashMap<>();
  private volatile X509TrustManager current;

  public TrustedCas(Collection<X509Certificate> initial) {
    add(initial);
  }

  /** Trusts {@code more} too; whether any was new. */
  public synchronized boolean add(Collection<X509Certificate> more) {
    boolean changed = current == null;
    for (X509Certificate ca : more) {
      try {
        changed |= cas.putIfAbsent(Base64.getEncoder().encodeToString(ca.getEncoded()), ca) == null;
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("a CA certificate that cannot be encoded: " + ca.getSubjectX500Principal(), e);
      }
    }
    if (changed) {
      current = build(new ArrayList<>(cas.values()));
    }
    return changed;
  }

  /** The CAs trusted now. */
  public synchronized List<X509Certificate> cas() {
    return List.copyOf(cas.values());
  }

  private static X509TrustManager build(List<X509Certificate> cas) {
    try {
      for (TrustManager manager : PemTls.trustManagersOf(cas)) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JDK made no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("a trust manager of " + cas.size() + " CAs: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return current.getAcceptedIssuers();
  }
}
