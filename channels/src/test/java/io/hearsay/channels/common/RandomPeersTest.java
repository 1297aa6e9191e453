package io.hearsay.channels.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Random picks with a seeded stream: what they may return, and that every eligible peer is as likely. */
class RandomPeersTest {

  private final List<Integer> peers = IntStream.range(0, 100).boxed().toList();

  @Test
  void aPickAmongManyIsDistinctAndEligibleAndEveryEligiblePeerIsAsLikely() {
    SplittableRandom random = new SplittableRandom(7);
    int[] chosen = new int[100];
    for (int round = 0; round < 20_000; round++) {
      List<Integer> pick = RandomPeers.pick(peers, 3, p -> p % 10 != 0, random);
      assertEquals(3, new HashSet<>(pick).size(), "three distinct peers");
      pick.forEach(p -> chosen[p]++);
    }
    for (int p = 0; p < 100; p++) {
      if (p % 10 == 0) {
        assertEquals(0, chosen[p], "peer " + p + " is not eligible");
      } else {
        // 60 000 picks over 90 eligible peers: 667 each on average, a standard deviation of about 26.
        assertTrue(chosen[p] > 540 && chosen[p] < 800, "peer " + p + " chosen " + chosen[p] + " times");
      }
    }
  }

  @Test
  void whenFewAreEligibleTheyAreAllFound() {
    SplittableRandom random = new SplittableRandom(7);
    assertEquals(List.of(42), RandomPeers.pick(peers, 3, p -> p == 42, random));
    assertEquals(new HashSet<>(List.of(1, 2)), new HashSet<>(RandomPeers.pick(List.of(1, 2), 3, p -> true, random)));
    assertEquals(List.of(), RandomPeers.pick(peers, 0, p -> true, random));
  }
}
