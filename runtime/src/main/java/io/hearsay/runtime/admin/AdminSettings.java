package io.hearsay.runtime.admin;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.PemTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A node's admin endpoint: where it listens ({@code hearsay.admin.endpoint}), its TLS as Fabric's
 * operations endpoint configures it ({@code operations.tls.*}), and how far an admin request's
 * timestamp may be from this node's clock ({@code hearsay.admin.request-time-window}).
 */
public record AdminSettings(Optional<Endpoint> endpoint, Optional<Tls> tls, Duration requestTimeWindow) {

  /** Fabric's {@code operations.tls}: the endpoint's certificate and key, and whose client certificates it takes. */
  public record Tls(PemTls.KeyPair keyPair, boolean clientAuthRequired, List<Path> clientRootCAs) {
    public Tls {
      clientRootCAs = List.copyOf(clientRootCAs);
    }
  }

  /** Reads {@code hearsay.admin} and {@code operations.tls} of a node's config. */
  public static AdminSettings read(ConfigReader c) throws ConfigError {
    Optional<Tls> tls = Optional.empty();
    if (c.bool("operations.tls.enabled")) {
      PemTls.KeyPair pair = new PemTls.KeyPair(c.existingFile("operations.tls.cert.file"),
          c.existingFile("operations.tls.key.file"));
      boolean clientAuth = c.bool("operations.tls.clientAuthRequired");
      List<Path> roots = c.existingFiles("operations.tls.clientRootCAs.files");
      if (clientAuth && roots.isEmpty()) {
        throw c.error("operations.tls.clientAuthRequired", "is on but operations.tls.clientRootCAs.files names no CA: "
            + "no client could ever be accepted");
      }
      tls = Optional.of(new Tls(pair, clientAuth, roots));
    }
    return new AdminSettings(c.optionalEndpoint("hearsay.admin.endpoint"), tls, c.positive("hearsay.admin.request-time-window"));
  }
}
