package io.hearsay.channels.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlocksAheadTest {

  @Test
  void withoutABudgetTheCommittersBufferBoundsTheCatchUp() {
    BlocksAhead ahead = new BlocksAhead(400, 50, 0);
    assertEquals(400, ahead.limit());
    ahead.received(1 << 20);
    assertEquals(400, ahead.limit(), "Fabric's bound is in blocks, whatever their size");
  }

  @Test
  void withABudgetOneWindowIsAskedForUntilABlocksSizeIsKnownThenAsManyAsTheBudgetHolds() {
    BlocksAhead ahead = new BlocksAhead(3200, 50, 64L << 20);
    assertEquals(50, ahead.limit(), "the first window tells how big blocks are");
    ahead.received(2048);
    assertEquals(3200, ahead.limit(), "small blocks: the buffer is the bound");
    BlocksAhead big = new BlocksAhead(3200, 50, 64L << 20);
    big.received(1 << 20);
    assertEquals(64, big.limit(), "64 MiB of 1 MiB blocks");
    BlocksAhead huge = new BlocksAhead(3200, 50, 64L << 20);
    huge.received(10 << 20);
    assertEquals(50, huge.limit(), "never less than one window");
  }

  @Test
  void theLimitFollowsTheBlocksSizeAsItChanges() {
    BlocksAhead ahead = new BlocksAhead(3200, 50, 64L << 20);
    ahead.received(1 << 20);
    for (int i = 0; i < 40; i++) {
      ahead.received(100 << 10);
    }
    int limit = ahead.limit();
    assertTrue(limit > 600 && limit <= 640, "blocks of 100 KiB now: up to 640 of them, the mean settling: " + limit);
  }
}
