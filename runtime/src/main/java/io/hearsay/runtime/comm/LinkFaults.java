package io.hearsay.runtime.comm;

import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Faults injected on this peer's links, for tests: drop everything to a peer, drop a fraction,
 * delay, or cut the peer off from a set of peers in both directions (a partition). Immutable;
 * a test hands a new value to a running peer's comm actor.
 */
public final class LinkFaults {

  private static final LinkFaults NONE = new LinkFaults(Map.of(), Map.of(), Set.of());

  private final Map<Endpoint, Double> dropFraction;
  private final Map<Endpoint, Duration> delay;
  private final Set<Endpoint> partitioned;

  private LinkFaults(Map<Endpoint, Double> dropFraction, Map<Endpoint, Duration> delay,
      Set<Endpoint> partitioned) {
    this.dropFraction = Map.copyOf(dropFraction);
    this.delay = Map.copyOf(delay);
    this.partitioned = Set.copyOf(partitioned);
  }

  public static LinkFaults none() {
    return NONE;
  }

  /** Drops every message sent to {@code peer}. */
  public LinkFaults dropAll(Endpoint peer) {
    return dropFraction(peer, 1.0);
  }

  /** Drops each message sent to {@code peer} with the given probability. */
  public LinkFaults dropFraction(Endpoint peer, double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("fraction must be in [0, 1]: " + fraction);
    }
    Map<Endpoint, Double> next = new HashMap<>(dropFraction);
    next.put(peer, fraction);
    return new LinkFaults(next, delay, partitioned);
  }

  /** Delays every message sent to {@code peer}. */
  public LinkFaults delay(Endpoint peer, Duration by) {
    Map<Endpoint, Duration> next = new HashMap<>(delay);
    next.put(peer, by);
    return new LinkFaults(dropFraction, next, partitioned);
  }

  /** Cuts this peer off from {@code peers}: nothing is sent to them or accepted from them. */
  public LinkFaults partitionFrom(Set<Endpoint> peers) {
    Set<Endpoint> next = new HashSet<>(partitioned);
    next.addAll(peers);
    return new LinkFaults(dropFraction, delay, next);
  }

  /** Whether a message to {@code peer} is sent now, later (the delay), or not at all (empty). */
  public Optional<Duration> outbound(Endpoint peer, RandomGenerator random) {
    if (partitioned.contains(peer)) {
      return Optional.empty();
    }
    Double fraction = dropFraction.get(peer);
    if (fraction != null && random.nextDouble() < fraction) {
      return Optional.empty();
    }
    return Optional.of(delay.getOrDefault(peer, Duration.ZERO));
  }

  /** Whether a message from {@code peer} is refused at arrival. */
  public boolean blocksInbound(Endpoint peer) {
    return partitioned.contains(peer);
  }
}
