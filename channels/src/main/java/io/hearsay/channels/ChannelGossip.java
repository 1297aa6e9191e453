package io.hearsay.channels;

import com.google.protobuf.ByteString;
import io.hearsay.channels.antientropy.BlocksAhead;
import io.hearsay.channels.antientropy.BufferedBlocks;
import io.hearsay.channels.antientropy.StateServer;
import io.hearsay.channels.antientropy.StateTransfer;
import io.hearsay.channels.common.ArrivalPath;
import io.hearsay.channels.common.ChannelOutbound;
import io.hearsay.channels.common.RejectionSink;
import io.hearsay.channels.committer.Committer;
import io.hearsay.channels.committer.OrdererOrgs;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.election.Delivery;
import io.hearsay.channels.election.Election;
import io.hearsay.channels.election.Leadership;
import io.hearsay.channels.pull.BlockPull;
import io.hearsay.channels.push.BlockPush;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * One channel's gossip at one peer (Fabric's gossip channel together with its state provider): an
 * actor that dispatches the channel's messages and timers to the plain protocol classes and wires
 * them to each other. {@link StateInfoGossip} proves membership and announces heights;
 * {@link BlockPush} passes verified blocks on and {@link BlockPull} fetches what is missing; the
 * {@link Committer} takes blocks in any order and commits them in order to the channel's
 * {@link ChannelLedger} (a child actor); {@link StateTransfer} catches up from the org and
 * {@link StateServer} serves it; {@link Leadership} runs the org leader's deliver client.
 *
 * <p>Isolation: blocks, pull digests and state responses go only to, and are taken only from,
 * peers of this peer's org that have proven membership of the channel (a StateInfo or a StateInfo
 * pull request carrying {@code channel_MAC = SHA-256(pkiId ‖ channel)}); StateInfo goes only to
 * proven members, and before this peer's first channel message to a peer. Blocks are checked on
 * arrival against the orderer orgs of the newest verified config block before them; the ledger
 * checks the chain again before it commits.
 */
public final class ChannelGossip {

  public sealed interface Command permits Inbound, MembersChanged, CommitBlock, GetHeight, GetStatus, Subscribe,
      QueryLedger, InternalCommand {}

  /** A verified message for this channel from {@code from}, whose org is in the channel. */
  public record Inbound(SignedGossipMessage message, PkiId from) implements Command {}

  /**
   * An alive peer of one of the channel's orgs; {@code hearsay} when it understands Hearsay's own
   * messages (Plumtree's IHAVE, GRAFT and PRUNE), false for a Fabric peer, which never gets them.
   */
  public record Member(PkiId pkiId, String mspId, boolean hearsay) {
    /** A Hearsay peer. */
    public Member(PkiId pkiId, String mspId) {
      this(pkiId, mspId, true);
    }
  }

  /** The alive peers of the channel's orgs changed. */
  public record MembersChanged(List<Member> alive) implements Command {}

  /**
   * A block for the channel from its source (the ordering service, through the leader); a refused
   * block is reported to {@code refusals} when given.
   */
  public record CommitBlock(Block block, Optional<ActorRef<Delivery.Refused>> refusals) implements Command {
    public CommitBlock(Block block) {
      this(block, Optional.empty());
    }
  }

  public record GetHeight(ActorRef<ChannelLedger.Height> replyTo) implements Command {}

  /** A read of the channel's ledger (blocks, world state), answered by the ledger itself. */
  public record QueryLedger(ChannelLedger.Query query) implements Command {}

  /** Asks for the channel's {@link ChannelStatus}. */
  public record GetStatus(ActorRef<ChannelStatus> replyTo) implements Command {}

  /** Tells {@code subscriber} of every block payload that arrives and every block committed. */
  public record Subscribe(ActorRef<Event> subscriber) implements Command {}

  /** What a subscriber hears (for measurements and operators). */
  public sealed interface Event permits BlockArrived, BlockCommitted {}

  /** A block payload arrived by {@code how}. */
  public record BlockArrived(String channel, long number, ArrivalPath how) implements Event {}

  public record BlockCommitted(String channel, long number) implements Event {}

  /** What a channel is started with. */
  public record Setup(ChannelConfig config, String ownMspId, EnvelopeSigner signer, EnvelopeVerifier verifier,
      ChannelSettings settings, long incarnation, ChannelOutbound out, Behavior<ChannelLedger.Command> ledger,
      RejectionSink rejections, Leadership.DeliverFactory deliver, ChannelObserver observer) {}

  private sealed interface InternalCommand extends Command permits Tick, Appended, LedgerHeightKnown, RangeRead,
      Outgoing, LeadershipKnown, StatusAnswer, LastConfigKnown, LeaseHeld, OrdererUnreachable, RefreshOrgPeers {}

  /**
   * The org's peers may have changed: looked at once for everything already in the mailbox. A
   * refresh is O(n) in the channel's members, and at start-up every member's first StateInfo
   * asked for one (O(n^2) per peer: 44% of the CPU of 1000 peers starting together); behind a
   * backlog the messages queued first are taken in before one refresh, with none when idle.
   */
  private enum RefreshOrgPeers implements InternalCommand { INSTANCE }

  private enum Tick implements InternalCommand { PULL, DIGEST_DEADLINE, PUBLISH_STATE_INFO, PULL_STATE_INFO, STATE_CHECK,
    EMIT, GRAFT, STATE_TIMEOUT }

  private record Appended(List<Block> run, ChannelLedger.AppendResult result, long startedAt) implements InternalCommand {}

  private record LedgerHeightKnown(ChannelLedger.Height height) implements InternalCommand {}

  private record RangeRead(PkiId requester, long nonce, ChannelLedger.BlockChunk chunk) implements InternalCommand {}

  /** A channel message another of the channel's actors (the election) sends through it. */
  private record Outgoing(PkiId to, Envelope envelope) implements InternalCommand {}

  private record LeadershipKnown(Election.LeadershipChanged change) implements InternalCommand {}

  private record StatusAnswer(ChannelLedger.Height height, ActorRef<ChannelStatus> replyTo) implements InternalCommand {}

  private record LastConfigKnown(Optional<Block> block) implements InternalCommand {}

  /** An elected leader's term {@code term} has lasted its delivery lease: it may deliver. */
  private record LeaseHeld(int term) implements InternalCommand {}

  private enum OrdererUnreachable implements InternalCommand { INSTANCE }

  private final ActorContext<Command> context;
  private final Setup setup;
  private final String channel;
  private final ChannelSettings settings;
  private final ActorRef<ChannelLedger.Command> ledger;
  private final ChannelMembers members;
  private final StateInfoGossip stateInfo;
  private final OperatorView operatorView;
  private final BlockPush push;
  private final BlockPull pull;
  private final Committer committer;
  /** The blocks the committer holds past its height, waiting for an earlier one. */
  private final BufferedBlocks buffered;
  private final CatchUp catchUp;
  private final StateServer server;
  private final BlockIntake intake;
  private final ChannelInbound inbound;
  private final ChannelPorts ports;
  private final List<ActorRef<Event>> subscribers = new ArrayList<>();
  private final TimerScheduler<Command> timers;
  /** Whether a {@link RefreshOrgPeers} is in the mailbox. */
  private boolean refreshPending;
  private Leadership leadership;
  /** When each timer whose deadlines are measured is set to fire (System.nanoTime). */
  private final Map<Tick, Long> wakeAt = new EnumMap<>(Tick.class);

  private ChannelGossip(ActorContext<Command> context, TimerScheduler<Command> timers, Setup setup) {
    this.context = context;
    this.timers = timers;
    this.setup = setup;
    this.channel = setup.config().channelId();
    this.settings = setup.settings();
    context.setLoggerName(ChannelGossip.class);
    this.ledger = context.spawn(setup.ledger(), "ledger");
    context.watch(ledger);
    SplittableRandom random = new SplittableRandom();
    this.ports = new ChannelPorts(setup.out(), setup.signer(), setup.rejections(), new ChannelPorts.Wakers(
        delay -> wakeOnce(Tick.EMIT, delay), delay -> wakeBy(Tick.GRAFT, delay),
        delay -> context.scheduleOnce(delay, context.getSelf(), Tick.DIGEST_DEADLINE),
        delay -> wakeBy(Tick.STATE_TIMEOUT, delay)));
    this.stateInfo = new StateInfoGossip(channel, setup.config().applicationOrgs().stream().map(o -> o.mspId())
        .collect(Collectors.toSet()), setup.signer(), setup.verifier(), setup.incarnation(), settings.stateInfo().gossip(),
        random, ports);
    Leadership.Handover handover = settings.leadership().handover();
    this.members = new ChannelMembers(setup.signer().self().pkiId(), setup.ownMspId(), stateInfo,
        handover.succession() ? handover.successorMaxLag() : -1);
    this.operatorView = new OperatorView(channel, stateInfo);
    this.push = new BlockPush(channel, settings.push(), random, ports);
    this.pull = new BlockPull(channel, settings.pull(), push.store(), setup.verifier(), random, ports);
    this.committer = new Committer(settings.stateTransfer().blockBufferSize(), this::append);
    this.buffered = BufferedBlocks.of(committer::holds, committer::newestHeld);
    BufferedBlocks held = push.isPlumtree() ? buffered : BufferedBlocks.NONE;
    this.catchUp = new CatchUp(channel, new StateTransfer(setup.ownMspId(), settings.stateTransfer().batchSize(),
        settings.stateTransfer().responseTimeout(), settings.stateTransfer().responseTimeoutFloor(),
        settings.stateTransfer().maxRetries(), random,
        settings.stateTransfer().pipeline(), members::isFabricPeer, held), committer,
        new BlocksAhead(settings.stateTransfer().blockBufferSize(), settings.stateTransfer().batchSize(),
            settings.stateTransfer().maxBytesAhead()), stateInfo, ports, push.isPlumtree(),
        settings.stateTransfer().onGap(), settings.push().maxBlockCountToStore());
    this.server = new StateServer(channel, settings.stateTransfer().batchSize(), this::readRange, ports);
    this.intake = new BlockIntake(channel, new OrdererOrgs(setup.config().configBlockNumber(),
        setup.config().ordererOrgs().stream().flatMap(o -> o.msp().stream()).toList()), push, pull, committer,
        settings.push().maxBlockCountToStore(), () -> stateInfo.table().highestHeight(), setup.observer(), setup.rejections(),
        event -> subscribers.forEach(subscriber -> subscriber.tell(event)));
    ports.bind(stateInfo, members, intake);
    this.inbound = new ChannelInbound(channel, members, stateInfo, intake, push, pull, committer, server, catchUp,
        this::toElection, ports, setup.rejections(), this::orgPeersMayHaveChanged);
  }

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      ChannelGossip gossip = new ChannelGossip(context, timers, setup);
      gossip.start();
      return gossip.behavior();
    }));
  }

  private void start() {
    timers.startTimerWithFixedDelay(Tick.PULL, settings.pull().roundInterval());
    timers.startTimerWithFixedDelay(Tick.PUBLISH_STATE_INFO, settings.stateInfo().publishInterval());
    timers.startTimerWithFixedDelay(Tick.PULL_STATE_INFO, settings.stateInfo().requestInterval());
    timers.startTimerWithFixedDelay(Tick.STATE_CHECK, settings.stateTransfer().checkInterval());
    ledger.tell(new ChannelLedger.GetHeight(context.messageAdapter(ChannelLedger.Height.class, LedgerHeightKnown::new)));
    // After a restart the ledger may hold config blocks newer than the genesis (orderer rotations).
    context.ask(ChannelLedger.LastConfigBlock.class, ledger, settings.ledgerTimeout(), ChannelLedger.GetLastConfigBlock::new,
        (last, failure) -> new LastConfigKnown(last == null ? Optional.empty() : last.block()));
    ActorRef<Command> self = context.getSelf();
    leadership = Leadership.start(ChannelLeadership.hooks(context, LeaseHeld::new),
        ChannelLeadership.delivery(self, OrdererUnreachable.INSTANCE),
        settings.leadership(), setup.deliver(), new Election.Setup(channel, setup.signer(), settings.leadership().timings(),
            settings.leadership().handover(), (to, envelope) -> self.tell(new Outgoing(to, envelope)),
            context.messageAdapter(Election.LeadershipChanged.class, LeadershipKnown::new), setup.rejections()));
    if (leadership.isLeader()) {
      setup.observer().leadershipChanged(channel, true);
    }
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Inbound.class, in -> same(() -> inbound.on(in.message(), in.from(), System.nanoTime())))
        .onMessage(MembersChanged.class, m -> same(() -> {
          members.alive(m.alive());
          orgPeersMayHaveChanged();
        }))
        .onMessage(RefreshOrgPeers.class, r -> same(() -> {
          refreshPending = false;
          refreshOrgPeers();
        }))
        .onMessage(CommitBlock.class, c -> same(() -> intake.fromSource(c.block(), c.refusals())))
        .onMessage(Subscribe.class, s -> same(() -> {
          subscribers.add(s.subscriber());
          // A subscriber that stops (a finished block stream) is forgotten, not fed forever.
          context.watch(s.subscriber());
        }))
        .onMessage(QueryLedger.class, q -> same(() -> ledger.tell(q.query())))
        .onMessage(GetHeight.class, g -> same(() -> ledger.tell(new ChannelLedger.GetHeight(g.replyTo()))))
        .onMessage(GetStatus.class, g -> same(() -> context.ask(ChannelLedger.Height.class, ledger, settings.ledgerTimeout(),
            ChannelLedger.GetHeight::new, (h, failure) -> new StatusAnswer(h != null ? h
                : new ChannelLedger.Height(-1, ByteString.EMPTY), g.replyTo()))))
        .onMessage(StatusAnswer.class, a -> same(() -> a.replyTo().tell(operatorView.status(a.height(),
            leadership.isLeader(), leadership.isDelivering()))))
        .onMessage(LeaseHeld.class, l -> same(() -> leadership.startDelivering(l.term())))
        .onMessage(OrdererUnreachable.class, o -> same(leadership::ordererUnreachable))
        .onMessage(Outgoing.class, o -> same(() -> ports.deliver(o.to(), o.envelope())))
        .onMessage(LeadershipKnown.class, l -> same(() -> {
          leadership.changed(l.change().leader(), l.change().atOnce());
          setup.observer().leadershipChanged(channel, l.change().leader());
        }))
        .onMessage(LedgerHeightKnown.class, h -> same(() -> {
          committer.heightKnown(h.height().height());
          stateInfo.heightKnown(h.height().height());
        }))
        .onMessage(LastConfigKnown.class, l -> same(() -> l.block().ifPresent(intake::lastConfigBlock)))
        .onMessage(Appended.class, a -> same(() -> onAppended(a)))
        .onMessage(RangeRead.class, r -> same(() -> server.onChunk(r.requester(), r.nonce(), r.chunk().blocks(),
            r.chunk().last())))
        .onMessage(Tick.class, tick -> same(() -> onTick(tick)))
        // A subscriber that stopped is forgotten; any other actor watched is one the channel runs on.
        .onSignal(Terminated.class, stopped -> subscribers.removeIf(s -> s.equals(stopped.getRef())) ? Behaviors.same()
            : ChannelFailure.stopped(context, channel, stopped, timers, leadership, setup.observer(), setup.rejections()))
        .build();
  }

  /** A leadership message of an org peer: to the election, and a declaration noted for the status. */
  private void toElection(Election.Inbound in) {
    if (in.message().message().getLeadershipMsg().getIsDeclaration()) {
      operatorView.declared(in.from(), System.currentTimeMillis());
    }
    leadership.inbound(in);
  }

  private void wakeOnce(Tick tick, Duration delay) {
    if (!timers.isTimerActive(tick)) {
      timers.startSingleTimer(tick, delay);
    }
  }

  /**
   * A timer for Plumtree's grafts or state requests' timeouts: their waits are measured, so a new
   * deadline may come before the one set, which is then moved earlier.
   */
  private void wakeBy(Tick tick, Duration delay) {
    long at = System.nanoTime() + delay.toNanos();
    if (!timers.isTimerActive(tick) || at < wakeAt.getOrDefault(tick, Long.MAX_VALUE)) {
      wakeAt.put(tick, at);
      timers.startSingleTimer(tick, delay);
    }
  }

  private void reject(Rejection rejection, Object from) {
    setup.rejections().reject(rejection, String.valueOf(from));
  }

  private static Behavior<Command> same(Runnable handler) {
    handler.run();
    return Behaviors.same();
  }

  // ---- blocks ----

  /** The committer's port: a run of blocks to the ledger, one append at a time. */
  private void append(List<Block> run) {
    long startedAt = System.nanoTime();
    context.ask(ChannelLedger.AppendResult.class, ledger, settings.ledgerTimeout(),
        replyTo -> new ChannelLedger.AppendBlocks(run, replyTo),
        (result, failure) -> new Appended(run, result != null ? result : new ChannelLedger.Rejected(
            Rejection.of(RejectionReason.MALFORMED_BLOCK, "ledger did not answer: %s", failure)), startedAt));
  }

  private void onAppended(Appended appended) {
    boolean committed = !(appended.result() instanceof ChannelLedger.Rejected);
    if (!committed) {
      reject(((ChannelLedger.Rejected) appended.result()).rejection(), "ledger of " + channel);
    }
    committer.appended(appended.run(), committed);
    if (committed) {
      setup.observer().blocksCommitted(channel, appended.run().size(), System.nanoTime() - appended.startedAt());
      intake.committed(appended.run());
      operatorView.committed(appended.run(), committer.height(), System.currentTimeMillis());
      stateInfo.heightKnown(committer.height());
      catchUp.progressed(System.nanoTime());
      orgPeersMayHaveChanged();
    }
  }

  /** The ledger port of state serving: a range read in chunks, each handed back tagged with its request. */
  private void readRange(long start, long end, int maxBlocks, PkiId requester, long nonce) {
    ledger.tell(new ChannelLedger.ReadRange(start, end, maxBlocks, context.spawnAnonymous(
        ChannelLedger.forwardChunks(context.getSelf(), chunk -> new RangeRead(requester, nonce, chunk)))));
  }

  // ---- periodic ----

  private void onTick(Tick tick) {
    long now = System.nanoTime();
    long height = committer.height();
    switch (tick) {
      case PULL -> pull.round(Math.max(height, 0), now);
      case DIGEST_DEADLINE -> pull.digestsDue(Math.max(height, 0), now);
      case PUBLISH_STATE_INFO -> stateInfo.publish(height, now);
      case PULL_STATE_INFO -> {
        if (stateInfo.antiEntropyDue(now, buffered.gapAt(height) ? height : -1)) {
          stateInfo.antiEntropyRound(settings.pull().pullPeerNum());
        }
      }
      case STATE_CHECK -> catchUp.periodicCheck(now);
      case STATE_TIMEOUT -> catchUp.timeoutsDue(now);
      case GRAFT -> push.graftsDue(Math.max(height, 0));
      case EMIT -> push.emitDue();
    }
  }

  // ---- the org's peers ----

  private void orgPeersMayHaveChanged() {
    if (!refreshPending) {
      refreshPending = true;
      context.getSelf().tell(RefreshOrgPeers.INSTANCE);
    }
  }

  /** Tells the election and the push tree when the org's peers in the channel changed. */
  private void refreshOrgPeers() {
    operatorView.heightsChanged(committer.height(), System.currentTimeMillis());
    members.refresh(committer.height()).ifPresent(peers -> {
      leadership.peers(peers.proven(), peers.aliveOfOrg(), peers.farBehind());
      if (peers.provenChanged()) {
        push.members(peers.provenHearsay());
      }
    });
  }
}
