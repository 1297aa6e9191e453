package io.hearsay.runtime.orderer;

import io.hearsay.ledger.LedgerSettings;
import io.hearsay.runtime.admin.AdminSettings;
import io.hearsay.runtime.comm.CommSettings;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettingsLoader;
import io.hearsay.runtime.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An orderer node's settings ({@code orderer.*} with its gRPC TLS {@code orderer.tls}, and the {@code hearsay.comm},
 * {@code hearsay.ledger} and {@code hearsay.admin} subtrees it shares with peers, and the API and
 * ledger timeouts), read and checked once.
 */
public record OrdererSettings(String id, String localMspId, Path mspConfigPath, Endpoint endpoint,
    List<Path> channelBlocks, Optional<TlsSettings> tls, CommSettings comm, LedgerSettings ledger,
    AdminSettings admin, Duration apiTimeout, Duration ledgerTimeout) {

  public OrdererSettings {
    channelBlocks = List.copyOf(channelBlocks);
  }

  /** Reads an effective (resolved) config; {@code source} names it in errors. */
  public static OrdererSettings read(ConfigReader c) throws ConfigError {
    List<Path> channels = c.strings("orderer.channels").stream().map(Path::of).toList();
    if (channels.isEmpty()) {
      throw new ConfigError(c.source() + ": orderer.channels names no genesis block; an orderer needs a channel");
    }
    return new OrdererSettings(c.required("orderer.id"), c.required("orderer.localMspId"),
        c.mspDirectory("orderer.mspConfigPath"), c.endpoint("orderer.endpoint"), channels, TlsSettings.read(c, "orderer.tls"),
        CommSettings.read(c), PeerSettingsLoader.ledger(c), AdminSettings.read(c), c.positive("hearsay.api-timeout"),
        c.positive("hearsay.channels.ledger-timeout"));
  }
}
