package io.hearsay.channels.config;

import java.time.Duration;
import java.util.List;

/**
 * How a channel's ordering service cuts blocks and where it is reached, as Fabric's channel
 * config holds it: {@code OrdererAddresses} (channel group) and the Orderer group's
 * {@code BatchSize.MaxMessageCount} and {@code BatchTimeout}.
 */
public record Ordering(List<String> ordererAddresses, int maxMessageCount, Duration batchTimeout) {

  /** Fabric's sampleconfig defaults (configtx.yaml): 500 transactions or 2 s, no orderer address. */
  public static final Ordering FABRIC_DEFAULTS = new Ordering(List.of(), 500, Duration.ofSeconds(2));

  public Ordering {
    ordererAddresses = List.copyOf(ordererAddresses);
    if (maxMessageCount < 1) {
      throw new IllegalArgumentException("BatchSize.MaxMessageCount must be at least 1, not " + maxMessageCount);
    }
    if (batchTimeout.isNegative() || batchTimeout.isZero()) {
      throw new IllegalArgumentException("BatchTimeout must be positive, not " + batchTimeout);
    }
  }
}
