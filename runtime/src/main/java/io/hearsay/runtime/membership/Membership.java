package io.hearsay.runtime.membership;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.channels.common.RandomPeers;
import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.HearsayMetadata;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.Endpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.GossipMessage.ContentCase;
import org.hyperledger.fabric.protos.gossip.MembershipRequest;
import org.hyperledger.fabric.protos.gossip.MembershipResponse;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * Fabric discovery as an actor: sends this peer's alive message every {@code aliveTimeInterval}
 * to {@code propagatePeerNum} peers, forwards each newer alive message once, expires and purges
 * silent peers (the rules are in {@link AliveTable}), syncs membership with {@code pullPeerNum}
 * peers every {@code pullInterval}, and probes dead, bootstrap and anchor endpoints every
 * {@code reconnectInterval}. With the accrual detector's probe rounds (hearsay profile), a suspected
 * peer is asked, with a few others, for its latest alive message before it is declared dead; the
 * rounds wait longer while answers come late ({@link ProbeRounds}). With watchers (hearsay profile,
 * {@link WatchRing}), a Hearsay peer's alive message goes to its watchers alone, who judge it; a
 * death two of them agree on and a join are rumors, and the anti-entropy round is a check of one
 * peer's view ({@link KnownList}).
 *
 * <p>Org boundaries, as Fabric: a peer without an external endpoint talks only to its own org;
 * nothing sent to another org carries a secret envelope (internal endpoint), and only peers with
 * external endpoints are disclosed to other orgs. Bootstrap peers must be of this peer's org.
 */
public final class Membership {

  public sealed interface Command permits GetView, Subscribe, AddAnchorPeers, InternalCommand {}

  private sealed interface InternalCommand extends Command permits FromComm, Tick {}

  /** Anchor peers of other orgs learned from a channel's config block: dialled, never forgotten. */
  public record AddAnchorPeers(List<Endpoint> anchors) implements Command {}

  public record GetView(ActorRef<MembershipView> replyTo) implements Command {}

  /** Sends the view to {@code subscriber} now and after every change. */
  public record Subscribe(ActorRef<MembershipView> subscriber) implements Command {}

  private record FromComm(Comm.Event event) implements InternalCommand {}

  private enum Tick implements InternalCommand { ALIVE, EXPIRY, PULL, RECONNECT }

  /** What membership is started with. */
  public record Setup(EnvelopeSigner signer, EnvelopeVerifier verifier, MembershipSettings settings,
      Endpoint self, List<Endpoint> anchorPeers, ActorRef<Comm.Command> comm, RejectionLog rejections,
      long incarnation, ByteString selfMetadata) {

    /** A peer without Fabric's transport: its endpoint is its Artery address, its metadata empty. */
    public Setup(EnvelopeSigner signer, EnvelopeVerifier verifier, MembershipSettings settings, Endpoint self,
        List<Endpoint> anchorPeers, ActorRef<Comm.Command> comm, RejectionLog rejections, long incarnation) {
      this(signer, verifier, settings, self, anchorPeers, comm, rejections, incarnation, ByteString.EMPTY);
    }
  }

  private final ActorContext<Command> context;
  private final Setup setup;
  private final String mspId;
  private final MembershipSettings settings;
  private final DisclosurePolicy disclosure;
  private final AliveTable table;
  private final ViewAnswers answers;
  /** Whose death the accrual detector may call (the others: the fixed expiry). */
  private final Predicate<MemberInfo> judgedByAccrual;
  private final KnownEndpoints known;
  private final List<ActorRef<MembershipView>> subscribers = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom();
  private long sequence;
  private SignedGossipMessage selfAlive;
  /** Peers asked in this push-pull round, whose view is answered with what it lacked. */
  private final Set<PkiId> awaitingView = new HashSet<>();
  private MembershipView lastView = new MembershipView(List.of(), List.of());
  /** The table's version when the view was last compared: the same version, the same view. */
  private long publishedVersion = -1;
  /** The probe rounds under way, and this peer's local health. */
  private final ProbeRounds probeRounds;
  /** Whether local health at its worst was logged, and its recovery not yet. */
  private boolean slowLogged;
  /** With watchers: the ring of the alive Hearsay peers, as of the table's {@link #ringVersion}. */
  private WatchRing ring;
  private long ringVersion = -1;
  /** With watchers: the peers asked for a check of their view, whose answer says whether to send a digest. */
  private final Set<PkiId> checking = new HashSet<>();
  /** When this peer last answered a report of its own death with a new alive message. */
  private long refutedAt = Long.MIN_VALUE / 2;

  private Membership(ActorContext<Command> context, Setup setup) {
    this.context = context;
    context.setLoggerName(Membership.class);
    this.setup = setup;
    this.mspId = setup.signer().self().mspId();
    this.settings = setup.settings();
    this.disclosure = new DisclosurePolicy(mspId, settings.externalEndpoint().isPresent());
    this.known = new KnownEndpoints(mspId, setup.self(), settings.bootstrap(), setup.anchorPeers());
    // With Fabric's transport, peers that announce no Artery address are Fabric peers, keeping
    // Fabric's alive interval: the accrual detector, tuned to ours, would take them for dead.
    boolean besideFabricPeers = HearsayMetadata.arteryOf(setup.selfMetadata()).isPresent();
    this.judgedByAccrual = member -> settings.accrual().isPresent() && (!besideFabricPeers || member.artery().isPresent());
    this.table = new AliveTable(setup.signer().self().pkiId(), settings.aliveExpirationTimeout(),
        settings.purgeAfter(), known.neverForget(),
        settings.accrual().map(a -> new AccrualDetector(a, settings.aliveTimeInterval())), judgedByAccrual,
        settings.probes().rounds());
    this.probeRounds = new ProbeRounds(settings.probes(), settings.aliveTimeInterval(), System.nanoTime());
    this.answers = new ViewAnswers(table, disclosure, setup.signer().self().pkiId(), mspId,
        settings.externalEndpoint().isPresent());
  }

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Membership membership = new Membership(context, setup);
      membership.start(timers);
      return membership.behavior();
    }));
  }

  private void start(TimerScheduler<Command> timers) {
    setup.comm().tell(new Comm.Subscribe(context.messageAdapter(Comm.Event.class, FromComm::new),
        Set.of(ContentCase.ALIVE_MSG, ContentCase.MEM_REQ, ContentCase.MEM_RES)));
    timers.startTimerWithFixedDelay(Tick.ALIVE, settings.aliveTimeInterval());
    // The accrual detector suspects within a few alive intervals; the check keeps up with it, and
    // with probe rounds runs one round each.
    timers.startTimerWithFixedDelay(Tick.EXPIRY, settings.accrual().isEmpty()
        ? settings.aliveExpirationTimeout().dividedBy(10)
        : settings.probes().rounds() > 0 ? settings.probes().interval() : settings.aliveTimeInterval().dividedBy(4));
    timers.startTimerWithFixedDelay(Tick.PULL, settings.watch().on() ? settings.watch().checkInterval()
        : settings.pullInterval());
    timers.startTimerWithFixedDelay(Tick.RECONNECT, settings.reconnectInterval());
    renewSelfAlive();
    dial(known.toDial(table::isAliveAt));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(GetView.class, get -> {
          get.replyTo().tell(table.view());
          return Behaviors.same();
        })
        .onMessage(Subscribe.class, s -> {
          subscribers.add(s.subscriber());
          s.subscriber().tell(table.view());
          return Behaviors.same();
        })
        .onMessage(AddAnchorPeers.class, add -> {
          List<Endpoint> fresh = known.addAnchors(add.anchors());
          fresh.forEach(table::neverForget);
          dial(fresh.stream().filter(e -> !table.isAliveAt(e)).toList());
          return Behaviors.same();
        })
        .onMessage(FromComm.class, f -> {
          onCommEvent(f.event());
          publishIfChanged();
          return Behaviors.same();
        })
        .onMessage(Tick.class, tick -> {
          onTick(tick);
          publishIfChanged();
          return Behaviors.same();
        })
        .build();
  }

  private void onTick(Tick tick) {
    long now = System.nanoTime();
    if (settings.watch().on()) {
      rewatch(now);
    }
    switch (tick) {
      case ALIVE -> {
        renewSelfAlive();
        List<MemberInfo> targets = settings.watch().on() ? heartbeatTargets()
            : pick(table.aliveMembers(), settings.propagatePeerNum(), null);
        if (targets.isEmpty()) {
          dial(known.toDial(table::isAliveAt));
        }
        targets.forEach(t -> sendAlive(selfAlive, t));
      }
      case EXPIRY -> {
        probeRounds.check(now).forEach(suspect -> table.probed(suspect, now));
        logLocalHealth();
        AliveTable.Expiry expiry = table.expire(now);
        expiry.died().forEach(m -> context.getLog().info("peer {} ({}) is dead: {}", m.pkiId(), describe(m),
            !judgedByAccrual.test(m) ? "not heard from for " + settings.aliveExpirationTimeout()
                : settings.probes().rounds() == 0 ? "suspected by the accrual detector"
                : settings.watch().on() && expiry.confirmed().contains(m)
                    ? "suspected by the accrual detector, and found dead by its watchers (this peer among them)"
                : expiry.confirmed().contains(m)
                    ? "suspected by the accrual detector through " + settings.probes().rounds() + " probe rounds"
                    : "suspected by the accrual detector, and held dead by another peer"));
        expiry.confirmed().forEach(this::tellVerdict);
        expiry.proposed().forEach(this::propose);
        // A peer that suspects many at once is more likely slow itself than surrounded by crashes:
        // its rounds under way are bounded, and a suspect not probed is not a step nearer death.
        expiry.suspected().stream().filter(suspect -> probeRounds.canStart(suspect.pkiId()))
            .forEach(suspect -> probeRounds.started(suspect.pkiId(), probe(suspect)));
        table.purge(now).forEach(m -> context.getLog().info("peer {} ({}) forgotten", m.pkiId(), describe(m)));
      }
      case PULL -> antiEntropyRound();
      case RECONNECT -> {
        List<Endpoint> probes = new ArrayList<>();
        for (MemberInfo dead : table.deadMembers()) {
          disclosure.endpointOf(dead).ifPresent(probes::add);
        }
        probes.addAll(known.toDial(table::isAliveAt));
        dial(probes);
      }
    }
  }

  /**
   * With watchers: the ring anew after the alive Hearsay peers changed, and the subjects this peer
   * watches with it. Rebuilt at most once per tick (and before a dead report is judged), not per
   * message: a thousand joins would otherwise sort the ring a thousand times.
   */
  private void rewatch(long now) {
    if (ringVersion == table.version()) {
      return;
    }
    ringVersion = table.version();
    WatchRing.Peer self = new WatchRing.Peer(setup.signer().self().pkiId(), mspId, settings.externalEndpoint().isPresent());
    List<WatchRing.Peer> others = aliveJudged().stream()
        .map(m -> new WatchRing.Peer(m.pkiId(), m.mspId(), m.externalEndpoint().isPresent())).toList();
    ring = new WatchRing(self, others, settings.watch().watchers());
    Set<PkiId> subjects = ring.subjects();
    table.watching(subjects, subjects.stream().filter(s -> otherWatchers(s).isEmpty()).collect(Collectors.toSet()), now);
  }

  /** With watchers: the watchers of {@code subject} other than this peer, alive here. */
  private List<MemberInfo> otherWatchers(PkiId subject) {
    List<MemberInfo> others = new ArrayList<>();
    ring.watchersOf(subject).stream().filter(w -> !w.equals(setup.signer().self().pkiId()))
        .forEach(w -> table.member(w).filter(m -> table.isAlive(w)).ifPresent(others::add));
    return others;
  }

  /** With watchers: this peer's watchers, and as Fabric's rumor propagatePeerNum of the Fabric peers. */
  private List<MemberInfo> heartbeatTargets() {
    List<MemberInfo> targets = new ArrayList<>();
    ring.heartbeatTargets().forEach(w -> table.member(w).ifPresent(targets::add));
    targets.addAll(pick(table.aliveMembers().stream().filter(judgedByAccrual.negate()).toList(),
        settings.propagatePeerNum(), null));
    return targets;
  }

  /** Logs once when local health reaches its worst, and once when it is back to healthy. */
  private void logLocalHealth() {
    if (probeRounds.atWorst() && !slowLogged) {
      slowLogged = true;
      context.getLog().info("probe answers come late, or this peer's checks run late: each probe round waits {} checks "
          + "(local health at its worst)", probeRounds.health() + 1);
    } else if (probeRounds.health() == 0 && slowLogged) {
      slowLogged = false;
      context.getLog().info("probe answers come in time again: each probe round waits one check");
    }
  }

  private void onCommEvent(Comm.Event event) {
    if (event instanceof Comm.PeerConnected connected) {
      KnownEndpoints.Handshake handshake = known.onHandshake(connected.peer(), connected.endpoint());
      handshake.refusedBootstrap().ifPresent(refused -> {
        reject(refused, connected.endpoint());
        context.getLog().error("bootstrap peer {} belongs to org {}, not to {}: refused", connected.endpoint(),
            connected.peer().mspId(), mspId);
      });
      if (handshake.contact()) {
        contact(connected.peer(), connected.endpoint());
      }
      return;
    }
    Comm.Inbound inbound = (Comm.Inbound) event;
    SignedGossipMessage message = inbound.message();
    switch (message.message().getContentCase()) {
      case ALIVE_MSG -> onAlive(message, inbound.sender(), true, AliveTable.Evidence.FRESH);
      case MEM_REQ -> onMembershipRequest(message.message().getMemReq(), inbound);
      case MEM_RES -> onMembershipResponse(message.message().getMemRes(), inbound);
      default -> { }
    }
  }

  private void onAlive(SignedGossipMessage alive, PeerIdentity relayedBy, boolean forward, AliveTable.Evidence evidence) {
    if (!alive.signer().mspId().equals(mspId)
        && alive.message().getAliveMsg().getMembership().getEndpoint().isEmpty()) {
      return; // a peer without an external endpoint is invisible to other orgs
    }
    AliveTable.Outcome outcome = table.onAlive(alive, System.nanoTime(), evidence);
    if (outcome == AliveTable.Outcome.STALE) {
      return;
    }
    MemberInfo info = AliveTable.infoOf(alive);
    if (outcome != AliveTable.Outcome.UPDATED) {
      context.getLog().info("peer {} ({}) is alive{}", info.pkiId(), describe(info),
          outcome == AliveTable.Outcome.RESURRECTED ? " again"
              : outcome == AliveTable.Outcome.RESTARTED ? ", restarted" : "");
    }
    // A Hearsay peer that also speaks Fabric's gossip is reached over Artery by Hearsay peers
    // (told on every newer alive message: a restarted peer may listen elsewhere).
    info.artery().ifPresent(artery -> setup.comm().tell(new Comm.ArteryRoute(
        Stream.of(info.internalEndpoint(), info.externalEndpoint()).flatMap(Optional::stream).toList(), artery)));
    // With watchers, a Hearsay peer's heartbeat stops at its watchers; news of it (a join, a restart,
    // a return) is a rumor to all.
    boolean amongWatchers = settings.watch().on() && judgedByAccrual.test(info);
    if (forward && !(amongWatchers && outcome == AliveTable.Outcome.UPDATED)) {
      int fanout = amongWatchers ? settings.watch().rumorFanout() : settings.propagatePeerNum();
      pick(table.aliveMembers(), fanout, new HashSet<>(List.of(info.pkiId(), relayedBy.pkiId())))
          .forEach(target -> sendAlive(alive, target));
    }
  }

  private void onMembershipRequest(MembershipRequest request, Comm.Inbound inbound) {
    Verdict<SignedGossipMessage> selfInfo =
        setup.verifier().verify(request.getSelfInformation(), Optional.empty(), Instant.now());
    if (!selfInfo.isAccepted()) {
      reject(selfInfo.rejection(), inbound.fromEndpoint());
      return;
    }
    SignedGossipMessage alive = selfInfo.value();
    if (alive.message().getContentCase() != ContentCase.ALIVE_MSG
        || !alive.signer().pkiId().equals(inbound.sender().pkiId())) {
      reject(Rejection.of(RejectionReason.SPOOFED_SENDER,
          "membership request from %s (%s) carries the alive message of %s", inbound.fromEndpoint(),
          inbound.sender().pkiId(), alive.signer()), inbound.fromEndpoint());
      return;
    }
    onAlive(alive, inbound.sender(), false, AliveTable.Evidence.FRESH);
    String requesterMsp = inbound.sender().mspId();
    if (!disclosure.talksTo(requesterMsp)) {
      return;
    }
    List<ByteString> known = request.getKnownList();
    Optional<ByteString> verdict = KnownList.verdictOf(known);
    if (verdict.isPresent()) {
      Optional<SignedGossipMessage> subject = onVerdict(verdict.get(), inbound);
      if (subject.isEmpty()) {
        return;
      }
      known = KnownList.probe(List.of(subject.get().signer().pkiId()));
    }
    // Fabric peers send no known PKI-IDs (and ignore them); Hearsay peers probe, check, send digests
    // and ask the other watchers to agree.
    setup.comm().tell(new Comm.Send(inbound.fromEndpoint(), envelope(answers.answer(selfAlive, requesterMsp, known))));
  }

  /**
   * Another watcher's verdict on a subject of this peer: dead here too if this peer suspects it (or
   * once it does, while no newer alive message comes), and then a rumor from here. Answered as a
   * probe for the subject, so that the asker hears of a newer alive message this peer holds. Returns
   * the subject's alive message the verdict holds, if it is one.
   */
  private Optional<SignedGossipMessage> onVerdict(ByteString envelope, Comm.Inbound inbound) {
    Envelope parsed;
    try {
      parsed = Envelope.parseFrom(envelope);
    } catch (InvalidProtocolBufferException e) {
      reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "verdict from %s is no envelope: %s",
          inbound.fromEndpoint(), e.getMessage()), inbound.fromEndpoint());
      return Optional.empty();
    }
    Optional<SignedGossipMessage> subject = verifiedAlive(parsed, inbound.fromEndpoint(), Instant.now());
    subject.ifPresent(last -> {
      long now = System.nanoTime();
      PkiId dead = last.signer().pkiId();
      if (!settings.watch().on() || dead.equals(setup.signer().self().pkiId())) {
        return;
      }
      rewatch(now);
      if (table.onVerdict(last, now) == AliveTable.DeadReport.CONFIRMED) {
        MemberInfo info = AliveTable.infoOf(last);
        context.getLog().info("peer {} ({}) is dead: suspected by the accrual detector, and by another watcher, {}",
            dead, describe(info), inbound.fromEndpoint());
        tellVerdict(info);
      }
    });
    return subject;
  }

  /**
   * One probe round for a suspected peer: a membership request to it and to up to
   * {@code probes.indirect} other alive peers the detector judges, asking for its alive message
   * alone ({@link KnownList#probe}). Its own answer is fresh; the others' copies of its alive message
   * are recorded ones. Returns the peers asked.
   */
  private Set<PkiId> probe(MemberInfo suspect) {
    List<ByteString> known = KnownList.probe(List.of(suspect.pkiId()));
    List<MemberInfo> asked = new ArrayList<>(List.of(suspect));
    // With watchers, the suspect's other watchers hold its latest alive message; other peers only
    // the one it joined with.
    if (settings.watch().on()) {
      ring.watchersOf(suspect.pkiId()).stream().filter(table::isAlive).limit(settings.probes().indirect())
          .forEach(w -> table.member(w).ifPresent(asked::add));
    }
    asked.addAll(pick(aliveJudged(), settings.probes().indirect() - (asked.size() - 1),
        asked.stream().map(MemberInfo::pkiId).collect(Collectors.toSet())));
    Set<PkiId> askedIds = new HashSet<>();
    for (MemberInfo member : asked) {
      disclosure.endpointOf(member).ifPresent(endpoint -> {
        sendMembershipRequest(endpoint, known);
        askedIds.add(member.pkiId());
      });
    }
    return askedIds;
  }

  /**
   * Tells {@code probes.verdicts} other Hearsay peers that this peer's probe rounds found {@code dead}
   * dead: a membership response whose dead list is its latest alive message (what a Fabric peer
   * would learn from too). A peer that suspects it, now or before a newer alive message comes, holds
   * it dead without rounds of its own; one that does not suspect it is not moved. Peers confirming
   * by a verdict do not tell it on; their dead lists, in the membership responses they send anyway,
   * count as verdicts for peers that suspect the same peer. With watchers, the death two watchers
   * agreed on is a rumor that every peer not watching the dead one takes and forwards; the other
   * watchers are told, and the dead peer too: alive after all, it answers at once with a newer
   * alive message.
   */
  private void tellVerdict(MemberInfo dead) {
    table.aliveMessageOf(dead.pkiId()).ifPresent(last -> {
      if (!settings.watch().on()) {
        tellDead(last, Set.of());
        return;
      }
      List<MemberInfo> told = new ArrayList<>(otherWatchers(dead.pkiId()));
      told.add(dead);
      Set<PkiId> except = told.stream().map(MemberInfo::pkiId).collect(Collectors.toSet());
      tellDead(last, except);
      told.forEach(peer -> disclosure.endpointOf(peer).ifPresent(endpoint -> setup.comm().tell(new Comm.Send(endpoint,
          envelope(GossipMessages.membershipResponse(List.of(), List.of(disclosure.disclosed(last, peer.mspId()))))))));
    });
  }

  /**
   * With watchers: this peer's probe rounds found {@code suspect} dead, which stays alive here until
   * another watcher agrees. Its other watchers are asked, with its latest alive message known here
   * ({@link KnownList#verdict}); one that suspects it too holds it dead and starts the rumor, one
   * that hears it answers with its newer alive message. A lone watcher's mistake (loss on its own
   * link, a pause of its own) so stays with it, where one rumor would reach every peer.
   */
  private void propose(MemberInfo suspect) {
    table.aliveMessageOf(suspect.pkiId()).ifPresent(last -> {
      List<MemberInfo> asked = otherWatchers(suspect.pkiId());
      context.getLog().info("peer {} ({}) suspected through {} probe rounds: asking its {} other watchers to agree",
          suspect.pkiId(), describe(suspect), settings.probes().rounds(), asked.size());
      for (MemberInfo watcher : asked) {
        disclosure.endpointOf(watcher).ifPresent(endpoint -> sendMembershipRequest(endpoint,
            KnownList.verdict(disclosure.disclosed(last, watcher.mspId()))));
      }
    });
  }

  /**
   * Tells other Hearsay peers that {@code last}'s peer is dead: {@code probes.verdicts} of them, or
   * with watchers {@code watch.rumor-fanout} (a rumor each peer that takes it forwards once), leaving
   * out {@code except}.
   */
  private void tellDead(SignedGossipMessage last, Set<PkiId> except) {
    int fanout = settings.watch().on() ? settings.watch().rumorFanout() : settings.probes().verdicts();
    for (MemberInfo peer : pick(aliveJudged(), fanout, except)) {
      disclosure.endpointOf(peer).ifPresent(endpoint -> setup.comm().tell(new Comm.Send(endpoint,
          envelope(GossipMessages.membershipResponse(List.of(),
              disclosure.shown(List.of(last), peer.mspId(), Map.of()))))));
    }
  }

  /**
   * With watchers, a peer reported dead to itself says so with a new alive message, as a rumor, at
   * most once per alive interval: every peer holding it dead takes it back (it is newer than the
   * report), and a peer that missed the rumor learns it from the next anti-entropy round.
   */
  private void refute(long now) {
    if (now - refutedAt < settings.aliveTimeInterval().toNanos()) {
      return;
    }
    refutedAt = now;
    context.getLog().info("reported dead by another peer while alive: telling the others");
    renewSelfAlive();
    pick(table.aliveMembers(), settings.watch().rumorFanout(), null).forEach(target -> sendAlive(selfAlive, target));
  }

  /** The alive peers the accrual detector judges: Hearsay peers, who probe and take verdicts. */
  private List<MemberInfo> aliveJudged() {
    return table.aliveMembers().stream().filter(judgedByAccrual).toList();
  }

  /**
   * Membership requests and responses stay signed between Hearsay peers too. Membership talks to
   * random peers across the whole view, so with link MACs nearly every exchange is a new pair and
   * costs an ECDH at both ends (twice a verify), where a signature is made once per message: sent
   * unsigned, 1000 simulated peers converged in 8.4 and 9.4 s (two runs) against 1.5 s signed, the
   * ECDH of new links 12.9% of the CPU; one of those runs also sent 42 188 B/s per peer against
   * 14 203 signed.
   */
  private Envelope envelope(GossipMessage view) {
    return setup.signer().sign(view).envelope();
  }

  /**
   * One anti-entropy round with pullPeerNum random peers: Fabric's pull (a membership request,
   * answered with the peer's view), a push of our view, or push-pull (a pull whose answer is
   * answered with what it lacked).
   */
  private void antiEntropyRound() {
    awaitingView.clear();
    // With watchers, one peer is asked whether it holds the same peers alive; a digest follows if
    // not (onMembershipResponse), not a thousand alive messages this peer has.
    if (settings.watch().on()) {
      checking.clear();
      for (MemberInfo member : pick(aliveJudged(), 1, null)) {
        disclosure.endpointOf(member).ifPresent(endpoint -> {
          sendMembershipRequest(endpoint, KnownList.check(answers.summary(member.mspId())));
          checking.add(member.pkiId());
        });
      }
      return;
    }
    for (MemberInfo member : pick(table.aliveMembers(), settings.pullPeerNum(), null)) {
      Optional<Endpoint> endpoint = disclosure.endpointOf(member);
      if (endpoint.isEmpty()) {
        continue;
      }
      if (settings.antiEntropy() == AntiEntropy.Mode.PUSH) {
        setup.comm().tell(new Comm.Send(endpoint.get(),
            envelope(answers.view(selfAlive, member.mspId(), Map.of(), KnownList.WHOLE_VIEW))));
      } else {
        sendMembershipRequest(endpoint.get(), List.of());
        if (settings.antiEntropy() == AntiEntropy.Mode.PUSH_PULL) {
          awaitingView.add(member.pkiId());
        }
      }
    }
  }

  private void onMembershipResponse(MembershipResponse response, Comm.Inbound inbound) {
    Instant now = Instant.now();
    // Push-pull: the view we asked for is answered with what it lacked; only then is it recorded.
    boolean answer = awaitingView.remove(inbound.sender().pkiId());
    // A check answered with anything means the views differ: the digest follows.
    if (checking.remove(inbound.sender().pkiId()) && response.getAliveCount() + response.getDeadCount() > 0) {
      List<PkiId> held = new ArrayList<>(table.aliveMembers().stream().map(MemberInfo::pkiId).toList());
      held.add(setup.signer().self().pkiId());
      sendMembershipRequest(inbound.fromEndpoint(), KnownList.digest(held));
    }
    Map<PkiId, PeerTime> theirs = new HashMap<>();
    for (boolean alive : new boolean[] {true, false}) {
      for (Envelope envelope : alive ? response.getAliveList() : response.getDeadList()) {
        verifiedAlive(envelope, inbound.fromEndpoint(), now).ifPresent(m -> {
          if (answer) {
            theirs.put(m.signer().pkiId(), m.message().getAliveMsg().getTimestamp());
          }
          if (alive) {
            onAlive(m, inbound.sender(), false, m.signer().pkiId().equals(inbound.sender().pkiId())
                ? AliveTable.Evidence.FRESH : AliveTable.Evidence.RECORDED);
          } else {
            onDeadReport(m, inbound);
          }
        });
      }
    }
    if (settings.probes().rounds() > 0) {
      // An answer is the responder's sign of life now, whatever its alive message's age, and it
      // makes the probe rounds it was asked in count.
      table.answered(inbound.sender().pkiId(), System.nanoTime());
      probeRounds.answered(inbound.sender().pkiId());
    }
    if (answer) {
      GossipMessage lacking = answers.view(selfAlive, inbound.sender().mspId(), theirs, KnownList.WHOLE_VIEW);
      if (lacking.getMemRes().getAliveCount() + lacking.getMemRes().getDeadCount() > 0) {
        setup.comm().tell(new Comm.Send(inbound.fromEndpoint(), envelope(lacking)));
      }
    }
  }

  private void onDeadReport(SignedGossipMessage report, Comm.Inbound inbound) {
    PkiId dead = report.signer().pkiId();
    long now = System.nanoTime();
    if (settings.watch().on() && dead.equals(setup.signer().self().pkiId())) {
      refute(now);
      return;
    }
    if (settings.watch().on()) {
      rewatch(now); // whether this peer watches the dead one: as the view is now
    }
    AliveTable.DeadReport outcome = table.onDeadReport(report, now);
    if (outcome == AliveTable.DeadReport.CONFIRMED || outcome == AliveTable.DeadReport.TAKEN) {
      context.getLog().info("peer {} ({}) is dead: {} by {}", dead, describe(AliveTable.infoOf(report)),
          outcome == AliveTable.DeadReport.CONFIRMED ? "suspected by the accrual detector, and held dead"
              : "not watched here, and reported dead", inbound.fromEndpoint());
      // With watchers, a death is a rumor: forwarded once by each peer it moves; a watcher that
      // agrees tells as the first watchers did.
      if (settings.watch().on() && outcome == AliveTable.DeadReport.TAKEN) {
        tellDead(report, new HashSet<>(List.of(dead, inbound.sender().pkiId())));
      } else if (settings.watch().on()) {
        tellVerdict(AliveTable.infoOf(report));
      }
    }
  }

  private Optional<SignedGossipMessage> verifiedAlive(Envelope envelope, Endpoint from, Instant now) {
    Verdict<SignedGossipMessage> verdict = setup.verifier().verify(envelope, Optional.empty(), now);
    if (!verdict.isAccepted()) {
      reject(verdict.rejection(), from);
      return Optional.empty();
    }
    if (verdict.value().message().getContentCase() != ContentCase.ALIVE_MSG) {
      reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "membership response from %s holds a %s",
          from, verdict.value().message().getContentCase()), from);
      return Optional.empty();
    }
    return Optional.of(verdict.value());
  }

  private void renewSelfAlive() {
    var self = setup.signer().self().identity();
    String external = settings.externalEndpoint().map(Endpoint::toString).orElse("");
    selfAlive = setup.signer().sign(GossipMessages.alive(self, external,
        PeerTimes.of(setup.incarnation(), ++sequence), setup.selfMetadata()), setup.self().toString());
  }

  /**
   * Dials bootstrap, anchor and dead peers' endpoints. Who is behind an endpoint is unknown until
   * the handshake, so comm connects first; {@link #contact} then sends the alive message and a
   * membership request in the form the peer's org may see.
   */
  private void dial(List<Endpoint> endpoints) {
    for (Endpoint endpoint : endpoints) {
      known.dialling(endpoint);
      setup.comm().tell(new Comm.Connect(endpoint));
    }
  }

  private void contact(PeerIdentity peer, Endpoint endpoint) {
    if (!disclosure.talksTo(peer.mspId())) {
      return;
    }
    Envelope alive = disclosure.disclosed(selfAlive, peer.mspId());
    setup.comm().tell(new Comm.Send(endpoint, alive));
    sendMembershipRequest(endpoint, alive, List.of());
  }

  private void sendMembershipRequest(Endpoint endpoint, List<ByteString> known) {
    boolean ownOrg = table.aliveMembers().stream().anyMatch(m ->
        m.mspId().equals(mspId) && m.endpointFor(mspId).equals(Optional.of(endpoint)));
    sendMembershipRequest(endpoint, ownOrg ? selfAlive.envelope() : selfAlive.envelopeWithoutSecret(), known);
  }

  private void sendMembershipRequest(Endpoint endpoint, Envelope selfInformation, List<ByteString> known) {
    setup.comm().tell(new Comm.Send(endpoint, setup.signer().sign(
        GossipMessages.membershipRequest(selfInformation, known)).envelope()));
  }

  private void sendAlive(SignedGossipMessage alive, MemberInfo target) {
    if (disclosure.discloses(alive, target.mspId())) {
      disclosure.endpointOf(target).ifPresent(e -> setup.comm().tell(new Comm.Send(e,
          disclosure.disclosed(alive, target.mspId()))));
    }
  }

  /** Up to {@code n} random members reachable from here, excluding {@code except}. */
  private List<MemberInfo> pick(List<MemberInfo> members, int n, Set<?> except) {
    return RandomPeers.pick(members, n,
        m -> (except == null || !except.contains(m.pkiId())) && disclosure.endpointOf(m).isPresent(), random);
  }

  private void publishIfChanged() {
    if (table.version() == publishedVersion) {
      return;
    }
    publishedVersion = table.version();
    MembershipView view = table.view();
    if (!subscribers.isEmpty() && !view.sameMembersAs(lastView)) {
      subscribers.forEach(s -> s.tell(view));
    }
    lastView = view;
  }

  private void reject(Rejection rejection, Endpoint from) {
    setup.rejections().record(rejection, from.toString(), System.nanoTime());
  }

  private static String describe(MemberInfo m) {
    return m.mspId() + " " + m.internalEndpoint().or(m::externalEndpoint).map(Endpoint::toString).orElse("?");
  }

}
