package io.hearsay.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits on a condition instead of sleeping: multi-node tests poll what they assert until it holds
 * or the time is up, so they pass as soon as the network is there and fail with what was last
 * seen, on a loaded two-core machine as on a fast one.
 *
 * <pre>{@code
 * Eventually.await(Duration.ofSeconds(30), "every peer at height 11",
 *     () -> peers.stream().allMatch(p -> p.channelHeight("mychannel").join().height() == 11));
 * }</pre>
 *
 * A condition that throws (a peer still starting, an ask timing out on a busy peer) has not held
 * yet; the last exception is named if the time runs out.
 */
public final class Eventually {

  /** How often a condition is polled unless a test says otherwise. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(50);

  /** A condition that may fail to be evaluated yet. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Eventually() {}

  /** Polls {@code condition} until it holds; an AssertionError naming {@code what} after {@code within}. */
  public static void await(Duration within, String what, Condition condition) {
    await(within, POLL_INTERVAL, what, condition, () -> "");
  }

  /**
   * As {@link #await(Duration, String, Condition)}, polling every {@code interval}, with
   * {@code state} (what was last seen) in the failure message.
   */
  public static void await(Duration within, Duration interval, String what, Condition condition,
      Supplier<String> state) {
    Outcome outcome = poll(within, interval, condition);
    if (!outcome.held()) {
      String seen = state.get();
      AssertionError failure = new AssertionError(what + ": not true after " + within
          + (seen.isEmpty() ? "" : "; " + seen)
          + (outcome.lastFailure() == null ? "" : "; last evaluation failed: " + outcome.lastFailure()));
      if (outcome.lastFailure() != null) {
        failure.initCause(outcome.lastFailure());
      }
      throw failure;
    }
  }

  /** Polls {@code condition} until it holds or {@code within} has passed; whether it held. */
  public static boolean within(Duration within, Condition condition) {
    return poll(within, POLL_INTERVAL, condition).held();
  }

  private record Outcome(boolean held, Exception lastFailure) {}

  private static Outcome poll(Duration within, Duration interval, Condition condition) {
    long deadline = System.nanoTime() + within.toNanos();
    Exception lastFailure = null;
    while (true) {
      try {
        if (condition.holds()) {
          return new Outcome(true, null);
        }
        lastFailure = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting", e);
      } catch (Exception e) {
        lastFailure = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        return new Outcome(false, lastFailure);
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting", e);
      }
    }
  }
}
