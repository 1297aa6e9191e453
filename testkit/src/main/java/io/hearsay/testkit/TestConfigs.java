package io.hearsay.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/**
 * Config for peers in tests: Fabric's intervals scaled down so that membership, channels and
 * elections settle in seconds, small thread pools for many peers in one JVM, and the gossip
 * profiles ({@code fabric}, {@code hearsay}) with single keys overridden.
 */
public final class TestConfigs {

  private TestConfigs() {}

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

  /**
   * The keys a gossip profile sets on top of reference.conf: none for {@code fabric} (Fabric's
   * defaults), hearsay-profile.conf for {@code hearsay}, block gossip off for {@code deliver-all}. A profile may be followed by single keys
   * that override it, to measure one piece on its own:
   * {@code fabric+hearsay.channels.pull.mode=targeted}.
   */
  public static Config profile(String spec) {
    String[] parts = spec.split("\\+");
    Config profile = switch (parts[0]) {
      case "fabric" -> ConfigFactory.empty();
      case "hearsay" -> ConfigFactory.parseResources("hearsay-profile.conf");
      // Fabric v3's default: every peer delivers from the orderer and gossips no blocks: no push,
      // no pull (targeted pull, whose rounds wait an hour) and no state transfer (checked hourly).
      case "deliver-all" -> ConfigFactory.parseMap(Map.of("peer.gossip.propagateIterations", 0,
          "hearsay.channels.pull.mode", "targeted", "hearsay.channels.pull.targeted-interval", "1h",
          "peer.gossip.state.checkInterval", "1h"));
      default -> throw new IllegalArgumentException("the profiles are fabric, hearsay and deliver-all, not " + parts[0]);
    };
    Config overrides = ConfigFactory.empty();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("a profile override is KEY=VALUE, not \"" + parts[i] + "\"");
      }
      // Parsed as HOCON, as in a config file: 2.5 is a number, 75ms a duration, on a boolean (a
      // value HOCON does not take bare, such as HOST:PORT, is quoted).
      overrides = ConfigFactory.parseString(parts[i]).withFallback(overrides);
    }
    return overrides.withFallback(profile);
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

  /** Fabric's intervals scaled down 25 times,: membership converges in about a second. */
  public static final Map<String, Object> FAST = fabricIntervalsScaledDown(25);

  /** Channel intervals scaled down as {@link #FAST} does, so tests run in seconds. */
  public static final Map<String, Object> CHANNEL_FAST = Map.of(
      "peer.gossip.publishStateInfoInterval", "160ms",
      "peer.gossip.requestStateInfoInterval", "160ms",
      "peer.gossip.digestWaitTime", "40ms",
      "peer.gossip.requestWaitTime", "60ms",
      "peer.gossip.responseWaitTime", "80ms",
      "peer.gossip.state.checkInterval", "400ms",
      "peer.gossip.state.responseTimeout", "120ms");

  /**
   * Leader election with Fabric's timings divided by 5, except the membership sample interval
   * (Fabric's 1s / 2): it must exceed the channel's StateInfo interval, or the view of channel
   * members looks stable while it is still growing and peers propose before they see each other.
   */
  public static final Map<String, Object> ELECTION_FAST = Map.of(
      "peer.gossip.orgLeader", false,
      "peer.gossip.useLeaderElection", true,
      "peer.gossip.election.startupGracePeriod", "5s",
      "peer.gossip.election.membershipSampleInterval", "500ms",
      "peer.gossip.election.leaderAliveThreshold", "2s",
      "peer.gossip.election.leaderElectionDuration", "1s",
      "peer.deliveryclient.connTimeout", "300ms");
}
