package io.hearsay.runtime.tls;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trust manager that logs and counts every certificate it refuses: the JDK's accepting side
 * refuses an unknown CA's certificate without a word, and an operator needs to see who knocked.
 */
public final class CountingTrustManager implements X509TrustManager {

  private static final Logger LOG = LoggerFactory.getLogger(CountingTrustManager.class);

  private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
  private static final ConcurrentHashMap<String, Long> LAST_LOGGED = new ConcurrentHashMap<>();

  private final X509TrustManager delegate;
  private final LongAdder refused;
  private final String what;

  /** {@code what} names the endpoint in the log ("Artery", "admin endpoint"). */
  public CountingTrustManager(X509TrustManager delegate, LongAdder refused, String what) {
    this.delegate = delegate;
    this.refused = refused;
    this.what = what;
  }

  @FunctionalInterface
  private interface TrustCheck {
    void run() throws CertificateException;
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
      refused.increment();
      String subject = chain == null || chain.length == 0 ? "no certificate"
          : chain[0].getSubjectX500Principal().getName() + " issued by " + chain[0].getIssuerX500Principal().getName();
      String key = what + "|" + direction + "|" + subject;
      long now = System.nanoTime();
      Long last = LAST_LOGGED.get(key);
      // Once a minute per certificate: a peer that keeps dialling would otherwise fill the log.
      if (last == null || now - last >= LOG_INTERVAL_NANOS) {
        LAST_LOGGED.put(key, now);
        LOG.warn("{}: TLS {} refused: {} (logged once a minute per certificate; all are counted)", what, direction,
            Rejection.of(RejectionReason.UNTRUSTED_TLS_CERTIFICATE, "%s: %s", subject, e.getMessage()));
      }
      throw e;
    }
  }
}
