package io.hearsay.runtime.tls;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * TLS from PEM files under Fabric's core.yaml key names, for every subtree that has them
 * ({@code peer.tls}, {@code operations.tls}, and the orderer's {@code orderer.tls}):
 * {@code enabled}, {@code cert.file} and {@code key.file} (what the node presents),
 * {@code rootcert.file} (the CA of its own TLS certificates, trusted when it dials),
 * {@code clientAuthRequired} and {@code clientRootCAs.files} (whose client certificates it takes),
 * {@code clientCert.file} and {@code clientKey.file} (what it presents when it dials; its server
 * certificate when not set, as Fabric's peer does). Keys a subtree lacks read as unset.
 */
public record TlsSettings(PemTls.KeyPair keyPair, List<Path> rootCas, boolean clientAuthRequired,
    List<Path> clientRootCas, PemTls.KeyPair clientKeyPair) {

  public TlsSettings {
    rootCas = List.copyOf(rootCas);
    clientRootCas = List.copyOf(clientRootCas);
  }

  /** The CAs this node trusts: its own TLS CA and its clients' CAs. */
  public List<Path> trustedCas() {
    List<Path> all = new ArrayList<>(rootCas);
    clientRootCas.stream().filter(ca -> !all.contains(ca)).forEach(all::add);
    return all;
  }

  /** {@code prefix.*} when {@code prefix.enabled}; empty when TLS is off there. */
  public static Optional<TlsSettings> read(ConfigReader c, String prefix) throws ConfigError {
    String p = prefix + ".";
    if (!c.bool(p + "enabled")) {
      return Optional.empty();
    }
    PemTls.KeyPair server = new PemTls.KeyPair(c.existingFile(p + "cert.file"), c.existingFile(p + "key.file"));
    List<Path> roots = c.config().hasPath(p + "rootcert.file") && !c.string(p + "rootcert.file").isBlank()
        ? List.of(c.existingFile(p + "rootcert.file")) : List.of();
    boolean clientAuth = c.bool(p + "clientAuthRequired");
    List<Path> clientRoots = c.existingFiles(p + "clientRootCAs.files");
    if (clientAuth && clientRoots.isEmpty() && roots.isEmpty()) {
      throw c.error(p + "clientAuthRequired", "is on but " + p + "clientRootCAs.files names no CA: "
          + "no client could ever be accepted");
    }
    PemTls.KeyPair client = server;
    if (c.config().hasPath(p + "clientCert.file") && !c.string(p + "clientCert.file").isBlank()) {
      client = new PemTls.KeyPair(c.existingFile(p + "clientCert.file"), c.existingFile(p + "clientKey.file"));
    }
    return Optional.of(new TlsSettings(server, roots, clientAuth, clientRoots, client));
  }
}
