package io.hearsay.runtime.admin;

import com.typesafe.config.Config;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettingsLoader;
import io.hearsay.runtime.tls.PemTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
  public static AdminSettings read(Config c, String source) throws ConfigError {
    String admin = c.getString("hearsay.admin.endpoint");
    Optional<Endpoint> endpoint = admin.isBlank() ? Optional.empty()
        : Optional.of(PeerSettingsLoader.endpoint(admin, "hearsay.admin.endpoint", source));
    Optional<Tls> tls = Optional.empty();
    if (c.getBoolean("operations.tls.enabled")) {
      PemTls.KeyPair pair = new PemTls.KeyPair(file(c, "operations.tls.cert.file", source),
          file(c, "operations.tls.key.file", source));
      boolean clientAuth = c.getBoolean("operations.tls.clientAuthRequired");
      List<String> roots = c.getStringList("operations.tls.clientRootCAs.files");
      List<Path> rootFiles = new ArrayList<>();
      for (int i = 0; i < roots.size(); i++) {
        rootFiles.add(existing(roots.get(i), "operations.tls.clientRootCAs.files[" + i + "]", source));
      }
      if (clientAuth && rootFiles.isEmpty()) {
        throw new ConfigError(source + ": operations.tls.clientAuthRequired is on but operations.tls.clientRootCAs.files "
            + "names no CA: no client could ever be accepted");
      }
      tls = Optional.of(new Tls(pair, clientAuth, rootFiles));
    }
    return new AdminSettings(endpoint, tls, PeerSettingsLoader.positive(c, "hearsay.admin.request-time-window", source));
  }

  private static Path file(Config c, String key, String source) throws ConfigError {
    return existing(c.getString(key), key, source);
  }

  private static Path existing(String value, String key, String source) throws ConfigError {
    if (value.isBlank() || !Files.isRegularFile(Path.of(value))) {
      throw new ConfigError(source + ": " + key + " = \"" + value + "\": file not found");
    }
    return Path.of(value);
  }
}
