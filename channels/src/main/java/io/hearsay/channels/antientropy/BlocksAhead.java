package io.hearsay.channels.antientropy;

/**
 * How far past the ledger height a catch-up may ask for blocks, so that what it holds (windows
 * asked for, in flight, or answered and waiting to commit) stays within a byte budget whatever the
 * blocks' size:
 *
 * <pre>
 * no budget (0)                  the committer's buffer, peer.gossip.state.blockBufferSize (Fabric's)
 * budget, no block seen yet      one window: the first blocks tell how big blocks are (TCP's slow start)
 * budget, blocks of mean size m  min(buffer, max(one window, budget / m)); m follows the blocks
 *                                received by state transfer (moving mean, weight 1/8)
 * </pre>
 */
public final class BlocksAhead {

  private final int buffer;
  private final int window;
  private final long budgetBytes;
  private double meanBytes = -1;

  /** {@code budgetBytes} 0: only the committer's {@code buffer} bounds it. */
  public BlocksAhead(int buffer, int window, long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("a byte budget is not negative: " + budgetBytes);
    }
    this.buffer = buffer;
    this.window = Math.min(window, buffer);
    this.budgetBytes = budgetBytes;
  }

  /** A block of {@code bytes} came by state transfer. */
  public void received(int bytes) {
    meanBytes = meanBytes < 0 ? bytes : meanBytes + (bytes - meanBytes) / 8;
  }

  /** How many blocks past the height may be asked for now. */
  public int limit() {
    if (budgetBytes == 0) {
      return buffer;
    }
    if (meanBytes < 0) {
      return window;
    }
    return (int) Math.min(buffer, Math.max(window, budgetBytes / Math.max(1.0, meanBytes)));
  }
}
