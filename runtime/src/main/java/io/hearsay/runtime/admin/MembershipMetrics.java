package io.hearsay.runtime.admin;

import io.hearsay.runtime.membership.Membership;
import io.hearsay.runtime.membership.MembershipView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The peer's {@code admin} actor: keeps the membership gauges of {@link NodeMetrics} current. */
public final class MembershipMetrics {

  private MembershipMetrics() {}

  public static Behavior<MembershipView> create(NodeMetrics metrics, ActorRef<Membership.Command> membership) {
    return Behaviors.setup(context -> {
      membership.tell(new Membership.Subscribe(context.getSelf()));
      return Behaviors.receiveMessage(view -> {
        metrics.membership(view);
        return Behaviors.same();
      });
    });
  }
}
