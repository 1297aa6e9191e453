package io.hearsay.channels.antientropy;

import java.time.Duration;

/**
 * Fabric's {@code peer.gossip.state} keys: a check every {@code checkInterval}, windows of
 * {@code batchSize} blocks, {@code responseTimeout} and {@code maxRetries} per window, a reorder
 * buffer of {@code blockBufferSize} blocks; and {@code pipeline} windows in flight at once
 * ({@code hearsay.channels.state-transfer-pipeline}, Fabric: 1); with {@code onGap}
 * ({@code hearsay.channels.state-transfer-on-gap}, Fabric: off) a StateInfo showing a peer of the
 * org further ahead than pull can bring starts the transfer at once instead of at the next check.
 */
public record StateTransferSettings(Duration checkInterval, int batchSize, Duration responseTimeout, int maxRetries,
    int blockBufferSize, int pipeline, boolean onGap, Duration responseTimeoutFloor) {

  /** A fixed response timeout (Fabric's). */
  public StateTransferSettings(Duration checkInterval, int batchSize, Duration responseTimeout, int maxRetries,
      int blockBufferSize, int pipeline, boolean onGap) {
    this(checkInterval, batchSize, responseTimeout, maxRetries, blockBufferSize, pipeline, onGap, responseTimeout);
  }
}
