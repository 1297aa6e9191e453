package io.hearsay.channels.antientropy;

import java.time.Duration;

/**
 * Fabric's {@code peer.gossip.state} keys: a check every {@code checkInterval}, windows of
 * {@code batchSize} blocks, {@code responseTimeout} and {@code maxRetries} per window, a reorder
 * buffer of {@code blockBufferSize} blocks; and {@code pipeline} windows in flight at once
 * ({@code hearsay.channels.state-transfer-pipeline}, Fabric: 1); with {@code onGap}
 * ({@code hearsay.channels.state-transfer-on-gap}, Fabric: off) a StateInfo showing a peer of the
 * org further ahead than pull can bring starts the transfer at once instead of at the next check;
 * {@code maxBytesAhead} ({@code hearsay.channels.state-transfer-max-bytes-ahead}, 0: none) bounds the
 * bytes of the blocks a catch-up holds ahead of the ledger ({@link BlocksAhead}).
 */
public record StateTransferSettings(Duration checkInterval, int batchSize, Duration responseTimeout, int maxRetries,
    int blockBufferSize, int pipeline, boolean onGap, Duration responseTimeoutFloor, long maxBytesAhead) {

  /** A fixed response timeout (Fabric's), no byte budget. */
  public StateTransferSettings(Duration checkInterval, int batchSize, Duration responseTimeout, int maxRetries,
      int blockBufferSize, int pipeline, boolean onGap) {
    this(checkInterval, batchSize, responseTimeout, maxRetries, blockBufferSize, pipeline, onGap, responseTimeout, 0);
  }
}
