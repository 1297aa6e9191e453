package io.hearsay.runtime.membership;

import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Fabric discovery's keys ({@code peer.gossip}: bootstrap, endpoint, externalEndpoint,
 * aliveTimeInterval, aliveExpirationTimeout, reconnectInterval, msgExpirationFactor, pullInterval,
 * pullPeerNum, propagatePeerNum) and Hearsay's ({@code hearsay.membership}: how a silent peer is
 * declared dead, and the anti-entropy exchange).
 */
public record MembershipSettings(List<Endpoint> bootstrap, Endpoint endpoint, Optional<Endpoint> externalEndpoint,
    Duration aliveTimeInterval, Duration aliveExpirationTimeout, Duration reconnectInterval, int msgExpirationFactor,
    Duration pullInterval, int pullPeerNum, int propagatePeerNum, Optional<AccrualDetector.Settings> accrual,
    Probes probes, AntiEntropy.Mode antiEntropy, Watch watch) {

  public MembershipSettings {
    bootstrap = List.copyOf(bootstrap);
  }

  /** Without watchers: every alive message gossiped to all ({@link Watch#OFF}). */
  public MembershipSettings(List<Endpoint> bootstrap, Endpoint endpoint, Optional<Endpoint> externalEndpoint,
      Duration aliveTimeInterval, Duration aliveExpirationTimeout, Duration reconnectInterval, int msgExpirationFactor,
      Duration pullInterval, int pullPeerNum, int propagatePeerNum, Optional<AccrualDetector.Settings> accrual,
      Probes probes, AntiEntropy.Mode antiEntropy) {
    this(bootstrap, endpoint, externalEndpoint, aliveTimeInterval, aliveExpirationTimeout, reconnectInterval,
        msgExpirationFactor, pullInterval, pullPeerNum, propagatePeerNum, accrual, probes, antiEntropy, Watch.OFF);
  }

  /**
   * Among Hearsay peers, each alive message goes to the sender's {@code watchers} alone, who judge it
   * ({@link WatchRing}); 0: to all, by Fabric's rumor. A join, a restart, a return and a death
   * travel as a rumor forwarded once to {@code rumorFanout} peers; every {@code checkInterval} one
   * peer is asked whether its view is the same (a summary), and is sent a digest when it is not.
   */
  public record Watch(int watchers, int rumorFanout, Duration checkInterval) {
    public static final Watch OFF = new Watch(0, 0, Duration.ofSeconds(1));

    public boolean on() {
      return watchers > 0;
    }
  }

  /**
   * What a suspicion of the accrual detector takes before death: {@code rounds} probe rounds (0:
   * none) of a membership request to the suspect and to {@code indirect} other peers, one round
   * every {@code interval} (the accrual detector's check), for at most {@code suspectsPerCheck}
   * suspects at once; a round waits up to {@code maxLocalHealth} more checks for its answers while
   * answers come late ({@link ProbeRounds}).
   */
  public record Probes(int rounds, int indirect, int suspectsPerCheck, Duration interval, int maxLocalHealth,
      int verdicts) {
    public static final Probes NONE = new Probes(0, 0, 0, Duration.ofMillis(125), 0, 0);
  }

  /** How a silent peer is declared dead: Fabric's fixed expiry, or φ accrual on top of it. */
  public enum FailureDetector { TIMEOUT, ACCRUAL }

  /** A dead peer is forgotten this long after it was last heard from. */
  public Duration purgeAfter() {
    return aliveExpirationTimeout.multipliedBy(msgExpirationFactor);
  }

  /** These settings with the endpoint the peer really listens on (port 0 in config). */
  public MembershipSettings withEndpoint(Endpoint bound) {
    return new MembershipSettings(bootstrap, bound, externalEndpoint, aliveTimeInterval, aliveExpirationTimeout,
        reconnectInterval, msgExpirationFactor, pullInterval, pullPeerNum, propagatePeerNum, accrual, probes, antiEntropy,
        watch);
  }

  public static MembershipSettings read(ConfigReader c) throws ConfigError {
    String g = "peer.gossip.";
    return new MembershipSettings(c.endpoints(g + "bootstrap"), c.endpoint(g + "endpoint"),
        c.optionalEndpoint(g + "externalEndpoint"), c.positive(g + "aliveTimeInterval"),
        c.positive(g + "aliveExpirationTimeout"), c.positive(g + "reconnectInterval"), c.atLeastOne(g + "msgExpirationFactor"),
        c.positive(g + "pullInterval"), c.atLeastOne(g + "pullPeerNum"), c.atLeastOne(g + "propagatePeerNum"),
        accrual(c), probes(c), c.choice("hearsay.membership.anti-entropy", AntiEntropy.Mode.class), watch(c));
  }

  private static Watch watch(ConfigReader c) throws ConfigError {
    String w = "hearsay.membership.watch.";
    int watchers = c.notNegative(w + "watchers");
    if (watchers == 0) {
      return Watch.OFF;
    }
    // Only the probe rounds of the accrual detector find a death among watchers: the expiry no longer
    // sees the alive messages of the peers a peer does not watch.
    if (probes(c).rounds() == 0) {
      throw c.error(w + "watchers", "needs hearsay.membership.failure-detector = accrual with probes.rounds above 0");
    }
    return new Watch(watchers, c.atLeastOne(w + "rumor-fanout"), c.positive(w + "check-interval"));
  }

  private static Probes probes(ConfigReader c) throws ConfigError {
    if (c.choice("hearsay.membership.failure-detector", FailureDetector.class) == FailureDetector.TIMEOUT) {
      return Probes.NONE;
    }
    String p = "hearsay.membership.accrual.probes.";
    return new Probes(c.notNegative(p + "rounds"), c.notNegative(p + "indirect"), c.atLeastOne(p + "suspects-per-check"),
        c.positive(p + "interval"), c.notNegative(p + "max-local-health"), c.notNegative(p + "verdicts"));
  }

  private static Optional<AccrualDetector.Settings> accrual(ConfigReader c) throws ConfigError {
    if (c.choice("hearsay.membership.failure-detector", FailureDetector.class) == FailureDetector.TIMEOUT) {
      return Optional.empty();
    }
    String a = "hearsay.membership.accrual.";
    double threshold = c.number(a + "threshold");
    if (threshold <= 0) {
      throw c.error(a + "threshold", "must be positive, not " + threshold);
    }
    return Optional.of(new AccrualDetector.Settings(threshold, c.atLeastOne(a + "max-sample-size"),
        c.positive(a + "min-std-deviation"), c.notNegativeDuration(a + "acceptable-heartbeat-pause")));
  }
}
