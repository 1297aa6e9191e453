package io.hearsay.runtime.orderer;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fabric's block cutter (orderer/common/blockcutter): transactions queue until
 * {@code BatchSize.MaxMessageCount} of them are pending, or {@code BatchTimeout} has passed since
 * the first one arrived; then they are cut into one block's data.
 */
public final class BlockCutter {

  private final int maxMessageCount;
  private final long batchTimeout;
  private final List<ByteString> pending = new ArrayList<>();
  private long firstArrival;

  public BlockCutter(int maxMessageCount, Duration batchTimeout) {
    this.maxMessageCount = maxMessageCount;
    this.batchTimeout = batchTimeout.toNanos();
  }

  /** Queues a transaction; returns a full batch when this one completes it, else an empty list. */
  public List<ByteString> add(ByteString transaction, long now) {
    if (pending.isEmpty()) {
      firstArrival = now;
    }
    pending.add(transaction);
    return pending.size() >= maxMessageCount ? cut() : List.of();
  }

  /** The pending batch if its timeout has passed, else an empty list. */
  public List<ByteString> timedOut(long now) {
    return !pending.isEmpty() && now - firstArrival >= batchTimeout ? cut() : List.of();
  }

  /** When the pending batch times out (meaningless when nothing is pending). */
  public long deadline() {
    return firstArrival + batchTimeout;
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }

  private List<ByteString> cut() {
    List<ByteString> batch = List.copyOf(pending);
    pending.clear();
    return batch;
  }
}
