package io.hearsay.channels.common;

/**
 * A timeout that follows a measured delay, as TCP's retransmission timer follows the round trip
 * (RFC 6298): a smoothed mean and mean deviation of the samples, and a timeout of mean + 4
 * deviations, kept within [floor, ceiling]. Before the first sample the timeout is the ceiling, so
 * a peer starts from the configured wait and only shortens it on evidence.
 *
 * <pre>
 *   first sample s:  mean = s, deviation = s / 2
 *   next sample s:   deviation += (|mean - s| - deviation) / 4;  mean += (s - mean) / 8
 *   timeout:         min(ceiling, max(floor, mean + 4 x deviation))
 * </pre>
 */
public final class DelayEstimate {

  private final long floorNanos;
  private final long ceilingNanos;
  private double mean = -1;
  private double deviation;
  private long min = -1;

  public DelayEstimate(long floorNanos, long ceilingNanos) {
    this.floorNanos = Math.min(floorNanos, ceilingNanos);
    this.ceilingNanos = ceilingNanos;
  }

  public void sample(long nanos) {
    if (nanos < 0) {
      return;
    }
    min = min < 0 ? nanos : Math.min(min, nanos);
    if (mean < 0) {
      mean = nanos;
      deviation = nanos / 2.0;
      return;
    }
    deviation += (Math.abs(mean - nanos) - deviation) / 4;
    mean += (nanos - mean) / 8;
  }

  /** The least delay sampled (what the path takes with nothing queued on it), or -1 before the first sample. */
  public long minNanos() {
    return min;
  }

  public long timeoutNanos() {
    if (mean < 0) {
      return ceilingNanos;
    }
    return Math.min(ceilingNanos, Math.max(floorNanos, (long) (mean + 4 * deviation)));
  }
}
