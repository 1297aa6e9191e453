package io.hearsay.channels.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fabric's defaults: bursts of up to 10 messages or 10 ms; time in nanoseconds. */
class PushEmitterTest {

  private static final long MS = 1_000_000L;
  private final PushEmitter<Integer> emitter = new PushEmitter<>(10, Duration.ofMillis(10));

  @Test
  void aFullBurstLeavesAtOnce() {
    for (int i = 0; i < 9; i++) {
      assertTrue(emitter.add(i, 0).isEmpty());
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), emitter.add(9, 1 * MS));
    assertTrue(emitter.isEmpty());
  }

  @Test
  void aPartialBurstLeavesWhenItsOldestItemHasWaitedTheLatency() {
    emitter.add(1, 0);
    emitter.add(2, 5 * MS);
    assertTrue(emitter.due(9 * MS).isEmpty());
    assertEquals(List.of(1, 2), emitter.due(10 * MS));
    assertTrue(emitter.due(30 * MS).isEmpty(), "nothing pending");
  }
}
