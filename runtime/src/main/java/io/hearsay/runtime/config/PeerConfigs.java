package io.hearsay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the config of a node of generated crypto material: its identity, its endpoint and
 * bootstrap peers, and every other org of the material as a known org. Used by tests, the
 * scenario benchmarks and the local network.
 */
public final class PeerConfigs {

  /**
   * Pekko settings for running many peers in one JVM (tests, scenario benchmarks): each
   * ActorSystem gets small thread pools, since two cores are shared by all of them.
   */
  public static final Config MANY_PEERS_PER_JVM = ConfigFactory.parseString("""
      pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 2 }
      pekko.actor.internal-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 2 }
      pekko.remote.default-remote-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 1 }
      pekko.loglevel = WARNING
      pekko.coordinated-shutdown.phases.actor-system-terminate.timeout = 5s
      """);

  private PeerConfigs() {}

  /**
   * The keys a gossip profile sets on top of reference.conf: none for {@code fabric} (Fabric's
   * defaults), hearsay-profile.conf for {@code hearsay}. A profile may be followed by single keys
   * that override it, to measure one piece on its own:
   * {@code fabric+hearsay.channels.pull.mode=targeted}.
   */
  public static Config profile(String spec) {
    String[] parts = spec.split("\\+");
    Config profile = switch (parts[0]) {
      case "fabric" -> ConfigFactory.empty();
      case "hearsay" -> ConfigFactory.parseResources("hearsay-profile.conf");
      default -> throw new IllegalArgumentException("the profiles are fabric and hearsay, not " + parts[0]);
    };
    Map<String, Object> overrides = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("a profile override is KEY=VALUE, not \"" + parts[i] + "\"");
      }
      overrides.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
    }
    return ConfigFactory.parseMap(overrides).withFallback(profile);
  }

  /**
   * Fabric's default membership intervals (alive 5s, expiry 25s, reconnect 25s, pull 4s) divided
   * by {@code factor}, keeping their ratios.
   */
  public static Map<String, Object> fabricIntervalsScaledDown(int factor) {
    return Map.of(
        "peer.gossip.aliveTimeInterval", (5000 / factor) + "ms",
        "peer.gossip.aliveExpirationTimeout", (25000 / factor) + "ms",
        "peer.gossip.reconnectInterval", (25000 / factor) + "ms",
        "peer.gossip.pullInterval", (4000 / factor) + "ms");
  }

  /** Peer {@code node} of {@code org}, listening on {@code endpoint} (port 0: any free port). */
  public static Config forNode(CryptoMaterial material, CryptoMaterial.Org org, String node,
      Endpoint endpoint, List<Endpoint> bootstrap, Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("peer.id", node);
    values.put("peer.localMspId", org.mspId());
    values.put("peer.mspConfigPath", material.nodeDir(org, node).resolve("msp").toString());
    values.put("peer.gossip.endpoint", endpoint.toString());
    values.put("peer.gossip.bootstrap", bootstrap.stream().map(Endpoint::toString).toList());
    List<Map<String, Object>> orgs = new ArrayList<>();
    for (CryptoMaterial.Org other : material.orgs()) {
      if (!other.equals(org)) {
        orgs.add(Map.of("mspId", other.mspId(), "mspDir", material.orgDir(other).resolve("msp").toString()));
      }
    }
    values.put("hearsay.orgs", orgs);
    values.putAll(overrides);
    return ConfigFactory.parseMap(values, "config of " + node);
  }
}
