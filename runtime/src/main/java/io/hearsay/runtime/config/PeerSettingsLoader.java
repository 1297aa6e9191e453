package io.hearsay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a peer's {@link PeerSettings} from HOCON, with Fabric's {@code CORE_*} environment
 * overrides on top, and refuses anything it cannot use: unknown keys under {@code peer.gossip},
 * wrong types, missing identity or TLS files, bootstrap or anchor peers that are not
 * {@code host:port}, and {@code orgLeader} together with {@code useLeaderElection}. Every error
 * names the key and the file.
 */
public final class PeerSettingsLoader {

  private PeerSettingsLoader() {}

  /** Loads a peer config file, with the process environment's overrides. */
  public static PeerSettings load(Path file) throws ConfigError {
    return load(parse(file), file.toString(), System.getenv());
  }

  /** Parses a config file; a missing or unparseable file is a {@link ConfigError} naming it. */
  public static Config parse(Path file) throws ConfigError {
    if (!Files.isRegularFile(file)) {
      throw new ConfigError("config file " + file + " not found");
    }
    try {
      return ConfigFactory.parseFile(file.toFile());
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

  private static PeerSettings read(Config c, String source) throws ConfigError {
    GossipSettings gossip = readGossip(c, source);
    if (gossip.orgLeader() && gossip.useLeaderElection()) {
      throw new ConfigError(source + ": peer.gossip.orgLeader and peer.gossip.useLeaderElection are "
          + "both true; a peer is either a static leader or takes part in elections");
    }
    String mspId = required(c, "peer.localMspId", source);
    Path msp = Path.of(required(c, "peer.mspConfigPath", source));
    checkIdentityFiles(msp, "peer.mspConfigPath", source);
    List<PeerSettings.Org> orgs = new ArrayList<>();
    List<? extends Config> orgConfigs = c.getConfigList("hearsay.orgs");
    for (int i = 0; i < orgConfigs.size(); i++) {
      Config org = orgConfigs.get(i);
      String key = "hearsay.orgs[" + i + "]";
      Path dir = Path.of(org.getString("mspDir"));
      if (!Files.isDirectory(dir.resolve("cacerts"))) {
        throw new ConfigError(source + ": " + key + ".mspDir = " + dir + ": no cacerts/ directory");
      }
      orgs.add(new PeerSettings.Org(org.getString("mspId"), dir,
          endpoints(org.hasPath("anchorPeers") ? org.getStringList("anchorPeers") : List.of(),
              key + ".anchorPeers", source)));
    }
    return new PeerSettings(required(c, "peer.id", source), mspId, msp, gossip, orgs,
        readTls(c.getConfig("hearsay.tls"), source),
        c.getDuration("hearsay.comm.rejection-log-interval"),
        c.getDuration("hearsay.comm.handshake-retry"),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("hearsay.comm.large-message-threshold")),
        c.getDuration("hearsay.identities.purge-interval"),
        c.getStringList("hearsay.channels.join").stream().map(Path::of).toList(),
        new PeerSettings.DeliveryClient(positive(c, "peer.deliveryclient.connTimeout", source),
            positive(c, "peer.deliveryclient.reconnectTotalTimeThreshold", source)),
        io.hearsay.runtime.admin.AdminSettings.read(c, source),
        channels(c, gossip, source),
        handover(c, source),
        accrualSettings(c, source),
        membershipAntiEntropy(c, source));
  }

  /** {@code hearsay.channels.leader-watch}, {@code delivery-lease} and {@code await-peers-at-start}. */
  private static io.hearsay.channels.election.Leadership.Handover handover(Config c, String source) throws ConfigError {
    var watch = choice(c, "hearsay.channels.leader-watch",
        io.hearsay.channels.election.ElectionState.LeaderWatch.class, source);
    Duration lease = c.getDuration("hearsay.channels.delivery-lease");
    if (lease.isNegative()) {
      throw new ConfigError(source + ": hearsay.channels.delivery-lease must not be negative");
    }
    return new io.hearsay.channels.election.Leadership.Handover(watch, lease,
        c.getBoolean("hearsay.channels.await-peers-at-start"));
  }

  /** {@code hearsay.membership.anti-entropy}: Fabric's membership pull, a push of the view, or push-pull. */
  public static io.hearsay.channels.epidemic.AntiEntropy.Mode membershipAntiEntropy(Config c, String source)
      throws ConfigError {
    return choice(c, "hearsay.membership.anti-entropy", io.hearsay.channels.epidemic.AntiEntropy.Mode.class, source);
  }

  /** {@code hearsay.membership.failure-detector}: Fabric's fixed expiry, or φ accrual on top of it. */
  public static Optional<io.hearsay.runtime.membership.AccrualDetector.Settings> accrualSettings(Config c, String source)
      throws ConfigError {
    String key = "hearsay.membership.failure-detector";
    String mode = c.getString(key);
    if (mode.equals("timeout")) {
      return Optional.empty();
    }
    if (!mode.equals("accrual")) {
      throw new ConfigError(source + ": " + key + " must be \"timeout\" or \"accrual\", not \"" + mode + "\"");
    }
    String a = "hearsay.membership.accrual.";
    double threshold = c.getDouble(a + "threshold");
    int samples = c.getInt(a + "max-sample-size");
    if (threshold <= 0 || samples < 1) {
      throw new ConfigError(source + ": " + a + "threshold must be positive and " + a + "max-sample-size at least 1");
    }
    return Optional.of(new io.hearsay.runtime.membership.AccrualDetector.Settings(threshold, samples,
        positive(c, a + "min-std-deviation", source), c.getDuration(a + "acceptable-heartbeat-pause")));
  }

  /**
   * The channel settings {@code c} describes ({@code peer.gossip} and
   * {@code hearsay.channels.dissemination}), for channels run outside a peer (the simulator).
   */
  public static io.hearsay.channels.ChannelSettings channelSettings(Config c, String source) throws ConfigError {
    return channels(c, readGossip(c, source), source);
  }

  private static io.hearsay.channels.ChannelSettings channels(Config c, GossipSettings g, String source)
      throws ConfigError {
    return new io.hearsay.channels.ChannelSettings(g.propagatePeerNum(), g.propagateIterations(),
        g.maxPropagationBurstSize(), g.maxPropagationBurstLatency(), g.pullInterval(), g.pullPeerNum(),
        g.digestWaitTime(), g.requestWaitTime(), g.responseWaitTime(), g.publishStateInfoInterval(),
        g.requestStateInfoInterval(), g.maxBlockCountToStore(), g.state().checkInterval(), g.state().batchSize(),
        g.state().responseTimeout(), g.state().maxRetries(), g.state().blockBufferSize(), statePipeline(c, source),
        plumtree(c, source), stateInfo(c, source), targetedPull(c, source));
  }

  /** {@code hearsay.channels.pull}: Fabric's periodic pull from random peers, or targeted pull. */
  private static Optional<Duration> targetedPull(Config c, String source) throws ConfigError {
    String key = "hearsay.channels.pull.mode";
    String mode = c.getString(key);
    if (mode.equals("fabric")) {
      return Optional.empty();
    }
    if (!mode.equals("targeted")) {
      throw new ConfigError(source + ": " + key + " must be \"fabric\" or \"targeted\", not \"" + mode + "\"");
    }
    return Optional.of(positive(c, "hearsay.channels.pull.targeted-interval", source));
  }

  /** {@code hearsay.channels.state-info}: how a new StateInfo spreads, and the anti-entropy exchange. */
  static io.hearsay.channels.stateinfo.StateInfoGossip.Settings stateInfo(Config c, String source)
      throws ConfigError {
    String p = "hearsay.channels.state-info.";
    var spread = choice(c, p + "dissemination", io.hearsay.channels.stateinfo.StateInfoGossip.Spread.class, source);
    var exchange = choice(c, p + "anti-entropy", io.hearsay.channels.epidemic.AntiEntropy.Mode.class, source);
    int k = c.getInt(p + "rumor-k");
    String loss = c.getString(p + "rumor-loss");
    if (k < 1 || !(loss.equals("counter") || loss.equals("coin"))) {
      throw new ConfigError(source + ": " + p + "rumor-k must be at least 1 and " + p + "rumor-loss counter or coin");
    }
    return new io.hearsay.channels.stateinfo.StateInfoGossip.Settings(spread,
        new io.hearsay.channels.epidemic.RumorMongering.Settings(k, io.hearsay.channels.epidemic.RumorMongering.Feedback.BLIND,
            io.hearsay.channels.epidemic.RumorMongering.Loss.valueOf(loss.toUpperCase(java.util.Locale.ROOT))),
        exchange, c.getBoolean(p + "introduce-to-new-peers"));
  }

  /** A key whose value names a constant of {@code type}, written in lower case with dashes. */
  private static <E extends Enum<E>> E choice(Config c, String key, Class<E> type, String source) throws ConfigError {
    String value = c.getString(key);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-').equals(value)) {
        return constant;
      }
    }
    throw new ConfigError(source + ": " + key + " must be one of " + java.util.Arrays.stream(type.getEnumConstants())
        .map(e -> "\"" + e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "\"").toList()
        + ", not \"" + value + "\"");
  }

  /** {@code hearsay.channels.state-transfer-pipeline}: state-transfer windows asked for at once. */
  static int statePipeline(Config c, String source) throws ConfigError {
    String key = "hearsay.channels.state-transfer-pipeline";
    int pipeline = c.getInt(key);
    if (pipeline < 1) {
      throw new ConfigError(source + ": " + key + " must be at least 1, not " + pipeline);
    }
    return pipeline;
  }

  /** {@code hearsay.channels.dissemination}: Fabric's push, or Plumtree with its settings. */
  public static Optional<io.hearsay.channels.push.Plumtree.Settings> plumtree(Config c, String source)
      throws ConfigError {
    String key = "hearsay.channels.dissemination";
    String mode = c.getString(key);
    switch (mode) {
      case "push" -> {
        return Optional.empty();
      }
      case "plumtree" -> {
        String p = "hearsay.channels.plumtree.";
        int viewSize = c.getInt(p + "view-size");
        if (viewSize < 1) {
          throw new ConfigError(source + ": " + p + "view-size must be at least 1, not " + viewSize);
        }
        return Optional.of(new io.hearsay.channels.push.Plumtree.Settings(viewSize,
            positive(c, p + "graft-timeout", source), positive(c, p + "graft-retry", source)));
      }
      default -> throw new ConfigError(source + ": " + key + " must be \"push\" or \"plumtree\", not \"" + mode + "\"");
    }
  }

  /** The {@code peer.gossip} settings {@code c} describes, for membership run outside a peer (the simulator). */
  public static GossipSettings gossipSettings(Config c, String source) throws ConfigError {
    return readGossip(c, source);
  }

  private static GossipSettings readGossip(Config c, String source) throws ConfigError {
    String g = "peer.gossip.";
    String e = g + "election.";
    String s = g + "state.";
    Endpoint endpoint = endpoint(c.getString(g + "endpoint"), g + "endpoint", source);
    String external = c.getString(g + "externalEndpoint");
    return new GossipSettings(
        endpoints(c.getStringList(g + "bootstrap"), g + "bootstrap", source),
        endpoint,
        external.isBlank() ? Optional.empty()
            : Optional.of(endpoint(external, "peer.gossip.externalEndpoint", source)),
        c.getBoolean(g + "orgLeader"),
        c.getBoolean(g + "useLeaderElection"),
        positive(c, g + "aliveTimeInterval", source),
        positive(c, g + "aliveExpirationTimeout", source),
        positive(c, g + "reconnectInterval", source),
        atLeastOne(c, g + "msgExpirationFactor", source),
        positive(c, g + "pullInterval", source),
        atLeastOne(c, g + "pullPeerNum", source),
        atLeastOne(c, g + "propagatePeerNum", source),
        notNegative(c, g + "propagateIterations", source),
        atLeastOne(c, g + "maxPropagationBurstSize", source),
        positive(c, g + "maxPropagationBurstLatency", source),
        atLeastOne(c, g + "maxBlockCountToStore", source),
        positive(c, g + "digestWaitTime", source),
        positive(c, g + "requestWaitTime", source),
        positive(c, g + "responseWaitTime", source),
        positive(c, g + "publishStateInfoInterval", source),
        positive(c, g + "requestStateInfoInterval", source),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes(g + "maxMessageSize")),
        new GossipSettings.Election(positive(c, e + "startupGracePeriod", source),
            positive(c, e + "membershipSampleInterval", source),
            positive(c, e + "leaderAliveThreshold", source),
            positive(c, e + "leaderElectionDuration", source)),
        new GossipSettings.StateTransfer(positive(c, s + "checkInterval", source),
            atLeastOne(c, s + "batchSize", source), positive(c, s + "responseTimeout", source),
            atLeastOne(c, s + "maxRetries", source), atLeastOne(c, s + "blockBufferSize", source)));
  }

  public static Optional<PeerSettings.Tls> readTls(Config t, String source) throws ConfigError {
    if (!t.getBoolean("enabled")) {
      return Optional.empty();
    }
    Path keyStore = existingFile(t.getString("keyStore"), "hearsay.tls.keyStore", source);
    Path trustStore = existingFile(t.getString("trustStore"), "hearsay.tls.trustStore", source);
    Path passwordFile = existingFile(t.getString("passwordFile"), "hearsay.tls.passwordFile", source);
    try {
      return Optional.of(new PeerSettings.Tls(keyStore, trustStore, Files.readString(passwordFile).trim()));
    } catch (IOException ex) {
      throw new ConfigError(source + ": hearsay.tls.passwordFile = " + passwordFile + ": " + ex.getMessage(), ex);
    }
  }

  public static void checkIdentityFiles(Path msp, String key, String source) throws ConfigError {
    for (String dir : List.of("signcerts", "keystore", "cacerts")) {
      Path d = msp.resolve(dir);
      if (!Files.isDirectory(d) || isEmpty(d)) {
        throw new ConfigError(source + ": " + key + " = " + msp + ": missing or empty " + d);
      }
    }
  }

  private static boolean isEmpty(Path dir) throws ConfigError {
    try (Stream<Path> files = Files.list(dir)) {
      return files.findAny().isEmpty();
    } catch (IOException e) {
      throw new ConfigError("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Path existingFile(String value, String key, String source) throws ConfigError {
    if (value.isBlank() || !Files.isRegularFile(Path.of(value))) {
      throw new ConfigError(source + ": " + key + " = \"" + value + "\": file not found");
    }
    return Path.of(value);
  }

  public static String required(Config c, String key, String source) throws ConfigError {
    String value = c.getString(key);
    if (value.isBlank()) {
      throw new ConfigError(source + ": " + key + " must be set");
    }
    return value;
  }

  public static Endpoint endpoint(String value, String key, String source) throws ConfigError {
    return Endpoint.parse(value).orElseThrow(() -> new ConfigError(
        source + ": " + key + " = \"" + value + "\" is not a host:port address"));
  }

  public static List<Endpoint> endpoints(List<String> values, String key, String source)
      throws ConfigError {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      endpoints.add(endpoint(values.get(i), key + "[" + i + "]", source));
    }
    return endpoints;
  }

  public static Duration positive(Config c, String key, String source) throws ConfigError {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigError(source + ": " + key + " = " + d + " must be positive");
    }
    return d;
  }

  /** A count that may be 0 (propagateIterations = 0 turns push off, as in Fabric). */
  private static int notNegative(Config c, String key, String source) throws ConfigError {
    int n = c.getInt(key);
    if (n < 0) {
      throw new ConfigError(source + ": " + key + " = " + n + " must not be negative");
    }
    return n;
  }

  public static int atLeastOne(Config c, String key, String source) throws ConfigError {
    int n = c.getInt(key);
    if (n < 1) {
      throw new ConfigError(source + ": " + key + " = " + n + " must be at least 1");
    }
    return n;
  }
}
