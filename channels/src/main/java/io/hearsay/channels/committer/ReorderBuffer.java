package io.hearsay.channels.committer;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.hyperledger.fabric.protos.common.Block;

/**
 * The committer's reorder buffer: blocks arrive out of order (push, pull, state transfer) and
 * leave strictly in order, starting at the ledger height.
 *
 * <pre>
 * offer(block, height):
 *   number &lt; height, or already buffered      -> DUPLICATE (dropped)
 *   number &gt;= height + capacity               -> TOO_FAR_AHEAD (dropped; anti-entropy fetches it later)
 *   otherwise                                  -> BUFFERED
 * ready(height): removes and returns the consecutive run height, height+1, ... that is buffered
 * </pre>
 *
 * Invariant: at most {@code capacity} blocks are held (Fabric's {@code state.blockBufferSize}),
 * all of them within {@code [height, height + capacity)}.
 */
public final class ReorderBuffer {

  /** What became of an offered block. */
  public enum Outcome { BUFFERED, DUPLICATE, TOO_FAR_AHEAD }

  private final int capacity;
  private final TreeMap<Long, Block> blocks = new TreeMap<>();
  private int largestSize;

  public ReorderBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
  }

  public Outcome offer(Block block, long height) {
    long number = block.getHeader().getNumber();
    blocks.headMap(height).clear();
    if (number < height || blocks.containsKey(number)) {
      return Outcome.DUPLICATE;
    }
    if (number >= height + capacity) {
      return Outcome.TOO_FAR_AHEAD;
    }
    blocks.put(number, block);
    largestSize = Math.max(largestSize, blocks.size());
    return Outcome.BUFFERED;
  }

  /** Removes and returns the buffered blocks that continue the chain at {@code height}, in order. */
  public List<Block> ready(long height) {
    blocks.headMap(height).clear();
    List<Block> run = new ArrayList<>();
    long next = height;
    Block block;
    while ((block = blocks.remove(next)) != null) {
      run.add(block);
      next++;
    }
    return run;
  }

  public int size() {
    return blocks.size();
  }

  /** The highest block number buffered, -1 when none is. */
  public long newest() {
    return blocks.isEmpty() ? -1 : blocks.lastKey();
  }

  /** Whether block {@code number} is buffered, waiting for the blocks before it. */
  public boolean holds(long number) {
    return blocks.containsKey(number);
  }

  /** The most blocks held at once, for checking the bound. */
  public int largestSize() {
    return largestSize;
  }

  public int capacity() {
    return capacity;
  }
}
