package io.hearsay.testkit;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Waiting for an ActorSystem to terminate, bounded.
 *
 * <p>Why bounded: Pekko 1.7's Artery waits without a deadline for its streams to complete when a
 * system terminates (apache/pekko#3247; bounded upstream by #3317, "Bound Artery stream
 * shutdown"). A TLS stream whose handshake the other side refused can stall so, and a test that
 * joined the termination hung a CI run for good. After the timeout the system is left to its
 * threads, with a warning, and the test goes on to its assertions.
 */
public final class Terminations {

  private Terminations() {}

  /** Terminates {@code system} and waits at most {@code timeout} for it to be terminated. */
  public static void terminate(ActorSystem<?> system, Duration timeout) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      System.err.println("ActorSystem " + system.name() + " (" + system.address() + ") not terminated after "
          + timeout + " (Artery's stream shutdown has no deadline in Pekko 1.7); left behind");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
