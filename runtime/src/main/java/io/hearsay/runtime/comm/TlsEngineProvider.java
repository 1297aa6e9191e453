package io.hearsay.runtime.comm;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artery's TLS engine with a trust manager that logs and counts every certificate it refuses.
 * Pekko's own provider refuses an unknown CA's certificate silently on the accepting side; an
 * operator needs to see who knocked. Counts are kept per ActorSystem, so peers sharing a JVM in
 * tests do not mix them up.
 */
public final class TlsEngineProvider extends ConfigSSLEngineProvider {

  private static final Logger LOG = LoggerFactory.getLogger(TlsEngineProvider.class);
  private static final ConcurrentHashMap<String, LongAdder> REFUSED = new ConcurrentHashMap<>();

  private final String systemName;

  public TlsEngineProvider(ActorSystem system) {
    super(system);
    this.systemName = system.name() + "@" + System.identityHashCode(system);
  }

  /** Certificates refused by the TLS engine of {@code system} so far. */
  public static long refusedCertificates(ActorSystem system) {
    LongAdder adder = REFUSED.get(system.name() + "@" + System.identityHashCode(system));
    return adder == null ? 0 : adder.sum();
  }

  @Override
  public TrustManager[] trustManagers() {
    TrustManager[] managers = super.trustManagers();
    for (int i = 0; i < managers.length; i++) {
      if (managers[i] instanceof X509TrustManager x509) {
        managers[i] = new Counting(x509);
      }
    }
    return managers;
  }

  @FunctionalInterface
  private interface TrustCheck {
    void run() throws CertificateException;
  }

  private final class Counting implements X509TrustManager {
    private final X509TrustManager delegate;

    Counting(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check("inbound connection", chain, () -> delegate.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check("outbound connection", chain, () -> delegate.checkServerTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }

    private void check(String direction, X509Certificate[] chain, TrustCheck check) throws CertificateException {
      try {
        check.run();
      } catch (CertificateException e) {
        refused(direction, chain, e);
        throw e;
      }
    }

    private void refused(String direction, X509Certificate[] chain, CertificateException e) {
      REFUSED.computeIfAbsent(systemName, k -> new LongAdder()).increment();
      String subject = chain == null || chain.length == 0 ? "no certificate"
          : chain[0].getSubjectX500Principal().getName() + " issued by "
              + chain[0].getIssuerX500Principal().getName();
      LOG.warn("TLS {} refused: {}", direction, Rejection.of(RejectionReason.UNTRUSTED_TLS_CERTIFICATE,
          "%s: %s", subject, e.getMessage()));
    }
  }
}
