package io.hearsay.channels.antientropy;

import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * State transfer's view of the committer's reorder buffer: the blocks it holds beyond the height,
 * waiting for an earlier one. Push evidently reaches a peer that holds blocks, so its windows fill
 * the gaps below the newest of them, not the blocks push is still bringing after it.
 */
public interface BufferedBlocks {

  /** Nothing held: windows reach the highest advertised height (Fabric's state provider). */
  BufferedBlocks NONE = of(number -> false, () -> -1);

  /** Whether block {@code number} is held. */
  boolean holds(long number);

  /** The highest block number held, -1 when none is. */
  long newest();

  /**
   * Whether the committer, at ledger height {@code height}, waits for a missing block: it holds
   * later ones but not the one at the height.
   */
  default boolean gapAt(long height) {
    return height >= 0 && newest() > height && !holds(height);
  }

  static BufferedBlocks of(LongPredicate holds, LongSupplier newest) {
    return new BufferedBlocks() {
      @Override
      public boolean holds(long number) {
        return holds.test(number);
      }

      @Override
      public long newest() {
        return newest.getAsLong();
      }
    };
  }
}
