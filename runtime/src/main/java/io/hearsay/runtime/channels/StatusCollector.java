package io.hearsay.runtime.channels;

import io.hearsay.channels.ChannelGossip;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Gathers the status of every joined channel for one request, and answers with what it has after
 * a timeout (a channel busy with a long append is left out rather than delaying the answer).
 */
public final class StatusCollector {

  private StatusCollector() {}

  /**
   * Asks each of {@code channels} (a function sending a status request to the given reply target)
   * and answers with their statuses and {@code known} (channels that are not running).
   */
  public static Behavior<Object> create(List<java.util.function.Consumer<ActorRef<ChannelGossip.Status>>> channels,
      List<ChannelGossip.Status> known, ActorRef<List<ChannelGossip.Status>> replyTo) {
    if (channels.isEmpty()) {
      List<ChannelGossip.Status> sorted = new ArrayList<>(known);
      sorted.sort(Comparator.comparing(ChannelGossip.Status::channel));
      replyTo.tell(List.copyOf(sorted));
      return Behaviors.stopped();
    }
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      ActorRef<ChannelGossip.Status> self = context.getSelf().narrow();
      channels.forEach(ask -> ask.accept(self));
      timers.startSingleTimer("timeout", Duration.ofSeconds(5));
      List<ChannelGossip.Status> statuses = new ArrayList<>(known);
      return Behaviors.receiveMessage(message -> {
        if (message instanceof ChannelGossip.Status status) {
          statuses.add(status);
        }
        if (statuses.size() < channels.size() + known.size() && message instanceof ChannelGossip.Status) {
          return Behaviors.same();
        }
        statuses.sort(Comparator.comparing(ChannelGossip.Status::channel));
        replyTo.tell(List.copyOf(statuses));
        return Behaviors.stopped();
      });
    }));
  }
}
