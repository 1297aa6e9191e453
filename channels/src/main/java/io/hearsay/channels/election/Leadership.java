package io.hearsay.channels.election;

import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

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
  public record Handover(ElectionState.LeaderWatch watch, Duration deliveryLease, boolean awaitPeersAtStart,
      boolean succession, long successorMaxLag) {
    /** The successor's lag that reference.conf names (looked at only with succession). */
    public static final long SUCCESSOR_MAX_LAG = 10;

    /** Fabric's: a follower waits whole periods; a leader delivers as soon as it leads; no succession. */
    public static final Handover FABRIC = new Handover(ElectionState.LeaderWatch.PERIOD, Duration.ZERO, false);

    /** Without succession. */
    public Handover(ElectionState.LeaderWatch watch, Duration deliveryLease, boolean awaitPeersAtStart) {
      this(watch, deliveryLease, awaitPeersAtStart, false, SUCCESSOR_MAX_LAG);
    }
  }

  /** Makes the leader's deliver client for a channel; it hands blocks to the delivery it is given. */
  @FunctionalInterface
  public interface DeliverFactory extends Function<Delivery, Behavior<?>> {}

  private final LeadershipHooks hooks;
  private final Delivery delivery;
  private final DeliverFactory deliverFactory;
  private final ActorRef<Election.Command> election;
  private ActorRef<?> deliver;
  /** Each term's deliver client gets a new name: the previous one may still be stopping. */
  private int term;
  private boolean leader;
  /** How long an elected leader waits before delivering; zero for a static leader. */
  private final Duration lease;

  private Leadership(LeadershipHooks hooks, Delivery delivery, DeliverFactory deliverFactory,
      ActorRef<Election.Command> election, Duration lease) {
    this.lease = lease;
    this.hooks = hooks;
    this.delivery = delivery;
    this.deliverFactory = deliverFactory;
    this.election = election;
  }

  /**
   * Starts leadership for a channel: a leader's deliver client hands blocks to {@code delivery};
   * {@code electionSetup} is used only in ELECTED mode.
   */
  public static Leadership start(LeadershipHooks hooks, Delivery delivery, Settings settings,
      DeliverFactory deliverFactory, Election.Setup electionSetup) {
    ActorRef<Election.Command> election = settings.mode() == Mode.ELECTED
        ? hooks.spawn(Election.create(electionSetup), "election") : null;
    // With a lease (the hearsay profile), an elected leader delivers only after leading that
    // long: a peer elected at the same moment as a lower one hears that one's declaration within
    // it and steps down without ever having delivered.
    Leadership leadership = new Leadership(hooks, delivery, deliverFactory, election, settings.mode() == Mode.ELECTED
        ? settings.handover().deliveryLease() : Duration.ZERO);
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
    changed(nowLeader, false);
  }

  /**
   * Leadership changed; {@code atOnce} when this peer took over a silent leader's term as its
   * successor: no other peer claims that term, so it delivers without waiting the lease.
   */
  public void changed(boolean nowLeader, boolean atOnce) {
    if (nowLeader == leader) {
      return;
    }
    leader = nowLeader;
    term++;
    if (leader && (lease.isZero() || atOnce)) {
      startDelivering(term);
    } else if (leader) {
      hooks.afterLease(lease, term);
    } else if (deliver != null) {
      hooks.stop(deliver);
      deliver = null;
    }
  }

  /** The lease of term {@code heldTerm} ran out: if that term still lasts, its leader delivers. */
  public void startDelivering(int heldTerm) {
    if (leader && heldTerm == term && deliver == null) {
      deliver = hooks.spawn(deliverFactory.apply(delivery), "deliver-" + term);
    }
  }

  /** Whether this peer's deliver client runs (a leader whose lease ran out). */
  public boolean isDelivering() {
    return deliver != null;
  }

  /**
   * The org's peers in the channel (proven members), the number of its alive peers, or those far
   * behind the highest ledger height among them, changed.
   */
  public void peers(List<PkiId> peers, int aliveOrgPeers, Set<PkiId> farBehind) {
    if (election != null) {
      election.tell(new Election.Peers(peers, aliveOrgPeers, farBehind));
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
      hooks.stop(election);
    }
  }

  /** The deliver client cannot reach the ordering service: an elected leader steps down for a while. */
  public void ordererUnreachable() {
    if (election != null) {
      election.tell(Election.YieldLeadership.INSTANCE);
    }
  }
}
