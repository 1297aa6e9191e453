package io.hearsay.channels.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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

  /** Up to {@code n} distinct peers chosen at random. */
  public static <P> List<P> pick(Collection<P> peers, int n, RandomGenerator random) {
    List<P> copy = shuffled(peers, random);
    return copy.subList(0, Math.min(n, copy.size()));
  }
}
