package io.hearsay.runtime.channels;

import io.hearsay.channels.ChannelStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Gathers the status of every channel of a node (a peer's joined channels, an orderer's) for one
 * request, and answers with what it has after a timeout: a channel busy with a long append is left
 * out rather than delaying the answer.
 */
public final class StatusCollector {

  private StatusCollector() {}

  /** How long a collector waits for a node whose API waits {@code apiTimeout}: a third, so the API has its answer. */
  public static Duration within(Duration apiTimeout) {
    return apiTimeout.dividedBy(3);
  }

  /**
   * Asks each of {@code channels} (a function sending a status request to the given reply target)
   * and answers with their statuses and {@code known} (channels that are not running), after
   * {@code within} at the latest.
   */
  public static Behavior<Object> create(List<Consumer<ActorRef<ChannelStatus>>> channels,
      List<ChannelStatus> known, Duration within, ActorRef<List<ChannelStatus>> replyTo) {
    if (channels.isEmpty()) {
      List<ChannelStatus> sorted = new ArrayList<>(known);
      sorted.sort(Comparator.comparing(ChannelStatus::channel));
      replyTo.tell(List.copyOf(sorted));
      return Behaviors.stopped();
    }
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      ActorRef<ChannelStatus> self = context.getSelf().narrow();
      channels.forEach(ask -> ask.accept(self));
      timers.startSingleTimer("timeout", within);
      List<ChannelStatus> statuses = new ArrayList<>(known);
      return Behaviors.receiveMessage(message -> {
        if (message instanceof ChannelStatus status) {
          statuses.add(status);
        }
        if (statuses.size() < channels.size() + known.size() && message instanceof ChannelStatus) {
          return Behaviors.same();
        }
        statuses.sort(Comparator.comparing(ChannelStatus::channel));
        replyTo.tell(List.copyOf(statuses));
        return Behaviors.stopped();
      });
    }));
  }
}
