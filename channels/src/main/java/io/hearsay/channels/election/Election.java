package io.hearsay.channels.election;

import io.hearsay.channels.common.ChannelOutbound;
import io.hearsay.channels.common.RejectionSink;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.LeadershipMessage;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * The adapter between {@link ElectionState} and the channel: it signs and sends proposals and
 * declarations to the org's peers in the channel, feeds it their leadership messages (refusing
 * replayed or stale ones), wakes it at its deadlines and tells the channel when leadership changes.
 */
public final class Election {

  public sealed interface Command permits Peers, Inbound, YieldLeadership, InternalCommand {}

  private sealed interface InternalCommand extends Command permits Tick {}

  /**
   * The org's peers that are alive and proven members of the channel, how many of the org's peers
   * are alive (proven or not yet), and which of them (this peer included) are far behind the
   * highest ledger height among them (never a leader's successor).
   */
  public record Peers(List<PkiId> peers, int aliveOrgPeers, Set<PkiId> farBehind) implements Command {
    public Peers(List<PkiId> peers, int aliveOrgPeers) {
      this(peers, aliveOrgPeers, Set.of());
    }
  }

  /** A verified leadership message from a peer of this peer's org in the channel. */
  public record Inbound(SignedGossipMessage message, PkiId from) implements Command {}

  /** The ordering service is unreachable: step down for a while. */
  public enum YieldLeadership implements Command { INSTANCE }

  private enum Tick implements InternalCommand { INSTANCE }

  /**
   * What the channel hears; {@code atOnce} when this peer took over a silent leader's term as its
   * successor, so that no other peer claims it and the lease is not waited.
   */
  public record LeadershipChanged(boolean leader, boolean atOnce) {
    public LeadershipChanged(boolean leader) {
      this(leader, false);
    }
  }

  /** What an election is started with. */
  public record Setup(String channel, EnvelopeSigner signer, ElectionState.Timings timings,
      Leadership.Handover handover, ChannelOutbound out, ActorRef<LeadershipChanged> listener, RejectionSink rejections) {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Setup setup;
  private final ElectionState state;
  private final Map<PkiId, PeerTime> lastHeard = new HashMap<>();
  /**
   * When this channel's election began, by the wall clock: the incNum of our leadership messages,
   * as Fabric's election adapter stamps them, so that peers can tell who started with whom.
   */
  private final long startedAt;
  private List<PkiId> peers = List.of();
  private int aliveOrgPeers;
  /** Our proposal of the election under way, sent also to peers proven while it lasts. */
  private Envelope proposal;
  private long sequence;

  private Election(ActorContext<Command> context, TimerScheduler<Command> timers, Setup setup) {
    this.context = context;
    context.setLoggerName(Election.class);
    this.timers = timers;
    this.setup = setup;
    Instant now = Instant.now();
    this.startedAt = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    this.state = new ElectionState(setup.signer().self().pkiId(), setup.timings(), setup.handover().watch(),
        setup.handover().awaitPeersAtStart(), setup.handover().succession(), System.nanoTime(), 0);
  }

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Election election = new Election(context, timers, setup);
      election.schedule();
      return election.behavior();
    }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Peers.class, p -> {
          List<PkiId> before = peers;
          peers = List.copyOf(p.peers());
          aliveOrgPeers = p.aliveOrgPeers();
          state.provenPeers(Set.copyOf(peers));
          state.peersFarBehind(p.farBehind());
          if (state.isElecting() && proposal != null) {
            peers.stream().filter(peer -> !before.contains(peer))
                .forEach(peer -> setup.out().send(peer, proposal));
          }
          return Behaviors.same();
        })
        .onMessage(Inbound.class, in -> {
          onLeadership(in.message().message().getLeadershipMsg(), in.from());
          return Behaviors.same();
        })
        .onMessage(YieldLeadership.class, y -> {
          apply(state.yieldLeadership(System.nanoTime()));
          return Behaviors.same();
        })
        .onMessage(Tick.class, t -> {
          long now = System.nanoTime();
          ElectionState.Phase before = state.phase();
          apply(state.onTimer(now, peers.size(), aliveOrgPeers));
          if (before != state.phase() && context.getLog().isDebugEnabled()) {
            context.getLog().debug("channel {}: {} -> {} ({} proven of {} alive{})", setup.channel(), before, state.phase(),
                peers.size(), aliveOrgPeers, state.pastGracePeriod(now) ? ", past the start-up grace period" : "");
          }
          return Behaviors.same();
        })
        .build();
  }

  private void onLeadership(LeadershipMessage message, PkiId from) {
    PkiId author = PkiId.fromBytes(message.getPkiId());
    if (!author.equals(from)) {
      reject(Rejection.of(RejectionReason.SPOOFED_SENDER, "leadership message of %s relayed by %s", author, from), from);
      return;
    }
    PeerTime previous = lastHeard.get(from);
    if (previous != null && !PeerTimes.isNewer(message.getTimestamp(), previous)) {
      reject(Rejection.of(RejectionReason.STALE_MESSAGE, "leadership message from %s is not newer than %s/%s",
          from, previous.getIncNum(), previous.getSeqNum()), from);
      return;
    }
    lastHeard.put(from, message.getTimestamp());
    if (context.getLog().isDebugEnabled()) {
      context.getLog().debug("channel {}: {} from {}", setup.channel(), message.getIsDeclaration() ? "declaration" : "proposal",
          from);
    }
    if (message.getIsDeclaration()) {
      boolean startedWithUs = startedAt < message.getTimestamp().getIncNum()
          + ElectionState.leastTimeToWin(setup.timings()).toNanos();
      apply(state.onDeclaration(from, System.nanoTime(), startedWithUs));
    } else {
      state.onProposal(from);
    }
  }

  private void apply(List<ElectionState.Action> actions) {
    for (ElectionState.Action action : actions) {
      if (context.getLog().isDebugEnabled()) {
        context.getLog().debug("channel {}: {} with {} proven of {} alive peers of the org", setup.channel(), action,
            peers.size(), aliveOrgPeers);
      }
      switch (action) {
        case PROPOSE -> broadcast(false);
        case DECLARE -> broadcast(true);
        case BECAME_LEADER -> {
          context.getLog().info("channel {}: this peer is now its org's leader", setup.channel());
          setup.listener().tell(new LeadershipChanged(true));
        }
        case SUCCEEDED_LEADER -> {
          context.getLog().info("channel {}: this peer is now its org's leader, next in line after a silent leader",
              setup.channel());
          setup.listener().tell(new LeadershipChanged(true, true));
        }
        case STOPPED_LEADING -> {
          context.getLog().info("channel {}: this peer is no longer its org's leader", setup.channel());
          setup.listener().tell(new LeadershipChanged(false));
        }
      }
    }
    schedule();
  }

  private void broadcast(boolean declaration) {
    var envelope = setup.signer().sign(GossipMessages.leadership(setup.signer().self().pkiId(), setup.channel(),
        PeerTimes.of(startedAt, ++sequence), declaration)).envelope();
    proposal = declaration ? null : envelope;
    peers.forEach(peer -> setup.out().send(peer, envelope));
  }

  private void schedule() {
    long delay = Math.max(0, state.deadline() - System.nanoTime());
    timers.startSingleTimer(Tick.INSTANCE, Duration.ofNanos(delay));
  }

  private void reject(Rejection rejection, PkiId from) {
    setup.rejections().reject(rejection, String.valueOf(from));
  }
}
