package io.hearsay.channels.pull;

import java.time.Duration;
import java.util.Optional;

/**
 * Fabric's block pull ({@code peer.gossip.pullInterval}, {@code pullPeerNum},
 * {@code digestWaitTime}, {@code requestWaitTime}, {@code responseWaitTime}); with
 * {@code targetedInterval} (the hearsay profile's {@code hearsay.channels.pull.mode = targeted}) a
 * round at that interval only while peers announce blocks this one lacks, to those peers.
 */
public record PullSettings(Duration pullInterval, int pullPeerNum, Duration digestWaitTime, Duration requestWaitTime,
    Duration responseWaitTime, Optional<Duration> targetedInterval) {

  /** How often a round may start: the targeted interval, or Fabric's pull interval. */
  public Duration roundInterval() {
    return targetedInterval.orElse(pullInterval);
  }
}
