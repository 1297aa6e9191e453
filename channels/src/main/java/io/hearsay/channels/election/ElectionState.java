package io.hearsay.channels.election;

import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fabric's leader election for one channel and one org (gossip/election/election.go), as a plain
 * state machine that takes time as a parameter.
 *
 * <pre>
 * start:     sample the view every membershipSampleInterval until its size is unchanged between
 *            two samples and every alive peer of the org has proven channel membership, a leader
 *            declares itself, or startupGracePeriod is over
 *            (Fabric checks only the size: just after a join, before any membership proof came
 *            in, an empty view is "stable" at one peer while the others' views still grow, so it
 *            elects itself before the lowest PKI-ID has proposed, and stays leader as incumbent)
 * loop:      if no leader is known: propose self; collect proposals for leaderElectionDuration
 *              (a declaration ends this early and we follow); then, unless a lower PKI-ID
 *              proposed, become leader
 *            leader:   declare to the org's channel peers every leaderAliveThreshold / 2
 *            follower: forget the known leader and proposals, wait leaderAliveThreshold; a
 *              declaration in that time keeps the leader, none starts a new election (or, with
 *              {@link LeaderWatch#LAST_DECLARATION}, each declaration restarts the wait)
 *            within startupGracePeriod, an election is not decided while a lower PKI-ID that
 *              proved channel membership has not proposed (the adapter sends our proposal to
 *              every peer proven while we elect)
 *            in its first election, a peer does not give up for a declaration from a higher
 *              PKI-ID that started with it (whose election began less than 2 x
 *              membershipSampleInterval + leaderElectionDuration, the least time to win, before
 *              ours): that leader won before this peer could be heard, so it elects on, and once it
 *              declares the higher one steps down; a peer that started later follows the incumbent
 * step down: a leader that hears a declaration from a lower PKI-ID stops leading (after a
 *            partition heals, the lowest leader wins); yield() stops leading and abstains from
 *            elections for 6 x leaderAliveThreshold, or until another leader is elected
 * succession (not Fabric's, off by default): when the leader a follower followed goes silent, the
 *            follower that is next in line (the lowest PKI-ID among the org's proven peers but the
 *            silent leader, leaving out peers far behind the highest ledger height) leads at once,
 *            without an election; the others elect as above, and its declaration ends their
 *            elections. Every follower computes the same successor from the same views, so the
 *            election's wait for lower proposals is not needed to agree; where views differ, the
 *            step-down rule settles it as after a partition.
 * </pre>
 *
 * An incumbent keeps leadership against a later, lower PKI-ID because a newcomer hears the
 * incumbent's declarations before its own election ends and never declares.
 */
public final class ElectionState {

  /** What the adapter must do after a call. */
  public enum Action {
    PROPOSE, DECLARE, BECAME_LEADER,
    /** Became leader as the silent leader's successor: nobody else claims the term, so no lease. */
    SUCCEEDED_LEADER,
    STOPPED_LEADING
  }

  /**
   * How a follower notices that the leader is gone. {@code PERIOD} is Fabric's loop: forget the
   * leader, wait a whole leaderAliveThreshold, elect if no declaration came in it, so a dead
   * leader is noticed one to two thresholds after its last declaration. {@code LAST_DECLARATION}
   * elects leaderAliveThreshold after the last declaration heard, and the leader declares every
   * 0.4 x threshold instead of every half: a single lost declaration never starts an election (the
   * deadline falls half an interval after the second missing one), and a dead leader is noticed
   * 0.6 to 1 threshold after its last declaration.
   */
  public enum LeaderWatch { PERIOD, LAST_DECLARATION }

  /** Fabric's {@code peer.gossip.election.*} keys. */
  public record Timings(Duration startupGracePeriod, Duration membershipSampleInterval,
      Duration leaderAliveThreshold, Duration leaderElectionDuration) {}

  /** Where the loop is: waiting for a stable view, electing, leading or following. */
  public enum Phase { STABILIZING, ELECTING, LEADING, FOLLOWING }

  private final PkiId self;
  private final LeaderWatch watch;
  private final boolean awaitPeers;
  private final boolean succession;
  private final long sample;
  private final long aliveThreshold;
  private final long electionDuration;
  private final long stabilizeUntil;
  private final Set<PkiId> proposals = new HashSet<>();
  private Set<PkiId> proven = Set.of();
  /** Peers (this one included) far behind the org's highest ledger height: never successors. */
  private Set<PkiId> behind = Set.of();
  /** The leader this peer last followed, or null: the one whose silence starts a succession. */
  private PkiId followedLeader;
  private Phase phase = Phase.STABILIZING;
  private long deadline;
  private int lastViewSize;
  private boolean leaderExists;
  private boolean leader;
  /** Until this peer first leads or follows: its start-up election. */
  private boolean firstElection = true;
  private long yieldingUntil = Long.MIN_VALUE;

  /** Fabric's election. */
  public ElectionState(PkiId self, Timings timings, long nowNanos, int viewSize) {
    this(self, timings, LeaderWatch.PERIOD, false, nowNanos, viewSize);
  }

  /**
   * With {@code awaitPeers}, start-up does not take an empty view for a stable one before
   * startupGracePeriod: peers started together see each other before electing, where Fabric's
   * (two equal samples, 0 included) lets each elect itself while discovery is still under way.
   */
  public ElectionState(PkiId self, Timings timings, LeaderWatch watch, boolean awaitPeers, long nowNanos, int viewSize) {
    this(self, timings, watch, awaitPeers, false, nowNanos, viewSize);
  }

  /** With {@code succession}, the next peer in line takes over a silent leader's term at once. */
  public ElectionState(PkiId self, Timings timings, LeaderWatch watch, boolean awaitPeers, boolean succession,
      long nowNanos, int viewSize) {
    this.self = self;
    this.succession = succession;
    this.watch = watch;
    this.awaitPeers = awaitPeers;
    this.sample = timings.membershipSampleInterval().toNanos();
    this.aliveThreshold = timings.leaderAliveThreshold().toNanos();
    this.electionDuration = timings.leaderElectionDuration().toNanos();
    this.stabilizeUntil = nowNanos + timings.startupGracePeriod().toNanos();
    this.lastViewSize = viewSize;
    this.deadline = nowNanos + sample;
  }

  /** When {@link #onTimer} must be called next. */
  public long deadline() {
    return deadline;
  }

  public boolean isLeader() {
    return leader;
  }

  public Phase phase() {
    return phase;
  }

  /**
   * The least time from the start of an election to leading: two equal view samples, then a
   * whole election. A peer whose own election began later than that after a leader's began came
   * after it could have won.
   */
  public static Duration leastTimeToWin(Timings timings) {
    return timings.membershipSampleInterval().multipliedBy(2).plus(timings.leaderElectionDuration());
  }

  /** Whether the start-up grace period is over at {@code now}. */
  public boolean pastGracePeriod(long now) {
    return now >= stabilizeUntil;
  }

  /** Advances the loop; {@code viewSize} is the number of the org's peers in the channel now, all alive. */
  public List<Action> onTimer(long now, int viewSize) {
    return onTimer(now, viewSize, viewSize);
  }

  /**
   * Advances the loop: {@code viewSize} of the org's peers have proven membership of the channel,
   * of {@code aliveOrgPeers} peers of the org alive in membership.
   */
  public List<Action> onTimer(long now, int viewSize, int aliveOrgPeers) {
    List<Action> actions = new ArrayList<>();
    if (now < deadline) {
      return actions;
    }
    switch (phase) {
      case STABILIZING -> {
        boolean stable = viewSize == lastViewSize && viewSize >= aliveOrgPeers && !(awaitPeers && viewSize == 0);
        if (stable || now >= stabilizeUntil || leaderExists) {
          step(now, actions);
        } else {
          lastViewSize = viewSize;
          deadline = now + sample;
        }
      }
      case ELECTING -> endElection(now, actions);
      case LEADING, FOLLOWING -> step(now, actions);
    }
    return actions;
  }

  /** Another peer of the org proposed itself. */
  public void onProposal(PkiId from) {
    proposals.add(from);
  }

  /** Whether a proposal of ours is out and its election not decided (a newly proven peer is sent it). */
  public boolean isElecting() {
    return phase == Phase.ELECTING;
  }

  /**
   * The org's peers that have proven membership of the channel now. During start-up, an election
   * is not decided while a lower one of them has not proposed: peers that joined together finish
   * discovering each other at different moments, and the first to decide would otherwise lead (and
   * keep leading as incumbent) before the lowest PKI-ID could propose.
   */
  public void provenPeers(Set<PkiId> peers) {
    proven = Set.copyOf(peers);
  }

  /** The org's peers, this one included, that are far behind the highest ledger height among them. */
  public void peersFarBehind(Set<PkiId> peers) {
    behind = Set.copyOf(peers);
  }

  /** Another peer of the org declared itself leader (one that started before us, as Fabric assumes). */
  public List<Action> onDeclaration(PkiId from, long now) {
    return onDeclaration(from, now, false);
  }

  /**
   * Another peer of the org declared itself leader; {@code startedWithUs} when its election began
   * too shortly before ours for it to have won before we could be heard.
   */
  public List<Action> onDeclaration(PkiId from, long now, boolean startedWithUs) {
    List<Action> actions = new ArrayList<>();
    if (firstElection && startedWithUs && !leader && from.compareTo(self) > 0
        && (phase == Phase.STABILIZING || phase == Phase.ELECTING)) {
      return actions; // it won a race we were in: elect on, and it steps down once we declare
    }
    leaderExists = true;
    if (leader && from.compareTo(self) < 0) {
      stopLeading(actions);
    }
    if (!leader) {
      followedLeader = from;
    }
    // A declaration interrupts an election and a leader's wait (Fabric's waitForInterrupt).
    if (phase == Phase.ELECTING) {
      endElection(now, actions);
    } else if (phase == Phase.LEADING) {
      step(now, actions);
    } else if (phase == Phase.FOLLOWING && watch == LeaderWatch.LAST_DECLARATION) {
      yieldingUntil = Long.MIN_VALUE;
      follow(now);
    }
    return actions;
  }

  /** The leader cannot reach the ordering service: step down and let another peer try. */
  public List<Action> yieldLeadership(long now) {
    List<Action> actions = new ArrayList<>();
    if (!leader || yielding(now)) {
      return actions;
    }
    yieldingUntil = now + 6 * aliveThreshold;
    stopLeading(actions);
    leaderExists = false;
    follow(now);
    return actions;
  }

  private void step(long now, List<Action> actions) {
    if (leaderExists) {
      yieldingUntil = Long.MIN_VALUE;
    } else {
      if (yielding(now)) {
        follow(now);
        return;
      }
      if (isSuccessor()) {
        lead(Action.SUCCEEDED_LEADER, now, actions);
        return;
      }
      actions.add(Action.PROPOSE);
      phase = Phase.ELECTING;
      deadline = now + electionDuration;
      return;
    }
    if (leader) {
      actions.add(Action.DECLARE);
      phase = Phase.LEADING;
      deadline = now + (watch == LeaderWatch.PERIOD ? aliveThreshold / 2 : aliveThreshold * 2 / 5);
    } else {
      follow(now);
    }
  }

  private void endElection(long now, List<Action> actions) {
    if (leaderExists) {
      step(now, actions);
      return;
    }
    boolean lowerProposed = proposals.stream().anyMatch(p -> p.compareTo(self) < 0);
    if (yielding(now) || lowerProposed) {
      follow(now);
      return;
    }
    boolean lowerYetToPropose = proven.stream().anyMatch(p -> p.compareTo(self) < 0 && !proposals.contains(p));
    if (now < stabilizeUntil && lowerYetToPropose) {
      deadline = Math.min(stabilizeUntil, now + sample);
      return;
    }
    lead(Action.BECAME_LEADER, now, actions);
  }

  private void lead(Action how, long now, List<Action> actions) {
    leader = true;
    leaderExists = true;
    firstElection = false;
    followedLeader = null;
    actions.add(how);
    step(now, actions);
  }

  /**
   * Whether the leader this peer followed went silent and this peer is next in line: not far
   * behind itself, and no lower proven peer but that leader is either.
   */
  private boolean isSuccessor() {
    if (!succession || followedLeader == null || behind.contains(self)) {
      return false;
    }
    return proven.stream().noneMatch(p -> p.compareTo(self) < 0 && !p.equals(followedLeader) && !behind.contains(p));
  }

  private void follow(long now) {
    firstElection = false;
    proposals.clear();
    leaderExists = false;
    phase = Phase.FOLLOWING;
    deadline = now + aliveThreshold;
  }

  private void stopLeading(List<Action> actions) {
    if (leader) {
      leader = false;
      actions.add(Action.STOPPED_LEADING);
    }
  }

  private boolean yielding(long now) {
    return now < yieldingUntil;
  }
}
