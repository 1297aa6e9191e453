package io.hearsay.runtime.membership;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The hearsay profile's failure detector: φ accrual (Hayashibara et al. 2004, as in Pekko
 * Cluster), fed by each peer's new alive messages.
 *
 * <pre>
 *   per peer: the last maxSampleSize intervals between new alive messages (mean μ, deviation σ,
 *             σ at least minStdDeviation)
 *   φ(t) = -log10(1 - F(t - last)), F the normal CDF with mean μ + acceptablePause and deviation σ
 *   the peer is suspected once φ exceeds threshold
 * </pre>
 *
 * Why accrual rather than Fabric's fixed timeout or indirect probes: alive messages already
 * reach every peer by several paths (each is forwarded once by its receivers and travels in
 * membership responses), so what a loss rate changes is the spread of their arrival intervals,
 * which φ measures; a fixed timeout tight enough for ~3 s detection would have to guess that
 * spread. Indirect probes would add a request/ack round per suspicion that the alive gossip
 * already provides. The acceptable pause makes a lost alive message or two no suspicion.
 */
public final class AccrualDetector {

  /** φ threshold, history size, floor of the deviation, and the pause tolerated on top of the mean. */
  public record Settings(double threshold, int maxSampleSize, Duration minStdDeviation, Duration acceptablePause) {
    public Settings {
      if (threshold <= 0 || maxSampleSize < 1) {
        throw new IllegalArgumentException("threshold must be positive and maxSampleSize at least 1");
      }
    }
  }

  /** The last intervals in a ring of primitives: one per peer pair, so n² of them in a network of n. */
  private static final class History {
    final long[] intervals;
    int count;
    int next;
    double sum;
    double sumOfSquares;
    long lastNanos;

    History(int size) {
      intervals = new long[size];
    }
  }

  private final Settings settings;
  private final long firstIntervalNanos;
  private final Map<Object, History> histories = new HashMap<>();

  /**
   * {@code expectedInterval} (the alive interval) seeds each history, so a peer heard from once
   * is judged against the interval it is supposed to keep.
   */
  public AccrualDetector(Settings settings, Duration expectedInterval) {
    this.settings = settings;
    this.firstIntervalNanos = expectedInterval.toNanos();
  }

  /** A new alive message of {@code peer} arrived at {@code nowNanos}. */
  public void heartbeat(Object peer, long nowNanos) {
    History h = histories.get(peer);
    if (h == null) {
      h = new History(settings.maxSampleSize());
      histories.put(peer, h);
      add(h, firstIntervalNanos);
    } else {
      add(h, nowNanos - h.lastNanos);
    }
    h.lastNanos = nowNanos;
  }

  /**
   * A copy of {@code peer}'s alive message {@code aliveIntervalsAhead} sequence numbers newer than
   * the last one heard, held by another peer for an unknown time (a membership response). It
   * proves the peer alive when that alive message was sent, not now: a Hearsay peer signs one every
   * alive interval, so it counts as heard that many expected intervals after the last, never later
   * than {@code nowNanos}. Counting it as heard now would keep a crashed peer's last alive message,
   * learned late from another peer, passing for a sign of life. Returns whether it counts as sent
   * within the last expected interval: as good as a fresh one.
   */
  public boolean recorded(Object peer, long aliveIntervalsAhead, long nowNanos) {
    History h = histories.get(peer);
    if (h == null || aliveIntervalsAhead <= 0) {
      heartbeat(peer, nowNanos);
      return true;
    }
    long intervalsSince = (nowNanos - h.lastNanos) / firstIntervalNanos;
    long sent = aliveIntervalsAhead > intervalsSince ? nowNanos : h.lastNanos + aliveIntervalsAhead * firstIntervalNanos;
    heartbeat(peer, sent);
    return sent > nowNanos - firstIntervalNanos;
  }

  /** Forgets {@code peer} (declared dead, or forgotten): a resurrected peer starts afresh. */
  public void remove(Object peer) {
    histories.remove(peer);
  }

  /** φ for {@code peer} at {@code nowNanos}; 0 for a peer never heard from. */
  public double phi(Object peer, long nowNanos) {
    History h = histories.get(peer);
    if (h == null) {
      return 0;
    }
    int n = h.count;
    double mean = h.sum / n;
    double variance = Math.max(0, h.sumOfSquares / n - mean * mean);
    double deviation = Math.max(Math.sqrt(variance), settings.minStdDeviation().toNanos());
    double elapsed = nowNanos - h.lastNanos;
    double expected = mean + settings.acceptablePause().toNanos();
    double y = (elapsed - expected) / deviation;
    // The logistic approximation of the normal CDF's tail used by Pekko's detector: no erf needed.
    double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
    return elapsed > expected ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
  }

  public boolean isSuspected(Object peer, long nowNanos) {
    return phi(peer, nowNanos) > settings.threshold();
  }

  private void add(History h, long interval) {
    if (h.count == h.intervals.length) {
      long old = h.intervals[h.next];
      h.sum -= old;
      h.sumOfSquares -= (double) old * old;
    } else {
      h.count++;
    }
    h.intervals[h.next] = interval;
    h.next = (h.next + 1) % h.intervals.length;
    h.sum += interval;
    h.sumOfSquares += (double) interval * interval;
  }
}
