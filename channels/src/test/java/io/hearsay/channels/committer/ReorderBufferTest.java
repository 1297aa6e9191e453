package io.hearsay.channels.committer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {

  /** A block of {@code number} with no data: what the committer's tests order. */
  static Block block(long number) {
    return Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(number).setDataHash(ByteString.EMPTY)).build();
  }

  private static List<Long> numbers(List<Block> blocks) {
    return blocks.stream().map(b -> b.getHeader().getNumber()).toList();
  }

  @Test
  void outOfOrderBlocksLeaveInOrder() {
    ReorderBuffer buffer = new ReorderBuffer(5);
    assertEquals(ReorderBuffer.Outcome.BUFFERED, buffer.offer(block(12), 10));
    assertEquals(ReorderBuffer.Outcome.BUFFERED, buffer.offer(block(11), 10));
    assertTrue(buffer.ready(10).isEmpty(), "block 10 is missing");
    assertEquals(ReorderBuffer.Outcome.BUFFERED, buffer.offer(block(10), 10));
    assertEquals(List.of(10L, 11L, 12L), numbers(buffer.ready(10)));
    assertEquals(0, buffer.size());
  }

  @Test
  void duplicatesAndCommittedBlocksAreDropped() {
    ReorderBuffer buffer = new ReorderBuffer(5);
    buffer.offer(block(11), 10);
    assertEquals(ReorderBuffer.Outcome.DUPLICATE, buffer.offer(block(11), 10));
    assertEquals(ReorderBuffer.Outcome.DUPLICATE, buffer.offer(block(9), 10));
  }

  @Test
  void blocksTooFarAheadAreDroppedAndTheBoundHolds() {
    ReorderBuffer buffer = new ReorderBuffer(3);
    assertEquals(ReorderBuffer.Outcome.BUFFERED, buffer.offer(block(12), 10));
    assertEquals(ReorderBuffer.Outcome.TOO_FAR_AHEAD, buffer.offer(block(13), 10));
    for (long n = 0; n < 100; n++) {
      buffer.offer(block(n), 10);
    }
    assertEquals(3, buffer.largestSize());
    assertEquals(List.of(10L, 11L, 12L), numbers(buffer.ready(10)));
  }

  @Test
  void blocksBelowANewHeightAreForgotten() {
    ReorderBuffer buffer = new ReorderBuffer(10);
    buffer.offer(block(12), 10);
    buffer.offer(block(15), 10);
    assertTrue(buffer.ready(14).isEmpty());
    assertEquals(1, buffer.size(), "12 was committed by other means and is gone");
  }
}
