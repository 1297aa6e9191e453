package io.hearsay.runtime.tls;

import io.hearsay.protocol.crypto.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS from PEM files, as Fabric's operators hold it (cryptogen's {@code tls/server.crt},
 * {@code server.key}, {@code ca.crt}): key and trust stores are built in memory, so no PKCS#12
 * file is needed. TLS 1.3, as Fabric's EC P-256 material works with.
 */
public final class PemTls {

  /** A certificate (its chain may follow it in the file) and its private key. */
  public record KeyPair(Path certificate, Path privateKey) {}

  private PemTls() {}

  /** The certificate a key pair presents (the first one of its file). */
  public static X509Certificate certificate(KeyPair pair) throws IOException {
    try {
      return Pem.certificates(Files.readAllBytes(pair.certificate())).get(0);
    } catch (CertificateException | IndexOutOfBoundsException e) {
      throw new IOException(pair.certificate() + ": no PEM certificate: " + e.getMessage(), e);
    }
  }

  /**
   * An SSLContext presenting {@code own} (when given) and trusting the CAs in {@code roots};
   * {@code wrapTrust} may wrap the trust manager (to log and count refused certificates).
   */
  public static SSLContext context(Optional<KeyPair> own, List<Path> roots, UnaryOperator<X509TrustManager> wrapTrust)
      throws IOException {
    try {
      TrustManager[] trustManagers = trustManagers(roots);
      for (int i = 0; i < trustManagers.length; i++) {
        if (trustManagers[i] instanceof X509TrustManager x509) {
          trustManagers[i] = wrapTrust.apply(x509);
        }
      }
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(own.isPresent() ? keyManagers(own.get()) : null, trustManagers, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build TLS from " + own.map(Object::toString).orElse("no certificate") + " and "
          + roots + ": " + e.getMessage(), e);
    }
  }

  /** Key managers presenting {@code own}: its certificate chain and private key, in an in-memory store. */
  public static KeyManager[] keyManagers(KeyPair own) throws IOException, GeneralSecurityException {
    char[] password = randomPassword();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    List<X509Certificate> chain = Pem.certificates(Files.readAllBytes(own.certificate()));
    if (chain.isEmpty()) {
      throw new IOException(own.certificate() + ": no PEM certificate");
    }
    PrivateKey key = Pem.readPrivateKey(own.privateKey());
    keys.setKeyEntry("own", key, password, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    return kmf.getKeyManagers();
  }

  /** Trust managers trusting the CAs of the PEM files {@code roots} (each may hold several). */
  public static TrustManager[] trustManagers(List<Path> roots) throws IOException, GeneralSecurityException {
    List<X509Certificate> cas = new ArrayList<>();
    for (Path root : roots) {
      cas.addAll(Pem.certificates(Files.readAllBytes(root)));
    }
    return trustManagersOf(cas);
  }

  /** Trust managers trusting {@code cas}. */
  public static TrustManager[] trustManagersOf(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      trust.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf.getTrustManagers();
  }

  private static char[] randomPassword() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes).toCharArray();
  }
}
