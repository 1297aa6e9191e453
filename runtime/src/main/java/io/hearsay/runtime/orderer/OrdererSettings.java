package io.hearsay.runtime.orderer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettings;
import io.hearsay.runtime.config.PeerSettingsLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** An orderer node's settings ({@code orderer.*} and {@code hearsay.tls}), read and checked once. */
public record OrdererSettings(String id, String localMspId, Path mspConfigPath, Endpoint endpoint,
    List<Path> channelBlocks, Optional<PeerSettings.Tls> tls) {

  public OrdererSettings {
    channelBlocks = List.copyOf(channelBlocks);
  }

  /** Reads an effective (resolved) config; {@code source} names it in errors. */
  public static OrdererSettings read(Config c, String source) throws ConfigError {
    try {
      Path msp = Path.of(PeerSettingsLoader.required(c, "orderer.mspConfigPath", source));
      PeerSettingsLoader.checkIdentityFiles(msp, "orderer.mspConfigPath", source);
      List<Path> channels = c.getStringList("orderer.channels").stream().map(Path::of).toList();
      if (channels.isEmpty()) {
        throw new ConfigError(source + ": orderer.channels names no genesis block; an orderer needs a channel");
      }
      return new OrdererSettings(PeerSettingsLoader.required(c, "orderer.id", source),
          PeerSettingsLoader.required(c, "orderer.localMspId", source), msp,
          PeerSettingsLoader.endpoint(c.getString("orderer.endpoint"), "orderer.endpoint", source), channels,
          PeerSettingsLoader.readTls(c.getConfig("hearsay.tls"), source));
    } catch (ConfigException e) {
      throw new ConfigError(source + ": " + e.getMessage(), e);
    }
  }
}
