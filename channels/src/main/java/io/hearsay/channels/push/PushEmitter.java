package io.hearsay.channels.push;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fabric's batching emitter for pushed messages: items wait until {@code maxBurstSize} are
 * pending or the oldest has waited {@code maxBurstLatency}, then leave together.
 *
 * <pre>
 * add(item, now):   pending += item; if |pending| &gt;= maxBurstSize -> flush everything now
 * due(now):         if the oldest pending item is maxBurstLatency old -> flush everything
 * </pre>
 */
public final class PushEmitter<T> {

  private final int maxBurstSize;
  private final long maxBurstLatencyNanos;
  private final List<T> pending = new ArrayList<>();
  private long oldestNanos;

  public PushEmitter(int maxBurstSize, Duration maxBurstLatency) {
    this.maxBurstSize = maxBurstSize;
    this.maxBurstLatencyNanos = maxBurstLatency.toNanos();
  }

  /** Adds an item; returns the batch to send when this item fills it, else an empty list. */
  public List<T> add(T item, long nowNanos) {
    if (pending.isEmpty()) {
      oldestNanos = nowNanos;
    }
    pending.add(item);
    return pending.size() >= maxBurstSize ? flush() : List.of();
  }

  /** The batch to send when the oldest item has waited long enough, else an empty list. */
  public List<T> due(long nowNanos) {
    return !pending.isEmpty() && nowNanos - oldestNanos >= maxBurstLatencyNanos ? flush() : List.of();
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
