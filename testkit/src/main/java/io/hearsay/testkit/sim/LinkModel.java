package io.hearsay.testkit.sim;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated links between peers {@code 0..n-1}: each message takes the fixed latency plus a
 * uniform jitter, is lost with the loss rate, and queues behind the sender's earlier messages on
 * its uplink (bandwidth cap). A link delivers in order, as the TCP connection under Artery does:
 * a message never overtakes an earlier one on the same link, whatever its jitter. Partitions cut links between sides; a crashed peer neither sends
 * nor receives. One random stream per sender, seeded from the network's seed, so a sender's n-th
 * message meets the same fate in every run with that seed.
 *
 * <p>Shared by all simulated peers of a network (their actors run on several threads), hence
 * synchronized.
 */
public final class LinkModel {

  /** Every link's properties; {@code bytesPerSecond} 0 means no bandwidth cap. */
  public record Links(Duration latency, Duration jitter, double loss, long bytesPerSecond) {
    public Links {
      if (loss < 0 || loss > 1) {
        throw new IllegalArgumentException("loss must be in [0, 1]: " + loss);
      }
      if (latency.isNegative() || jitter.isNegative() || bytesPerSecond < 0) {
        throw new IllegalArgumentException("latency, jitter and bandwidth must not be negative");
      }
    }

    /** 10 ms + up to 10 ms of jitter, no loss, 100 Mbit/s: peers of one data centre region. */
    public static Links lan() {
      return new Links(Duration.ofMillis(10), Duration.ofMillis(10), 0, 12_500_000);
    }

    public Links withLoss(double newLoss) {
      return new Links(latency, jitter, newLoss, bytesPerSecond);
    }
  }

  private final Links links;
  private final SplittableRandom[] randoms;
  private final long[] uplinkFreeAtNanos;
  /** Per peer, its uplink's bytes per second where slower than the links' (0: the links'). */
  private final long[] slowUplink;
  /** Per link (from * peers + to), when its last message arrives. */
  private final long[] lastArrivalNanos;
  private final int peers;
  private final Set<Integer> crashed = new HashSet<>();
  private final Map<Integer, Integer> sideOf = new HashMap<>();

  public LinkModel(int peers, Links links, long seed) {
    this.links = links;
    this.randoms = new SplittableRandom[peers];
    SplittableRandom root = new SplittableRandom(seed);
    for (int i = 0; i < peers; i++) {
      randoms[i] = root.split();
    }
    this.uplinkFreeAtNanos = new long[peers];
    this.slowUplink = new long[peers];
    this.lastArrivalNanos = new long[peers * peers];
    this.peers = peers;
  }

  public Links links() {
    return links;
  }

  /**
   * What happens to {@code bytes} sent by {@code from} to {@code to} at {@code nowNanos}: the
   * delay until it arrives, or empty when it is lost (loss, partition, crash).
   */
  public synchronized Optional<Duration> send(int from, int to, int bytes, long nowNanos) {
    if (crashed.contains(from) || crashed.contains(to) || !sideOf.getOrDefault(from, 0).equals(sideOf.getOrDefault(to, 0))) {
      return Optional.empty();
    }
    SplittableRandom random = randoms[from];
    boolean lost = links.loss() > 0 && random.nextDouble() < links.loss();
    long jitter = links.jitter().isZero() ? 0 : random.nextLong(links.jitter().toNanos() + 1);
    // The uplink is busy while the message is serialized, lost or not: the sender sent it.
    long rate = slowUplink[from] > 0 ? slowUplink[from] : links.bytesPerSecond();
    long transmit = rate == 0 ? 0 : bytes * 1_000_000_000L / rate;
    long start = Math.max(nowNanos, uplinkFreeAtNanos[from]);
    uplinkFreeAtNanos[from] = start + transmit;
    if (lost) {
      return Optional.empty();
    }
    int link = from * peers + to;
    long arrival = Math.max(start + transmit + links.latency().toNanos() + jitter, lastArrivalNanos[link]);
    lastArrivalNanos[link] = arrival;
    return Optional.of(Duration.ofNanos(arrival - nowNanos));
  }

  /** Whether a message that was in flight may still be handed to {@code to} (it did not crash). */
  public synchronized boolean isUp(int peer) {
    return !crashed.contains(peer);
  }

  /** From now on {@code peer} sends at {@code bytesPerSecond} (a slow or overloaded peer). */
  public synchronized void slowUplink(int peer, long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("a slow uplink still sends: " + bytesPerSecond);
    }
    slowUplink[peer] = bytesPerSecond;
  }

  public synchronized void crash(int peer) {
    crashed.add(peer);
  }

  /** Splits the network: {@code side} on one side, everyone else on the other. */
  public synchronized void partition(Set<Integer> side) {
    sideOf.clear();
    side.forEach(p -> sideOf.put(p, 1));
  }

  public synchronized void heal() {
    sideOf.clear();
  }
}
