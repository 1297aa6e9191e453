package io.hearsay.runtime.tls;

import io.hearsay.runtime.comm.TlsEngineProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How a node's Artery links are secured (mutual TLS 1.3): from Fabric's PEM files
 * ({@code peer.tls}, the operator's material as cryptogen or a Fabric CA wrote it; key and trust
 * stores built in memory), or from PKCS#12 stores ({@code hearsay.tls}, the older form).
 */
public sealed interface ArteryTls permits ArteryTls.Pem, ArteryTls.Pkcs12 {

  /** The certificate this node presents (its hash is the handshake's {@code tls_cert_hash}). */
  X509Certificate certificate() throws IOException;

  /** The {@code pekko.remote.artery.ssl} config that runs Artery's TLS with this material. */
  String arteryConfig();

  /** PEM files: what the node presents, and every CA whose certificates it takes. */
  record Pem(PemTls.KeyPair keyPair, List<Path> trustedCas) implements ArteryTls {
    public Pem {
      trustedCas = List.copyOf(trustedCas);
    }

    @Override
    public X509Certificate certificate() throws IOException {
      return PemTls.certificate(keyPair);
    }

    @Override
    public String arteryConfig() {
      StringBuilder cas = new StringBuilder();
      trustedCas.forEach(ca -> cas.append(cas.length() == 0 ? "" : ", ").append(quoted(ca)));
      return common() + "hearsay.artery-pem {\n  certificate = " + quoted(keyPair.certificate()) + "\n  private-key = "
          + quoted(keyPair.privateKey()) + "\n  cas = [" + cas + "]\n}\n";
    }
  }

  /** PKCS#12 key and trust stores with one password. */
  record Pkcs12(Path keyStore, Path trustStore, String password) implements ArteryTls {
    @Override
    public X509Certificate certificate() throws IOException {
      try (InputStream in = Files.newInputStream(keyStore)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, password.toCharArray());
        return (X509Certificate) store.getCertificate(store.aliases().nextElement());
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(keyStore + ": cannot read it with the password given: " + e.getMessage(), e);
      }
    }

    @Override
    public String arteryConfig() {
      return common() + "pekko.remote.artery.ssl.config-ssl-engine {\n"
          + "  key-store = " + quoted(keyStore) + "\n  trust-store = " + quoted(trustStore) + "\n"
          + "  key-store-password = \"" + password + "\"\n  key-password = \"" + password + "\"\n"
          + "  trust-store-password = \"" + password + "\"\n}\n";
    }
  }

  private static String common() {
    return "pekko.remote.artery.transport = tls-tcp\n"
        + "pekko.remote.artery.ssl.ssl-engine-provider = \"" + TlsEngineProvider.class.getName() + "\"\n"
        + "pekko.remote.artery.ssl.config-ssl-engine {\n"
        // EC keys: TLS 1.3 suites work; Pekko's default TLS_ECDHE_RSA_* suites do not.
        + "  protocol = \"TLSv1.3\"\n"
        + "  enabled-algorithms = [TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256]\n"
        + "  require-mutual-authentication = on\n"
        + "  hostname-verification = off\n}\n";
  }

  private static String quoted(Path path) {
    return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
