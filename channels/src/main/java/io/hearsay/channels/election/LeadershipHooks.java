package io.hearsay.channels.election;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/** What {@link Leadership} needs from the channel actor it lives in. */
public interface LeadershipHooks {
  /** Starts a child of the channel (the election, the deliver client). */
  <T> ActorRef<T> spawn(Behavior<T> behavior, String name);

  /** Stops a child of the channel. */
  void stop(ActorRef<?> child);

  /** After {@code lease}, the channel calls {@link Leadership#startDelivering(int)} with {@code term}. */
  void afterLease(Duration lease, int term);
}
