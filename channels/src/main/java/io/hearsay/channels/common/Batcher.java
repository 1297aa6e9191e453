package io.hearsay.channels.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Items leave in batches: when {@code maxCount} are pending, or when the oldest has waited
 * {@code maxLatency}. One rule for two Fabric mechanisms: gossip's batching emitter of pushed
 * messages ({@code maxPropagationBurstSize}, {@code maxPropagationBurstLatency}) and the orderer's
 * block cutter ({@code BatchSize.MaxMessageCount}, {@code BatchTimeout}).
 *
 * <pre>
 * add(item, now):   pending += item; if |pending| &gt;= maxCount -> the whole batch leaves now
 * due(now):         if the oldest pending item is maxLatency old -> the whole batch leaves
 * deadline():       when the pending batch becomes due, for the caller's timer
 * </pre>
 */
public final class Batcher<T> {

  private final int maxCount;
  private final long maxLatencyNanos;
  private final List<T> pending = new ArrayList<>();
  private long oldestNanos;

  public Batcher(int maxCount, Duration maxLatency) {
    this.maxCount = maxCount;
    this.maxLatencyNanos = maxLatency.toNanos();
  }

  /** Adds an item; returns the batch when this item fills it, else an empty list. */
  public List<T> add(T item, long nowNanos) {
    if (pending.isEmpty()) {
      oldestNanos = nowNanos;
    }
    pending.add(item);
    return pending.size() >= maxCount ? flush() : List.of();
  }

  /** The batch when its oldest item has waited long enough, else an empty list. */
  public List<T> due(long nowNanos) {
    return !pending.isEmpty() && nowNanos - oldestNanos >= maxLatencyNanos ? flush() : List.of();
  }

  /** When the pending batch becomes due (meaningless when nothing is pending). */
  public long deadline() {
    return oldestNanos + maxLatencyNanos;
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }

  private List<T> flush() {
    List<T> batch = List.copyOf(pending);
    pending.clear();
    return batch;
  }
}
