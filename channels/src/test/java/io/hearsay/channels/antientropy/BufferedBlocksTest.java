package io.hearsay.channels.antientropy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.channels.committer.Committer;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.junit.jupiter.api.Test;

/** The gap the committer waits at, as state transfer and the StateInfo pull read it. */
class BufferedBlocksTest {

  private final List<List<Block>> appends = new ArrayList<>();
  private final Committer committer = new Committer(100, appends::add);
  private final BufferedBlocks held = BufferedBlocks.of(committer::holds, committer::newestHeld);

  private static Block block(long number) {
    return Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(number)).build();
  }

  @Test
  void aGapIsWhereTheCommitterWaitsForABlockWhileHoldingLaterOnes() {
    assertFalse(held.gapAt(committer.height()), "height not known yet");
    committer.heightKnown(1);
    assertFalse(held.gapAt(1), "nothing held");
    committer.fromGossip(block(3));
    assertTrue(held.gapAt(1));
    committer.fromGossip(block(1));
    assertFalse(held.gapAt(1), "1 in flight: the committer waits for the ledger, not for a block");
    committer.appended(appends.get(0), true);
    assertTrue(held.gapAt(committer.height()));
  }
}
