package io.hearsay.channels.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/** Random choices of peers, drawn from a protocol's own random stream. */
public final class RandomPeers {

  private RandomPeers() {}

  /** The peers in a random order (a new list). */
  public static <P> List<P> shuffled(Collection<P> peers, RandomGenerator random) {
    List<P> copy = new ArrayList<>(peers);
    Collections.shuffle(copy, new Random(random.nextLong()));
    return copy;
  }

  /**
   * Up to {@code n} distinct peers that {@code eligible} accepts, chosen at random. A few among many
   * are drawn by index, without copying or filtering the list: per message, that is O(n) instead of
   * O(peers). When the draws keep missing (few peers eligible, or few peers), the eligible ones are
   * shuffled instead. Either way every eligible peer is as likely to be chosen.
   */
  public static <P> List<P> pick(List<P> peers, int n, Predicate<? super P> eligible, RandomGenerator random) {
    int size = peers.size();
    if (n <= 0 || size == 0) {
      return List.of();
    }
    if (4 * n < size) {
      List<P> chosen = new ArrayList<>(n);
      Set<Integer> drawn = new HashSet<>();
      for (int draws = 0; chosen.size() < n && draws < 4 * n; draws++) {
        int i = random.nextInt(size);
        if (drawn.add(i) && eligible.test(peers.get(i))) {
          chosen.add(peers.get(i));
        }
      }
      if (chosen.size() == n) {
        return chosen;
      }
    }
    return pick(peers.stream().filter(eligible).toList(), n, random);
  }

  /** Up to {@code n} distinct peers chosen at random. */
  public static <P> List<P> pick(Collection<P> peers, int n, RandomGenerator random) {
    List<P> copy = shuffled(peers, random);
    return copy.subList(0, Math.min(n, copy.size()));
  }
}
