package io.hearsay.channels;

import io.hearsay.channels.election.Delivery;
import io.hearsay.channels.election.LeadershipHooks;
import io.hearsay.ledger.ChannelLedger;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.hyperledger.fabric.protos.common.Block;

/** What leadership needs from the channel actor: children, the delivery lease, and where delivered blocks go. */
final class ChannelLeadership {

  private ChannelLeadership() {}

  /** Children and the lease in {@code context}; a lease that ran out comes back as {@code leaseHeld(term)}. */
  static LeadershipHooks hooks(ActorContext<ChannelGossip.Command> context,
      Function<Integer, ChannelGossip.Command> leaseHeld) {
    return new LeadershipHooks() {
      @Override
      public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
        return context.spawn(behavior, name);
      }

      @Override
      public void stop(ActorRef<?> child) {
        context.stop(child);
      }

      @Override
      public void afterLease(Duration lease, int term) {
        context.scheduleOnce(lease, context.getSelf(), leaseHeld.apply(term));
      }
    };
  }

  /** The deliver client's blocks and its "unreachable", as messages to the channel. */
  static Delivery delivery(ActorRef<ChannelGossip.Command> channel, ChannelGossip.Command ordererUnreachable) {
    return new Delivery() {
      @Override
      public void askHeight(ActorRef<ChannelLedger.Height> replyTo) {
        channel.tell(new ChannelGossip.GetHeight(replyTo));
      }

      @Override
      public void deliver(Block block, ActorRef<Refused> refusals) {
        channel.tell(new ChannelGossip.CommitBlock(block, Optional.of(refusals)));
      }

      @Override
      public void ordererUnreachable() {
        channel.tell(ordererUnreachable);
      }
    };
  }
}
