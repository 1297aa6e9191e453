package io.hearsay.runtime.admin;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.TlsSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * A node's admin endpoint: where it listens ({@code hearsay.admin.endpoint}), its TLS as Fabric's
 * operations endpoint configures it ({@code operations.tls.*}), and how far an admin request's
 * timestamp may be from this node's clock ({@code hearsay.admin.request-time-window}).
 */
public record AdminSettings(Optional<Endpoint> endpoint, Optional<TlsSettings> tls, Duration requestTimeWindow) {

  /** Reads {@code hearsay.admin} and {@code operations.tls} of a node's config. */
  public static AdminSettings read(ConfigReader c) throws ConfigError {
    return new AdminSettings(c.optionalEndpoint("hearsay.admin.endpoint"), TlsSettings.read(c, "operations.tls"),
        c.positive("hearsay.admin.request-time-window"));
  }
}
