package io.hearsay.channels.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fabric's push defaults: bursts of up to 10 messages or 10 ms; time in nanoseconds. */
class BatcherTest {

  private static final long MS = 1_000_000L;
  private final Batcher<Integer> batcher = new Batcher<>(10, Duration.ofMillis(10));

  @Test
  void aFullBatchLeavesAtOnce() {
    for (int i = 0; i < 9; i++) {
      assertTrue(batcher.add(i, 0).isEmpty());
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), batcher.add(9, 1 * MS));
    assertTrue(batcher.isEmpty());
  }

  @Test
  void aPartialBatchLeavesWhenItsOldestItemHasWaitedTheLatency() {
    batcher.add(1, 0);
    batcher.add(2, 5 * MS);
    assertEquals(10 * MS, batcher.deadline(), "due by its oldest item, not its newest");
    assertTrue(batcher.due(9 * MS).isEmpty());
    assertEquals(List.of(1, 2), batcher.due(10 * MS));
    assertTrue(batcher.due(30 * MS).isEmpty(), "nothing pending");
  }

  @Test
  void theNextBatchTimesFromItsOwnFirstItem() {
    batcher.add(1, 0);
    assertEquals(List.of(1), batcher.due(10 * MS));
    batcher.add(2, 25 * MS);
    assertTrue(batcher.due(30 * MS).isEmpty());
    assertEquals(35 * MS, batcher.deadline());
  }
}
