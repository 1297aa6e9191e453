package io.hearsay.testkit.sim;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The ordering service's uplink on the simulated network: every deliver stream shares it, so a
 * block sent to n clients is serialized n times, one after the other, at the egress rate, and
 * each copy then takes a link's latency and jitter. A copy never overtakes an earlier one on its
 * stream, as on the TCP connection of a real Deliver stream.
 */
public final class OrdererEgress {

  private final long bytesPerSecond;
  private final LinkModel.Links links;
  private final SplittableRandom random;
  private long freeAtNanos;
  private long bytesSent;

  /** {@code bytesPerSecond}: the orderer's egress (0: uncapped); latency and jitter as {@code links}. */
  public OrdererEgress(long bytesPerSecond, LinkModel.Links links, long seed) {
    this.bytesPerSecond = bytesPerSecond;
    this.links = links;
    this.random = new SplittableRandom(seed);
  }

  /** The delays, from {@code nowNanos}, at which {@code copies} copies of a {@code bytes}-byte block arrive, in sending order. */
  public synchronized Duration[] send(int copies, int bytes, long nowNanos) {
    Duration[] arrivals = new Duration[copies];
    long transmit = bytesPerSecond == 0 ? 0 : bytes * 1_000_000_000L / bytesPerSecond;
    long start = Math.max(nowNanos, freeAtNanos);
    for (int i = 0; i < copies; i++) {
      start += transmit;
      long jitter = links.jitter().isZero() ? 0 : random.nextLong(links.jitter().toNanos() + 1);
      arrivals[i] = Duration.ofNanos(start + links.latency().toNanos() + jitter - nowNanos);
    }
    freeAtNanos = start;
    bytesSent += (long) copies * bytes;
    return arrivals;
  }

  /** Bytes the orderer sent so far. */
  public synchronized long bytesSent() {
    return bytesSent;
  }
}
