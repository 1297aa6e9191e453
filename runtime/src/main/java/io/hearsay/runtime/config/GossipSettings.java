package io.hearsay.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The {@code peer.gossip} keys of Fabric's core.yaml, read and checked once at start-up. */
public record GossipSettings(
    List<Endpoint> bootstrap,
    Endpoint endpoint,
    Optional<Endpoint> externalEndpoint,
    boolean orgLeader,
    boolean useLeaderElection,
    Duration aliveTimeInterval,
    Duration aliveExpirationTimeout,
    Duration reconnectInterval,
    int msgExpirationFactor,
    Duration pullInterval,
    int pullPeerNum,
    int propagatePeerNum,
    int propagateIterations,
    int maxPropagationBurstSize,
    Duration maxPropagationBurstLatency,
    int maxBlockCountToStore,
    Duration digestWaitTime,
    Duration requestWaitTime,
    Duration responseWaitTime,
    Duration publishStateInfoInterval,
    Duration requestStateInfoInterval,
    int maxMessageSize,
    Election election,
    StateTransfer state) {

  public GossipSettings {
    bootstrap = List.copyOf(bootstrap);
  }

  /** {@code peer.gossip.election.*}. */
  public record Election(Duration startupGracePeriod, Duration membershipSampleInterval,
      Duration leaderAliveThreshold, Duration leaderElectionDuration) {}

  /** {@code peer.gossip.state.*}. */
  public record StateTransfer(Duration checkInterval, int batchSize, Duration responseTimeout,
      int maxRetries, int blockBufferSize) {}

  /** A dead peer is forgotten this long after it was last heard from. */
  public Duration purgeAfter() {
    return aliveExpirationTimeout.multipliedBy(msgExpirationFactor);
  }

  /** A copy with another endpoint, once the real port is known (port 0 in config). */
  public GossipSettings withEndpoint(Endpoint bound) {
    return new GossipSettings(bootstrap, bound, externalEndpoint, orgLeader, useLeaderElection,
        aliveTimeInterval, aliveExpirationTimeout, reconnectInterval, msgExpirationFactor,
        pullInterval, pullPeerNum, propagatePeerNum, propagateIterations, maxPropagationBurstSize,
        maxPropagationBurstLatency, maxBlockCountToStore, digestWaitTime, requestWaitTime,
        responseWaitTime, publishStateInfoInterval, requestStateInfoInterval, maxMessageSize,
        election, state);
  }
}
