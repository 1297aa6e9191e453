package io.hearsay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.runtime.admin.AdminSettings;
import io.hearsay.runtime.comm.CommSettings;
import io.hearsay.runtime.comm.FabricGossipSettings;
import io.hearsay.runtime.deliver.DeliveryClientSettings;
import io.hearsay.runtime.membership.MembershipSettings;
import io.hearsay.runtime.tls.ArteryTls;
import io.hearsay.runtime.tls.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a peer's {@link PeerSettings} from HOCON, with Fabric's {@code CORE_*} environment
 * overrides on top, and refuses anything it cannot use: unknown keys under {@code peer.gossip},
 * wrong types, missing identity or TLS files, bootstrap or anchor peers that are not
 * {@code host:port}, and {@code orgLeader} together with {@code useLeaderElection}. Every error
 * names the key and the file. Each subtree has its own settings record and reader
 * ({@link ChannelSettingsReader}, {@code MembershipSettings.read}, ...), all through one
 * {@link ConfigReader}.
 */
public final class PeerSettingsLoader {

  private PeerSettingsLoader() {}

  /** Loads a peer config file, with the process environment's overrides. */
  public static PeerSettings load(Path file) throws ConfigError {
    return load(parse(file), file.toString(), System.getenv());
  }

  /**
   * Parses a config file, its relative paths taken as relative to its directory
   * ({@link ConfigPaths}); a missing or unparseable file is a {@link ConfigError} naming it.
   */
  public static Config parse(Path file) throws ConfigError {
    if (!Files.isRegularFile(file)) {
      throw new ConfigError("config file " + file + " not found");
    }
    try {
      return ConfigPaths.relativeTo(ConfigFactory.parseFile(file.toFile()), file.toAbsolutePath().getParent());
    } catch (ConfigException e) {
      throw new ConfigError(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads settings from an application's config ({@code source} names it in errors) with the
   * given environment's overrides; the result of resolving is also what the peer's ActorSystem
   * starts from.
   */
  public static PeerSettings load(Config config, String source, Map<String, String> environment)
      throws ConfigError {
    Config reference = ConfigFactory.defaultReference();
    Config full = effective(config, environment);
    checkKnownKeys(config, reference, "peer.gossip", source);
    try {
      return read(full, source);
    } catch (ConfigException e) {
      throw new ConfigError(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * The config a peer runs with: the environment's overrides over the application's config, over
   * the runtime's Pekko defaults for peers ({@code hearsay.peer-system-defaults}), over the
   * reference configs of every module.
   */
  public static Config effective(Config config, Map<String, String> environment) {
    // Unresolved, so that keys defined by substitution (e.g. the ledger journal's data-dir)
    // follow the application's values rather than the defaults.
    Config reference = ConfigFactory.defaultReferenceUnresolved();
    return FabricEnvironment.overrides(environment, reference)
        .withFallback(config)
        .withFallback(reference.getConfig("hearsay.peer-system-defaults"))
        .withFallback(reference)
        .resolve();
  }

  private static void checkKnownKeys(Config config, Config reference, String section, String source)
      throws ConfigError {
    if (!config.hasPath(section)) {
      return;
    }
    Config known = reference.getConfig(section);
    for (Map.Entry<String, ConfigValue> entry : config.getConfig(section).entrySet()) {
      if (!known.hasPathOrNull(entry.getKey())) {
        throw new ConfigError(String.format("%s: unknown key %s.%s (line %d); see the runtime's reference.conf",
            source, section, entry.getKey(), entry.getValue().origin().lineNumber()));
      }
    }
  }

  private static PeerSettings read(Config config, String source) throws ConfigError {
    ConfigReader c = new ConfigReader(config, source);
    String mspId = c.required("peer.localMspId");
    Path msp = c.mspDirectory("peer.mspConfigPath");
    List<PeerSettings.Org> orgs = new ArrayList<>();
    List<? extends Config> orgConfigs = config.getConfigList("hearsay.orgs");
    for (int i = 0; i < orgConfigs.size(); i++) {
      ConfigReader org = new ConfigReader(orgConfigs.get(i), source + ": hearsay.orgs[" + i + "]");
      Path dir = Path.of(org.required("mspDir"));
      if (!Files.isDirectory(dir.resolve("cacerts"))) {
        throw new ConfigError(source + ": hearsay.orgs[" + i + "].mspDir = " + dir + ": no cacerts/ directory");
      }
      orgs.add(new PeerSettings.Org(org.required("mspId"), dir,
          orgConfigs.get(i).hasPath("anchorPeers") ? org.endpoints("anchorPeers") : List.of()));
    }
    Optional<TlsSettings> tls = TlsSettings.read(c, "peer.tls");
    return new PeerSettings(c.required("peer.id"), mspId, msp, orgs, tls, arteryTls(c, tls, orgs), CommSettings.read(c),
        FabricGossipSettings.read(c), MembershipSettings.read(c), ChannelSettingsReader.read(c), DeliveryClientSettings.read(c), ledger(c),
        AdminSettings.read(c), c.positive("hearsay.identities.purge-interval"),
        c.strings("hearsay.channels.join").stream().map(Path::of).toList(), c.positive("hearsay.api-timeout"));
  }

  /** {@code hearsay.ledger}, checked. */
  public static LedgerSettings ledger(ConfigReader c) throws ConfigError {
    try {
      return LedgerSettings.read(c.config());
    } catch (IllegalArgumentException | ConfigException e) {
      throw new ConfigError(c.source() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Artery's mutual TLS: from {@code peer.tls}'s PEM files when it is on (trusting its own TLS CA,
   * its client CAs and the {@code tlscacerts} of every org in {@code hearsay.orgs}), else from
   * {@code hearsay.tls}'s PKCS#12 stores when that is on; none otherwise (tests only).
   */
  static Optional<ArteryTls> arteryTls(ConfigReader c, Optional<TlsSettings> tls, List<PeerSettings.Org> orgs)
      throws ConfigError {
    if (tls.isPresent()) {
      List<Path> cas = new ArrayList<>(tls.get().trustedCas());
      for (PeerSettings.Org org : orgs) {
        cas.addAll(files(org.mspDir().resolve("tlscacerts")));
      }
      if (cas.isEmpty()) {
        throw c.error("peer.tls.rootcert.file", "is not set and no org in hearsay.orgs has tlscacerts: Artery would "
            + "trust no peer");
      }
      return Optional.of(new ArteryTls.Pem(tls.get().keyPair(), cas));
    }
    return pkcs12(c);
  }

  private static List<Path> files(Path dir) throws ConfigError {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var listing = Files.list(dir)) {
      return listing.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new ConfigError("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** {@code hearsay.tls}: Artery's mutual TLS from PKCS#12 stores, when enabled. */
  public static Optional<ArteryTls> pkcs12(ConfigReader c) throws ConfigError {
    if (!c.bool("hearsay.tls.enabled")) {
      return Optional.empty();
    }
    Path keyStore = c.existingFile("hearsay.tls.keyStore");
    Path trustStore = c.existingFile("hearsay.tls.trustStore");
    Path passwordFile = c.existingFile("hearsay.tls.passwordFile");
    try {
      return Optional.of(new ArteryTls.Pkcs12(keyStore, trustStore, Files.readString(passwordFile).trim()));
    } catch (IOException ex) {
      throw new ConfigError(c.source() + ": hearsay.tls.passwordFile = " + passwordFile + ": " + ex.getMessage(), ex);
    }
  }
}
