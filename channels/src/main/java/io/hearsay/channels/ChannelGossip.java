package io.hearsay.channels;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.channels.antientropy.StateTransfer;
import io.hearsay.channels.committer.OrdererOrgs;
import io.hearsay.channels.committer.ReorderBuffer;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.election.Election;
import io.hearsay.channels.election.Leadership;
import io.hearsay.channels.pull.BlockDigests;
import io.hearsay.channels.pull.PullMediator;
import io.hearsay.channels.pull.TargetedPull;
import io.hearsay.channels.push.BlockPush;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.channels.stateinfo.StateInfoTable;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.Payload;

/**
 * One channel's gossip at one peer, driving the plain protocol classes: StateInfo publish and
 * pull ({@link StateInfoGossip}), passing verified blocks on to same-org members ({@link BlockPush}:
 * Fabric's push or Plumtree), the 4-phase pull ({@link PullMediator}, with {@link TargetedPull}
 * deciding rounds in the hearsay profile), anti-entropy state
 * transfer ({@link StateTransfer}) and the committer ({@link ReorderBuffer} in front of the
 * channel's {@link ChannelLedger}, a child actor).
 *
 * <p>Isolation: blocks, pull digests and state responses go only to, and are taken only from,
 * peers of this peer's org that have proven membership of the channel (a StateInfo or a
 * StateInfo pull request carrying {@code channel_MAC = SHA-256(pkiId ‖ channel)}); StateInfo goes
 * only to proven members. Only verified blocks are forwarded: as Fabric does, a block from the
 * source or a first copy by push is passed on as soon as its data hash and orderer signature
 * check out, before earlier blocks arrived and before the ledger committed it (which checks the
 * chain again). Blocks obtained by pull or state transfer are offered to pull after commit; the
 * hearsay profile also passes them down its tree.
 */
public final class ChannelGossip {

  public sealed interface Command permits Inbound, MembersChanged, CommitBlock, GetHeight, GetStatus, Subscribe,
      OrdererUnreachable, Tick, Appended, LedgerHeightKnown, RangeRead, ElectionOut, LeadershipKnown, StatusAnswer,
      LeaseHeld, LastConfigKnown {}

  /** A verified message for this channel from {@code from}, whose org is in the channel. */
  public record Inbound(SignedGossipMessage message, PkiId from) implements Command {}

  /** An alive peer of one of the channel's orgs. */
  public record Member(PkiId pkiId, String mspId) {}

  /** The alive peers of the channel's orgs changed. */
  public record MembersChanged(List<Member> alive) implements Command {}

  /** A block for the channel from its source (the ordering service, through the leader). */
  public record CommitBlock(Block block) implements Command {}

  public record GetHeight(ActorRef<ChannelLedger.Height> replyTo) implements Command {}

  /** Asks for the channel's {@link Status}. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * The channel as its operator sees it at this peer; {@code failure} says why it does not run
   * (its ledger stopped or could not open), empty while it runs.
   */
  public record Status(String channel, long height, ByteString tipHash, boolean leader, boolean delivering,
      Optional<String> failure) {
    public Status(String channel, long height, ByteString tipHash, boolean leader, boolean delivering) {
      this(channel, height, tipHash, leader, delivering, Optional.empty());
    }

    /** A channel that does not run, and why. */
    public static Status failed(String channel, String why) {
      return new Status(channel, -1, ByteString.EMPTY, false, false, Optional.of(why));
    }
  }

  /** An elected leader's term {@code term} has lasted one declaration interval: it may deliver. */
  public record LeaseHeld(int term) implements Command {}

  /** The leader's deliver client cannot reach the ordering service (an elected leader yields). */
  public enum OrdererUnreachable implements Command { INSTANCE }

  /** Tells {@code subscriber} of every block payload that arrives and every block committed. */
  public record Subscribe(ActorRef<Event> subscriber) implements Command {}

  /** What a subscriber hears (for measurements and operators). */
  public sealed interface Event permits BlockArrived, BlockCommitted {}

  /** A block payload arrived by {@code how} (push, pull, state transfer, source). */
  public record BlockArrived(String channel, long number, String how) implements Event {}

  public record BlockCommitted(String channel, long number) implements Event {}

  /** What the channel asks its peer to send. */
  public record Send(PkiId to, Envelope envelope) {}

  private enum Tick implements Command { PULL, DIGEST_DEADLINE, PUBLISH_STATE_INFO, PULL_STATE_INFO, STATE_CHECK, EMIT, GRAFT }

  private record Appended(List<Block> blocks, ChannelLedger.AppendResult result, long startedAt) implements Command {}

  private record LedgerHeightKnown(ChannelLedger.Height height) implements Command {}

  private record RangeRead(PkiId requester, long nonce, ChannelLedger.BlockChunk chunk) implements Command {}

  private record ElectionOut(Send send) implements Command {}

  private record LeadershipKnown(Election.LeadershipChanged change) implements Command {}

  private record StatusAnswer(ChannelLedger.Height height, ActorRef<Status> replyTo) implements Command {}

  private record LastConfigKnown(Optional<Block> block) implements Command {}

  /** What a channel is started with. */
  public record Setup(ChannelConfig config, String ownMspId, EnvelopeSigner signer, EnvelopeVerifier verifier,
      ChannelSettings settings, long incarnation, ActorRef<Send> out, Behavior<ChannelLedger.Command> ledger,
      RejectionSink rejections, Leadership.Settings leadership, Leadership.DeliverFactory deliver,
      ChannelObserver observer) {}

  private final ActorContext<Command> context;
  private final Setup setup;
  private final String channel;
  private final ActorRef<ChannelLedger.Command> ledger;
  private final StateInfoGossip stateInfo;
  private final ReorderBuffer buffer;
  private final BlockPush push;
  private final PullMediator pull;
  private final Optional<TargetedPull> targetedPull;
  private final StateTransfer transfer;
  /** Who signs the channel's blocks, as the newest verified config block before each says. */
  private final OrdererOrgs ordererOrgs;
  private TimerScheduler<Command> timers;
  private Leadership leadership;
  private List<PkiId> orgPeers = List.of();
  private int aliveOrgPeers;
  private final SplittableRandom random = new SplittableRandom();
  private final List<ActorRef<Event>> subscribers = new ArrayList<>();
  /** Chunks of ranges being read for state requests, per request nonce (several may interleave). */
  private final java.util.Map<Long, List<Block>> pendingRanges = new java.util.HashMap<>();
  private List<Member> alive = List.of();
  private long height = -1;
  private List<Block> appending = List.of();
  /** The height the last state check found advertised; windows follow one another up to it. */
  private long catchUpTo = -1;
  private long heightAtLastCheck = -1;
  /**
   * Blocks from the channel's source, which must not be lost: unlike gossip, they wait here
   * until the reorder buffer has room for them (Fabric's deliver client blocks likewise).
   */
  private final java.util.ArrayDeque<Block> fromSource = new java.util.ArrayDeque<>();

  private ChannelGossip(ActorContext<Command> context, Setup setup) {
    this.context = context;
    this.setup = setup;
    this.channel = setup.config().channelId();
    ChannelSettings s = setup.settings();
    context.setLoggerName(ChannelGossip.class);
    this.ledger = context.spawn(setup.ledger(), "ledger");
    context.watch(ledger);
    this.stateInfo = new StateInfoGossip(channel, setup.config().applicationOrgs().stream()
        .map(o -> o.mspId()).collect(Collectors.toSet()), setup.signer(), setup.verifier(), setup.incarnation(),
        s.stateInfo(), random, new StateInfoOutbox());
    this.buffer = new ReorderBuffer(s.blockBufferSize());
    this.pull = new PullMediator(s.digestWaitTime(), s.requestWaitTime(), s.responseWaitTime(), random);
    this.targetedPull = s.targetedPull().map(interval -> new TargetedPull());
    this.push = new BlockPush(channel, setup.signer(), s.propagatePeerNum(), s.propagateIterations(),
        s.maxPropagationBurstSize(), s.maxPropagationBurstLatency(), s.maxBlockCountToStore(), s.plumtree(), random,
        new PushOutbox());
    this.ordererOrgs = new OrdererOrgs(setup.config().configBlockNumber(),
        setup.config().ordererOrgs().stream().flatMap(o -> o.msp().stream()).toList());
    this.transfer = new StateTransfer(setup.ownMspId(), s.stateBatchSize(), s.stateResponseTimeout(), s.stateMaxRetries(),
        random, s.statePipeline());
  }

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      ChannelGossip gossip = new ChannelGossip(context, setup);
      gossip.start(timers);
      return gossip.behavior();
    }));
  }

  private void start(TimerScheduler<Command> timers) {
    this.timers = timers;
    ChannelSettings s = setup.settings();
    timers.startTimerWithFixedDelay(Tick.PULL, s.targetedPull().orElse(s.pullInterval()));
    timers.startTimerWithFixedDelay(Tick.PUBLISH_STATE_INFO, s.publishStateInfoInterval());
    timers.startTimerWithFixedDelay(Tick.PULL_STATE_INFO, s.requestStateInfoInterval());
    timers.startTimerWithFixedDelay(Tick.STATE_CHECK, s.stateCheckInterval());
    ledger.tell(new ChannelLedger.GetHeight(context.messageAdapter(ChannelLedger.Height.class, LedgerHeightKnown::new)));
    // After a restart the ledger may hold config blocks newer than the genesis (orderer rotations).
    context.ask(ChannelLedger.LastConfigBlock.class, ledger, java.time.Duration.ofSeconds(10),
        ChannelLedger.GetLastConfigBlock::new,
        (last, failure) -> new LastConfigKnown(last == null ? Optional.empty() : last.block()));
    leadership = Leadership.start(context, setup.leadership(), setup.deliver(), new Election.Setup(channel,
        setup.signer(), setup.leadership().timings(), setup.leadership().handover(),
        context.messageAdapter(Send.class, ElectionOut::new),
        context.messageAdapter(Election.LeadershipChanged.class, LeadershipKnown::new), setup.rejections()));
    if (leadership.isLeader()) {
      setup.observer().leadershipChanged(channel, true);
    }
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Inbound.class, in -> {
          onInbound(in.message(), in.from());
          return Behaviors.same();
        })
        .onMessage(MembersChanged.class, m -> {
          alive = List.copyOf(m.alive());
          Set<PkiId> ids = alive.stream().map(Member::pkiId).collect(Collectors.toSet());
          stateInfo.membersChanged(ids);
          refreshOrgPeers();
          return Behaviors.same();
        })
        .onMessage(LastConfigKnown.class, l -> {
          l.block().ifPresent(ordererOrgs::verified);
          return Behaviors.same();
        })
        .onMessage(CommitBlock.class, c -> {
          Optional<Rejection> refused = c.block().getHeader().getNumber() == 0 ? Optional.empty() : checkOnArrival(c.block());
          if (refused.isPresent()) {
            reject(refused.get(), "the channel's source");
            return Behaviors.same();
          }
          if (c.block().getHeader().getNumber() > 0) {
            push.forward(c.block());
          }
          fromSource.add(c.block());
          tryCommit();
          return Behaviors.same();
        })
        .onMessage(Subscribe.class, sub -> {
          subscribers.add(sub.subscriber());
          return Behaviors.same();
        })
        .onMessage(GetHeight.class, g -> {
          ledger.tell(new ChannelLedger.GetHeight(g.replyTo()));
          return Behaviors.same();
        })
        .onMessage(GetStatus.class, g -> {
          // ask, not a message adapter: an adapter is one per class and would replace the one above.
          context.ask(ChannelLedger.Height.class, ledger, java.time.Duration.ofSeconds(10), ChannelLedger.GetHeight::new,
              (h, failure) -> new StatusAnswer(h != null ? h : new ChannelLedger.Height(-1, ByteString.EMPTY), g.replyTo()));
          return Behaviors.same();
        })
        .onMessage(StatusAnswer.class, a -> {
          a.replyTo().tell(new Status(channel, a.height().height(), a.height().tipHash(), leadership.isLeader(),
              leadership.isDelivering()));
          return Behaviors.same();
        })
        .onMessage(LeaseHeld.class, l -> {
          leadership.startDelivering(l.term());
          return Behaviors.same();
        })
        .onMessage(OrdererUnreachable.class, o -> {
          leadership.ordererUnreachable();
          return Behaviors.same();
        })
        .onMessage(ElectionOut.class, o -> {
          deliver(o.send().to(), o.send().envelope());
          return Behaviors.same();
        })
        .onMessage(LeadershipKnown.class, l -> {
          leadership.changed(l.change().leader());
          setup.observer().leadershipChanged(channel, l.change().leader());
          return Behaviors.same();
        })
        .onMessage(LedgerHeightKnown.class, h -> {
          height = h.height().height();
          stateInfo.heightKnown(height);
          tryCommit();
          return Behaviors.same();
        })
        .onMessage(Appended.class, this::onAppended)
        .onMessage(RangeRead.class, this::onRangeRead)
        .onMessage(Tick.class, tick -> {
          onTick(tick);
          return Behaviors.same();
        })
        .onSignal(org.apache.pekko.actor.typed.Terminated.class, stopped -> ledgerStopped(stopped))
        .build();
  }

  /**
   * The ledger stopped (a journal failure, a store that cannot be read): the channel stops too,
   * never silently. It stops publishing StateInfo (so its org stops taking it for a member that
   * can serve blocks), stops leading and delivering, refuses every message for the channel with
   * LEDGER_NOT_RUNNING, and reports itself failed with the reason.
   */
  private Behavior<Command> ledgerStopped(org.apache.pekko.actor.typed.Terminated stopped) {
    String why = "its ledger stopped" + (stopped instanceof org.apache.pekko.actor.typed.ChildFailed failed
        ? ": " + failed.getCause() : "");
    context.getLog().error("channel {} stopped: {}", channel, why);
    timers.cancelAll();
    leadership.changed(false);
    leadership.stopElection();
    setup.observer().channelFailed(channel, why);
    return Behaviors.receive(Command.class)
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(Status.failed(channel, why));
          return Behaviors.same();
        })
        .onMessage(GetHeight.class, g -> {
          g.replyTo().tell(new ChannelLedger.Height(-1, ByteString.EMPTY));
          return Behaviors.same();
        })
        .onMessage(Inbound.class, in -> {
          reject(Rejection.of(RejectionReason.LEDGER_NOT_RUNNING, "%s for channel %s, whose ledger is not running: %s",
              in.message().message().getContentCase(), channel, why), in.from());
          return Behaviors.same();
        })
        .onMessage(CommitBlock.class, c -> {
          reject(Rejection.of(RejectionReason.LEDGER_NOT_RUNNING, "block %d for channel %s, whose ledger is not running",
              c.block().getHeader().getNumber(), channel), "the channel's source");
          return Behaviors.same();
        })
        .onAnyMessage(other -> Behaviors.same())
        .build();
  }

  // ---- inbound ----

  private void onInbound(SignedGossipMessage message, PkiId from) {
    GossipMessage m = message.message();
    switch (m.getContentCase()) {
      // Only these three can prove membership, so only they can change the election's peers.
      case STATE_INFO -> {
        stateInfo.onStateInfo(message, from);
        refreshOrgPeers();
      }
      case STATE_INFO_PULL_REQ -> {
        stateInfo.onPullRequest(m, from).ifPresent(snapshot -> send(from, snapshot));
        refreshOrgPeers();
      }
      case STATE_SNAPSHOT -> {
        stateInfo.onSnapshot(m.getStateSnapshot().getElementsList(), from);
        refreshOrgPeers();
      }
      case DATA_MSG -> {
        if (isOrgMember(from, "block")) {
          block(m.getDataMsg().getPayload(), from).ifPresent(b -> receive(b, "push", from));
        }
      }
      case DATA_DIG, DATA_REQ -> {
        try {
          onDigestOrRequest(m, from);
        } catch (BlockDigests.BadDigest bad) {
          reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "%s from %s: %s", m.getContentCase(), from,
              bad.getMessage()), from);
        }
      }
      case HELLO -> {
        if (isOrgMember(from, "pull hello")) {
          var digest = pull.onHello(from, m.getHello().getNonce(), push.store().digest(), System.nanoTime());
          send(from, GossipMessages.digest(channel, digest.nonce(), m.getHello().getMetadata().equals(BlockDigests.RANGES)
              ? BlockDigests.ranges(digest.items()) : BlockDigests.list(digest.items())));
        }
      }
      case DATA_UPDATE -> onPullResponse(m, from);
      case STATE_REQUEST -> onStateRequest(m, from);
      case LEADERSHIP_MSG -> {
        if (isOrgMember(from, "leadership message")) {
          leadership.inbound(new Election.Inbound(message, from));
        }
      }
      case STATE_RESPONSE -> {
        if (!transfer.onResponse(from, m.getNonce())) {
          reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL, "state response from %s answers no request of ours", from), from);
          return;
        }
        m.getStateResponse().getPayloadsList().forEach(p -> block(p, from).ifPresent(b -> receive(b, "state", from)));
        // As Fabric's state provider: the next window is asked for once this one is buffered.
        if (height >= 0 && height < catchUpTo) {
          requestWindows();
        }
      }
      default -> reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "%s is not a channel message",
          m.getContentCase()), from);
    }
  }

  /** Plumtree's IHAVE/GRAFT/PRUNE, or a pull digest or request. */
  private void onDigestOrRequest(GossipMessage m, PkiId from) {
    if (GossipMessages.isLazyPush(m)) {
      if (isOrgMember(from, "lazy push")) {
        push.onLazyPush(m, from, Math.max(height, 0));
      }
    } else if (m.hasDataDig()) {
      pull.onDigest(from, m.getDataDig().getNonce(), BlockDigests.numbers(m.getDataDig().getDigestsList()),
          System.nanoTime());
    } else {
      onPullRequest(m, from);
    }
  }

  private void onPullRequest(GossipMessage m, PkiId from) {
    if (!isOrgMember(from, "pull request")) {
      return;
    }
    if (!pull.acceptRequest(from, m.getDataReq().getNonce(), System.nanoTime())) {
      reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL, "pull request from %s with a nonce we did not answer", from), from);
      return;
    }
    List<Envelope> blocks = new ArrayList<>();
    for (long number : BlockDigests.numbers(m.getDataReq().getDigestsList())) {
      push.store().get(number).ifPresent(blocks::add);
    }
    send(from, GossipMessages.update(channel, m.getDataReq().getNonce(), blocks));
  }

  private void onPullResponse(GossipMessage m, PkiId from) {
    if (!pull.acceptResponse(from, m.getDataUpdate().getNonce(), System.nanoTime())) {
      reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL, "pull response from %s with a nonce we did not send", from), from);
      return;
    }
    for (Envelope envelope : m.getDataUpdate().getDataList()) {
      Verdict<SignedGossipMessage> verdict = setup.verifier().verify(envelope, Optional.of(from), Instant.now());
      if (!verdict.isAccepted() || !verdict.value().message().hasDataMsg()) {
        reject(verdict.isAccepted() ? Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "pull response holds a %s",
            verdict.value().message().getContentCase()) : verdict.rejection(), from);
        continue;
      }
      block(verdict.value().message().getDataMsg().getPayload(), from).ifPresent(b -> receive(b, "pull", from));
    }
  }

  private void onStateRequest(GossipMessage m, PkiId from) {
    long start = m.getStateRequest().getStartSeqNum();
    long end = m.getStateRequest().getEndSeqNum();
    Optional<Rejection> refused = transfer.checkRequest(from, start, end, isMemberOfOwnOrg(from));
    if (refused.isPresent()) {
      reject(refused.get(), from);
      return;
    }
    long nonce = m.getNonce();
    ledger.tell(new ChannelLedger.ReadRange(start, end, setup.settings().stateBatchSize(),
        context.spawnAnonymous(ChannelLedger.forwardChunks(context.getSelf(), chunk -> new RangeRead(from, nonce, chunk)))));
  }

  private Behavior<Command> onRangeRead(RangeRead read) {
    List<Block> blocks = pendingRanges.computeIfAbsent(read.nonce(), k -> new ArrayList<>());
    blocks.addAll(read.chunk().blocks());
    if (read.chunk().last()) {
      pendingRanges.remove(read.nonce());
      List<Payload> payloads = blocks.stream().map(b -> Payload.newBuilder()
          .setSeqNum(b.getHeader().getNumber()).setData(b.toByteString()).build()).toList();
      send(read.requester(), GossipMessages.remoteStateResponse(channel, read.nonce(), payloads));
    }
    return Behaviors.same();
  }

  // ---- committing ----

  private void receive(Block block, String how, PkiId from) {
    long number = block.getHeader().getNumber();
    if (number == 0) {
      // The genesis block is the join's trust anchor, unsigned by any orderer: taken from gossip,
      // a forged one could take the place of the join's in a ledger not yet started.
      reject(Rejection.of(RejectionReason.MALFORMED_BLOCK, "block 0 of %s by %s: the genesis block comes from the join, "
          + "never from gossip", channel, how), from);
      return;
    }
    for (ActorRef<Event> subscriber : subscribers) {
      subscriber.tell(new BlockArrived(channel, number, how));
    }
    boolean firstPush = how.equals("push") && (height < 0 || number >= height) && push.store().get(number).isEmpty();
    if (firstPush) {
      Optional<Rejection> refused = checkOnArrival(block);
      if (refused.isPresent()) {
        reject(refused.get(), from);
        return;
      }
    }
    if (!how.equals("push")) {
      push.obtained(number);
    } else {
      targetedPull.ifPresent(t -> t.pushed(from, number));
      if (push.pushed(number, from, Math.max(height, 0)) == BlockPush.Copy.DUPLICATE) {
        return;
      }
    }
    if (firstPush) {
      push.forward(block);
    }
    if (height >= 0 && block.getHeader().getNumber() < height) {
      return;
    }
    if (buffer.offer(block, Math.max(height, 0)) == ReorderBuffer.Outcome.TOO_FAR_AHEAD) {
      setup.observer().blockBeyondBuffer(channel);
    }
    tryCommit();
  }

  /**
   * Data hash and orderer signature, by the orgs of the newest config block before it; a block
   * that passes and is a config block names who signs the blocks after it.
   */
  private Optional<Rejection> checkOnArrival(Block block) {
    Optional<Rejection> refused = io.hearsay.ledger.block.BlockValidator.checkOnArrival(block,
        ordererOrgs.forBlock(block.getHeader().getNumber()), Instant.now());
    if (refused.isEmpty()) {
      ordererOrgs.verified(block);
    }
    return refused;
  }

  private void tryCommit() {
    if (height < 0 || !appending.isEmpty()) {
      return;
    }
    while (!fromSource.isEmpty() && fromSource.peek().getHeader().getNumber() < height + buffer.capacity()) {
      buffer.offer(fromSource.poll(), height);
    }
    List<Block> run = buffer.ready(height);
    if (run.isEmpty()) {
      return;
    }
    appending = run;
    long startedAt = System.nanoTime();
    context.ask(ChannelLedger.AppendResult.class, ledger, java.time.Duration.ofSeconds(30),
        replyTo -> new ChannelLedger.AppendBlocks(run, replyTo),
        (result, failure) -> new Appended(run, result != null ? result
            : new ChannelLedger.Rejected(Rejection.of(RejectionReason.MALFORMED_BLOCK, "ledger did not answer: %s", failure)),
            startedAt));
  }

  private Behavior<Command> onAppended(Appended appended) {
    appending = List.of();
    if (appended.result() instanceof ChannelLedger.Rejected rejected) {
      reject(rejected.rejection(), "ledger of " + channel);
    } else {
      setup.observer().blocksCommitted(channel, appended.blocks().size(), System.nanoTime() - appended.startedAt());
      long last = appended.blocks().get(appended.blocks().size() - 1).getHeader().getNumber();
      for (Block block : appended.blocks()) {
        ordererOrgs.verified(block);
        height = block.getHeader().getNumber() + 1;
        subscribers.forEach(sub -> sub.tell(new BlockCommitted(channel, block.getHeader().getNumber())));
        // Only the newest blocks of a run are kept for pull (the store holds no more), and
        // passed on: a long run is a catch-up whose older blocks the others have.
        if (block.getHeader().getNumber() > 0
            && last - block.getHeader().getNumber() < setup.settings().maxBlockCountToStore()) {
          if (push.isPlumtree()) {
            push.forward(block);
          } else {
            push.keep(block);
          }
        }
      }
      // Catching up: ask for the next window as soon as the last one is in, up to the height
      // advertised when the check found us behind, as Fabric's state provider does.
      stateInfo.heightKnown(height);
      ordererOrgs.committedBelow(height);
      if (height < catchUpTo) {
        requestWindows();
      }
    }
    tryCommit();
    return Behaviors.same();
  }

  // ---- periodic ----

  private void onTick(Tick tick) {
    long now = System.nanoTime();
    switch (tick) {
      case PULL -> {
        if (pull.collecting(now)) {
          return; // a targeted pull's interval may be shorter than digestWaitTime
        }
        List<PkiId> peers = RandomPeers.pick(targetedPull.map(t -> t.due(Math.max(height, 0), announcedHeights()))
            .orElseGet(this::orgMembers), setup.settings().pullPeerNum(), random);
        for (PullMediator.Outgoing hello : pull.startRound(peers, now)) {
          send(hello.to(), GossipMessages.hello(channel, hello.nonce(),
              targetedPull.isPresent() ? BlockDigests.RANGES : com.google.protobuf.ByteString.EMPTY));
        }
        if (!peers.isEmpty()) {
          context.scheduleOnce(setup.settings().digestWaitTime(), context.getSelf(), Tick.DIGEST_DEADLINE);
        }
      }
      case DIGEST_DEADLINE -> {
        if (pull.digestWindowClosed(now)) {
          for (PullMediator.Outgoing request : pull.requests(Math.max(height, 0), Set.copyOf(push.store().digest()), now)) {
            send(request.to(), GossipMessages.request(channel, request.nonce(), BlockDigests.list(request.items())));
          }
        }
      }
      case PUBLISH_STATE_INFO -> stateInfo.publish(height);
      case GRAFT -> push.graftsDue(Math.max(height, 0));
      case EMIT -> push.emitDue();
      case PULL_STATE_INFO -> stateInfo.antiEntropyRound(setup.settings().pullPeerNum());
      case STATE_CHECK -> {
        for (var retry = transfer.tick(stateInfo.table(), now); retry.isPresent(); retry = transfer.tick(stateInfo.table(), now)) {
          sendStateRequest(retry.get());
        }
        if (height == heightAtLastCheck) {
          transfer.stalled(Math.max(height, 0));
        }
        // Fabric asks whenever someone advertises more; the hearsay profile only when this
        // peer made no progress since the last check, so blocks still in flight by push are
        // not fetched a second time.
        if (height >= 0 && (!push.isPlumtree() || height == heightAtLastCheck)) {
          catchUpTo = transfer.highest(stateInfo.table());
          requestWindows();
        }
        heightAtLastCheck = height;
      }
    }
  }

  /** Asks for the next windows, as many as the pipeline allows and the committer's buffer holds. */
  private void requestWindows() {
    long now = System.nanoTime();
    long below = height + buffer.capacity();
    for (var request = transfer.check(height, below, stateInfo.table(), now); request.isPresent();
        request = transfer.check(height, below, stateInfo.table(), now)) {
      sendStateRequest(request.get());
    }
  }

  private void sendStateRequest(StateTransfer.Request request) {
    GossipMessage message = GossipMessages.remoteStateRequest(channel, request.start(), request.end()).toBuilder()
        .setNonce(request.nonce()).build();
    send(request.peer(), message);
  }

  /** What block push sends through: this channel's members and its delivery to them. */
  private final class PushOutbox implements BlockPush.Outbox {
    @Override
    public List<PkiId> orgMembers() {
      return ChannelGossip.this.orgMembers();
    }

    @Override
    public void deliver(PkiId to, Envelope envelope) {
      ChannelGossip.this.deliver(to, envelope);
    }

    @Override
    public void send(PkiId to, GossipMessage message) {
      ChannelGossip.this.send(to, message);
    }

    @Override
    public void wakeForEmit(java.time.Duration delay) {
      if (!timers.isTimerActive(Tick.EMIT)) {
        timers.startSingleTimer(Tick.EMIT, delay);
      }
    }

    @Override
    public void wakeForGraft(java.time.Duration delay) {
      if (!timers.isTimerActive(Tick.GRAFT)) {
        timers.startSingleTimer(Tick.GRAFT, delay);
      }
    }
  }

  // ---- helpers ----

  /** Same-org peers that are alive and have proven channel membership. */
  /** The ledger heights the org's peers in the channel announced in their StateInfo (-1: none yet). */
  private Map<PkiId, Long> announcedHeights() {
    Map<PkiId, Long> heights = new java.util.HashMap<>();
    for (PkiId peer : orgMembers()) {
      heights.put(peer, stateInfo.table().entry(peer).map(StateInfoTable.Entry::ledgerHeight).orElse(-1L));
    }
    return heights;
  }

  private List<PkiId> orgMembers() {
    return alive.stream()
        .filter(m -> m.mspId().equals(setup.ownMspId()))
        .map(Member::pkiId)
        .filter(stateInfo::isProvenMember)
        .toList();
  }

  /** Tells the election and the push tree when the org's peers in the channel changed. */
  private void refreshOrgPeers() {
    List<PkiId> now = orgMembers();
    int aliveOfOrg = (int) alive.stream().filter(m -> m.mspId().equals(setup.ownMspId())).count();
    if (!now.equals(orgPeers) || aliveOfOrg != aliveOrgPeers) {
      aliveOrgPeers = aliveOfOrg;
      leadership.peers(now, aliveOfOrg);
      if (!now.equals(orgPeers)) {
        push.members(now);
      }
      orgPeers = now;
    }
  }

  private boolean isMemberOfOwnOrg(PkiId from) {
    return orgMembers().contains(from);
  }

  private boolean isOrgMember(PkiId from, String what) {
    if (isMemberOfOwnOrg(from)) {
      return true;
    }
    reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL,
        "%s for channel %s from %s, not a proven member of this peer's org in the channel", what, channel, from), from);
    return false;
  }

  private Optional<Block> block(Payload payload, PkiId from) {
    try {
      Block block = Block.parseFrom(payload.getData());
      if (block.getHeader().getNumber() != payload.getSeqNum()) {
        reject(Rejection.of(RejectionReason.MALFORMED_BLOCK, "payload %d carries block %d", payload.getSeqNum(),
            block.getHeader().getNumber()), from);
        return Optional.empty();
      }
      return Optional.of(block);
    } catch (InvalidProtocolBufferException e) {
      reject(Rejection.of(RejectionReason.MALFORMED_BLOCK, "payload %d is not a block: %s", payload.getSeqNum(),
          e.getMessage()), from);
      return Optional.empty();
    }
  }


  private void send(PkiId to, GossipMessage message) {
    deliver(to, setup.signer().sign(message).envelope());
  }

  /** Sends a channel message, our StateInfo first if {@code to} has not had it. */
  private void deliver(PkiId to, Envelope envelope) {
    stateInfo.introduceTo(to);
    setup.out().tell(new Send(to, envelope));
  }

  /** What StateInfo gossip sends and reports through. */
  private final class StateInfoOutbox implements StateInfoGossip.Outbox {
    @Override
    public void send(PkiId to, Envelope envelope) {
      setup.out().tell(new Send(to, envelope));
    }

    @Override
    public void reject(Rejection rejection, PkiId from) {
      ChannelGossip.this.reject(rejection, from);
    }

    @Override
    public java.util.Collection<PkiId> alive() {
      return alive.stream().map(Member::pkiId).toList();
    }
  }

  private void reject(Rejection rejection, Object from) {
    setup.rejections().reject(rejection, String.valueOf(from));
  }
}
