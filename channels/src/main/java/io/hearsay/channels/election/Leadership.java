package io.hearsay.channels.election;

import io.hearsay.channels.ChannelGossip;
import io.hearsay.protocol.identity.PkiId;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Whether this peer is its org's leader for a channel, and what follows from it: the leader alone
 * runs the channel's {@code deliver} child, which pulls blocks from the ordering service. Static
 * ({@code orgLeader}), elected ({@code useLeaderElection}, an {@link Election} child) or neither.
 */
public final class Leadership {

  /** Fabric's two exclusive flags, as one choice. */
  public enum Mode { STATIC_LEADER, ELECTED, FOLLOWER }

  /** How a channel's leader is chosen. */
  public record Settings(Mode mode, ElectionState.Timings timings, Handover handover) {
    /** Fabric's handover. */
    public Settings(Mode mode, ElectionState.Timings timings) {
      this(mode, timings, Handover.FABRIC);
    }
  }

  /**
   * How leadership passes between elected peers, beyond Fabric's timings: how followers watch the
   * leader, how long a new leader leads before its deliver client starts, and whether start-up
   * waits for other peers (see {@link ElectionState}).
   */
  public record Handover(ElectionState.LeaderWatch watch, java.time.Duration deliveryLease, boolean awaitPeersAtStart) {
    /** Fabric's: a follower waits whole periods; a leader delivers as soon as it leads. */
    public static final Handover FABRIC = new Handover(ElectionState.LeaderWatch.PERIOD, java.time.Duration.ZERO, false);
  }

  /** Makes the leader's deliver client for a channel; it talks to the channel actor it is given. */
  @FunctionalInterface
  public interface DeliverFactory extends Function<ActorRef<ChannelGossip.Command>, Behavior<?>> {}

  private final ActorContext<ChannelGossip.Command> context;
  private final DeliverFactory deliverFactory;
  private final ActorRef<Election.Command> election;
  private ActorRef<?> deliver;
  /** Each term's deliver client gets a new name: the previous one may still be stopping. */
  private int term;
  private boolean leader;
  /** How long an elected leader waits before delivering; zero for a static leader. */
  private final java.time.Duration lease;

  private Leadership(ActorContext<ChannelGossip.Command> context, DeliverFactory deliverFactory,
      ActorRef<Election.Command> election, java.time.Duration lease) {
    this.lease = lease;
    this.context = context;
    this.deliverFactory = deliverFactory;
    this.election = election;
  }

  /** Starts leadership for a channel; {@code electionSetup} is used only in ELECTED mode. */
  public static Leadership start(ActorContext<ChannelGossip.Command> context, Settings settings,
      DeliverFactory deliverFactory, Election.Setup electionSetup) {
    ActorRef<Election.Command> election = settings.mode() == Mode.ELECTED
        ? context.spawn(Election.create(electionSetup), "election") : null;
    // With a lease (the hearsay profile), an elected leader delivers only after leading that
    // long: a peer elected at the same moment as a lower one hears that one's declaration within
    // it and steps down without ever having delivered.
    Leadership leadership = new Leadership(context, deliverFactory, election, settings.mode() == Mode.ELECTED
        ? settings.handover().deliveryLease() : java.time.Duration.ZERO);
    if (settings.mode() == Mode.STATIC_LEADER) {
      leadership.changed(true);
    }
    return leadership;
  }

  public boolean isLeader() {
    return leader;
  }

  /** Leadership changed: the leader starts delivering, a former leader stops. */
  public void changed(boolean nowLeader) {
    if (nowLeader == leader) {
      return;
    }
    leader = nowLeader;
    term++;
    if (leader && lease.isZero()) {
      startDelivering(term);
    } else if (leader) {
      context.scheduleOnce(lease, context.getSelf(), new ChannelGossip.LeaseHeld(term));
    } else if (deliver != null) {
      context.stop(deliver);
      deliver = null;
    }
  }

  /** The lease of term {@code heldTerm} ran out: if that term still lasts, its leader delivers. */
  public void startDelivering(int heldTerm) {
    if (leader && heldTerm == term && deliver == null) {
      deliver = spawn(context, deliverFactory.apply(context.getSelf()), "deliver-" + term);
    }
  }

  /** Whether this peer's deliver client runs (a leader whose lease ran out). */
  public boolean isDelivering() {
    return deliver != null;
  }

  /** The org's peers in the channel (proven members), or the number of its alive peers, changed. */
  public void peers(List<PkiId> peers, int aliveOrgPeers) {
    if (election != null) {
      election.tell(new Election.Peers(peers, aliveOrgPeers));
    }
  }

  public void inbound(Election.Inbound message) {
    if (election != null) {
      election.tell(message);
    }
  }

  /** The channel stops: an elected peer takes no part in elections any more. */
  public void stopElection() {
    if (election != null) {
      context.stop(election);
    }
  }

  /** The deliver client cannot reach the ordering service: an elected leader steps down for a while. */
  public void ordererUnreachable() {
    if (election != null) {
      election.tell(Election.YieldLeadership.INSTANCE);
    }
  }

  private static <T> ActorRef<T> spawn(ActorContext<?> context, Behavior<T> behavior, String name) {
    return context.spawn(behavior, name);
  }
}
