package io.hearsay.channels.stateinfo;

import com.google.protobuf.ByteString;
import io.hearsay.channels.common.RandomPeers;
import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.channels.epidemic.RumorMongering;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * One peer's side of a channel's StateInfo, the messages that prove channel membership and
 * announce ledger heights: publishing its own when its height changes (to every proven member, as
 * a rumor, or not at all), taking in others' (one by one, or in snapshots), answering StateInfo
 * pull requests, which prove their sender's membership by the channel MAC, and a periodic
 * anti-entropy round with random peers in one of three exchange modes. Plain state; the channel
 * actor sends what it is handed through {@link Outbox}.
 */
public final class StateInfoGossip {

  /**
   * The most entries a digest request is answered with: about 10 kB. Three peers asked per round
   * bring a peer that lacks everything close to 200 StateInfos a round.
   */
  static final int DIGEST_ANSWER_ENTRIES = 64;

  /** How a new StateInfo leaves its author, on top of the anti-entropy rounds. */
  public enum Spread {
    /** To every proven member at once (n - 1 messages, all from its author). */
    BROADCAST,
    /** Blind rumor mongering: every peer that learns it pushes it on until it loses interest. */
    RUMOR,
    /** Not at all: only the anti-entropy rounds carry it (the SI epidemic). */
    ANTI_ENTROPY
  }

  /**
   * {@code rumor} is used with {@link Spread#RUMOR} only. {@code exchange} is one anti-entropy
   * round between this peer (A) and a random peer (B) in Fabric's messages: PULL is Fabric's own (A
   * sends a StateInfo pull request, B answers with its snapshot: 2 messages); PUSH sends A's
   * snapshot to a proven member (1 message); PUSH_PULL is a pull, then A sends B the entries B's
   * snapshot lacked or held older (3 messages). With {@code introduceToNewPeers}, this
   * peer's StateInfo goes at once to every peer that becomes alive, so membership proofs do not
   * wait for the next anti-entropy round (at start-up that is what lets elections see each other).
   * {@code hearsayPeers} is what Hearsay peers do among themselves.
   */
  public record Settings(Spread spread, RumorMongering.Settings rumor, AntiEntropy.Mode exchange, boolean introduceToNewPeers,
      HearsayPeers hearsayPeers) {
    /** Fabric's: broadcast, and pull rounds. */
    public static final Settings FABRIC = new Settings(Spread.BROADCAST,
        new RumorMongering.Settings(3, RumorMongering.Feedback.BLIND, RumorMongering.Loss.COUNTER), AntiEntropy.Mode.PULL, false);

    /** Every new StateInfo to every member, Hearsay peers included. */
    public Settings(Spread spread, RumorMongering.Settings rumor, AntiEntropy.Mode exchange, boolean introduceToNewPeers) {
      this(spread, rumor, exchange, introduceToNewPeers, HearsayPeers.FABRIC);
    }

    /** These settings with another spread and exchange. */
    public Settings with(Spread otherSpread, AntiEntropy.Mode otherExchange) {
      return new Settings(otherSpread, rumor, otherExchange, introduceToNewPeers, hearsayPeers);
    }
  }

  /**
   * StateInfo among Hearsay peers. With {@code interval} above zero, a Hearsay peer that holds a
   * StateInfo of ours gets a new one only every {@code interval} (our blocks and announcements show
   * it our height), or every members × its size / {@code bytesPerSecond} when that is longer
   * ({@code bytesPerSecond} 0: no bound), each round drawn from half to one and a half of that
   * so that peers started together do not send in step, and the anti-entropy round runs only
   * every {@code pullWhileHeightsShown} while blocks show heights. With {@code digestPull}, a PULL round's
   * request to a Hearsay peer lists what this peer holds ({@link StateInfoDigest}) and is answered
   * with only the entries newer. All zero and off is Fabric's behaviour.
   */
  public record HearsayPeers(Duration interval, Duration pullWhileHeightsShown, long bytesPerSecond,
      boolean digestPull) {
    public static final HearsayPeers FABRIC = new HearsayPeers(Duration.ZERO, Duration.ZERO, 0, false);

    boolean heightsRideOnBlocks() {
      return !interval.isZero();
    }

    /** How often a new StateInfo of {@code bytes} goes to Hearsay peers, in a channel of {@code members}. */
    long intervalNanos(int members, int bytes) {
      long bound = bytesPerSecond == 0 ? 0 : (long) ((double) members * bytes / bytesPerSecond * 1e9);
      return Math.max(interval.toNanos(), bound);
    }
  }

  /** What StateInfo gossip needs from the channel actor. */
  public interface Outbox {
    /** Sends an envelope as it is (StateInfo is relayed with its author's signature). */
    void send(PkiId to, Envelope envelope);

    void reject(Rejection rejection, PkiId from);

    /** The peers alive in membership, of any org. */
    Collection<PkiId> alive();

    /** Whether {@code peer} is a Hearsay peer (it announced an Artery address), not Fabric's. */
    default boolean isHearsayPeer(PkiId peer) {
      return false;
    }
  }

  private final String channel;
  private final EnvelopeSigner signer;
  private final EnvelopeVerifier verifier;
  private final long incarnation;
  private final Settings settings;
  private final Optional<RumorMongering<PkiId>> rumors;
  private final SplittableRandom random;
  private final Outbox outbox;
  private final StateInfoTable table;
  /** Peers that proved membership by a StateInfo pull request carrying the channel MAC. */
  private final Set<PkiId> provenByMac = new HashSet<>();
  /** Counts changes of {@link #provenByMac}. */
  private long provenByMacVersion;
  /** Peers our current StateInfo went to, so it precedes our first message to the others. */
  private final Set<PkiId> haveOurs = new HashSet<>();
  /** Peers some StateInfo of ours went to (since they last restarted): they know we are in the channel. */
  private final Set<PkiId> haveAny = new HashSet<>();
  /** When a new StateInfo of ours last went to every Hearsay peer (System.nanoTime). */
  private long lastToHearsayPeers;
  /**
   * This round's share of the interval to Hearsay peers, drawn from [0.5, 1.5) per round: peers
   * started together would otherwise send their rounds together, every peer to every member at
   * once (at 1000 peers a million StateInfo in one burst that held both cores for seconds of
   * network time); the mean interval, and so the byte bound, stays as set.
   */
  private double roundShare;
  /** Whether a push or IHAVE showed a peer's height since the last anti-entropy round. */
  private boolean heightsShownSinceRound;
  /**
   * The share of pullWhileHeightsShown after which the next backstop round is due, drawn from half
   * to one and a half at each round: peers started together ran their last quiet rounds together,
   * and their backstop rounds, all at one tick, were the slowest block of 1000-peer runs.
   */
  private double backstopShare = 1;
  /** Whether no push or IHAVE showed a height in the last tick: a quiet channel. */
  private boolean quiet = true;
  /** Where the committer waited for a missing block at the last anti-entropy tick, -1 if nowhere. */
  private long gapAtLastTick = -1;
  private long lastRound;
  /** Peers sent a StateInfo pull request, as our proof, before we had a StateInfo to send. */
  private final Set<PkiId> askedBeforeFirstPublish = new HashSet<>();
  /** Peers asked in this push-pull round, whose snapshot is answered with what they lacked. */
  private final Set<PkiId> awaitingSnapshot = new HashSet<>();
  /** Peers sent this round's digest summary: an empty snapshot from one says it holds other StateInfo. */
  private final Set<PkiId> sentSummary = new HashSet<>();
  private Set<PkiId> lastAlive = Set.of();
  private Envelope ours;
  private PeerTime ownTime;
  private long sequence;
  private long publishedHeight = -1;
  /** How many proven members were alive when last listed. */
  private int lastMembers;
  private long knownHeight = -1;

  public StateInfoGossip(String channel, Set<String> channelOrgs, EnvelopeSigner signer, EnvelopeVerifier verifier,
      long incarnation, Settings settings, SplittableRandom random, Outbox outbox) {
    this.channel = channel;
    this.signer = signer;
    this.verifier = verifier;
    this.incarnation = incarnation;
    this.random = random;
    this.outbox = outbox;
    this.table = new StateInfoTable(channel, channelOrgs);
    this.settings = settings;
    this.rumors = settings.spread() == Spread.RUMOR
        ? Optional.of(new RumorMongering<>(settings.rumor(), random)) : Optional.empty();
    this.roundShare = nextRoundShare();
  }

  /** The latest StateInfo of every member: heights, and who is in the channel. */
  public StateInfoTable table() {
    return table;
  }

  /** The ledger height this peer's own StateInfo announced last, -1 before its first. */
  public long publishedHeight() {
    return publishedHeight;
  }

  /** Whether {@code peer} proved membership of the channel, by its StateInfo or the channel MAC. */
  public boolean isProvenMember(PkiId peer) {
    return table.isMember(peer) || provenByMac.contains(peer);
  }

  /**
   * Changes whenever a peer proves membership or is forgotten; the same while only heights change,
   * so a list of proven members stays valid while it does.
   */
  public long provenMembersVersion() {
    return table.membersVersion() + provenByMacVersion;
  }

  /** The alive peers that proved membership. */
  public List<PkiId> provenMembersAlive() {
    return outbox.alive().stream().filter(this::isProvenMember).toList();
  }

  /**
   * Membership changed: what is known of peers no longer alive is forgotten, and (with
   * introduceToNewPeers) peers newly alive get our StateInfo.
   */
  public void membersChanged(Set<PkiId> alive) {
    table.retainOnly(alive);
    if (provenByMac.retainAll(alive)) {
      provenByMacVersion++;
    }
    haveAny.retainAll(alive);
    // Before the first StateInfo (the ledger still opening) the first publish introduces this peer
    // to every peer alive then; introducing it now would send each a pull request, each answered
    // with a whole snapshot: n² snapshots of n entries when a thousand peers start together.
    if (settings.introduceToNewPeers() && (ours != null || knownHeight > 0)) {
      alive.stream().filter(p -> !lastAlive.contains(p)).forEach(this::introduceTo);
    }
    lastAlive = Set.copyOf(alive);
  }

  /** A verified StateInfo from {@code from} (its author, or a peer relaying it). */
  public void onStateInfo(SignedGossipMessage message, PkiId from) {
    // Its author (maybe relayed) must be who it claims by this channel's MSPs, not only by some channel's.
    Optional<Rejection> invalid = verifier.identities().validInChannel(channel, message.signer(), Instant.now());
    if (invalid.isPresent()) {
      outbox.reject(invalid.get(), from);
      return;
    }
    long incarnationBefore = table.entry(message.signer().pkiId()).map(e -> e.time().getIncNum()).orElse(-1L);
    StateInfoTable.Outcome outcome = table.onStateInfo(message);
    if (outcome instanceof StateInfoTable.Updated updated && incarnationBefore >= 0
        && updated.entry().time().getIncNum() != incarnationBefore) {
      // It restarted and forgot what we sent it: our next message to it brings our StateInfo again.
      haveAny.remove(updated.entry().pkiId());
      haveOurs.remove(updated.entry().pkiId());
    }
    if (outcome instanceof StateInfoTable.Refused refused) {
      outbox.reject(refused.rejection(), from);
    } else if (outcome instanceof StateInfoTable.Updated updated && rumors.isPresent()) {
      spreadRumor(updated.entry().pkiId(), message.envelope(), new HashSet<>(List.of(from, updated.entry().pkiId())));
    }
  }

  /**
   * The elements of a StateInfo snapshot, each verified on its own (they are others' messages).
   * A snapshot answering this peer's push-pull request is answered with what it lacked.
   */
  public void onSnapshot(List<Envelope> elements, PkiId from) {
    Map<PkiId, PeerTime> theirs = new HashMap<>();
    for (Envelope element : elements) {
      Verdict<SignedGossipMessage> verdict = verifier.verify(element, Optional.empty(), Instant.now());
      if (!verdict.isAccepted()) {
        outbox.reject(verdict.rejection(), from);
      } else if (verdict.value().message().hasStateInfo()) {
        PkiId author = verdict.value().signer().pkiId();
        theirs.put(author, verdict.value().message().getStateInfo().getTimestamp());
        if (!author.equals(signer.self().pkiId())) {
          onStateInfo(verdict.value(), from);
        }
      }
    }
    // Our summary differed from what it holds: the whole digest follows, answered with what we lack.
    if (sentSummary.remove(from) && elements.isEmpty() && isProvenMember(from)) {
      outbox.send(from, EnvelopeSigner.noopSign(StateInfoDigest.request(signer.self().pkiId(), channel, held())));
    }
    // StateInfo goes only to proven members: an answer without its author's StateInfo gets nothing back.
    if (awaitingSnapshot.remove(from) && isProvenMember(from)) {
      List<Envelope> lacking = lackedBy(from, (author, time) -> PeerTimes.isNewerThanKnown(time, theirs, author));
      if (!lacking.isEmpty()) {
        outbox.send(from, EnvelopeSigner.noopSign(GossipMessages.stateInfoSnapshot(channel, lacking)));
      }
    }
  }

  /** One anti-entropy round with {@code peers} random peers, in the configured exchange mode. */
  public void antiEntropyRound(int peers) {
    if (settings.exchange() == AntiEntropy.Mode.PUSH) {
      List<Envelope> elements = snapshotElements();
      if (elements.isEmpty()) {
        return;
      }
      Envelope snapshot = EnvelopeSigner.noopSign(GossipMessages.stateInfoSnapshot(channel, elements));
      RandomPeers.pick(provenMembersAlive(), peers, random).forEach(peer -> outbox.send(peer, snapshot));
      return;
    }
    // A pull request may go to any alive peer: it proves our membership, and reveals nothing. A
    // digest names the channel's members, so it goes only to Hearsay peers proven members.
    Envelope request = EnvelopeSigner.noopSign(GossipMessages.stateInfoPullRequest(signer.self().pkiId(), channel));
    boolean digests = settings.hearsayPeers().digestPull() && settings.exchange() == AntiEntropy.Mode.PULL;
    boolean summary = summaryFirst();
    Envelope digestRequest = null;
    awaitingSnapshot.clear();
    sentSummary.clear();
    for (PkiId peer : RandomPeers.pick(pullCandidates(), peers, random)) {
      if (digests && outbox.isHearsayPeer(peer) && isProvenMember(peer)) {
        if (digestRequest == null) {
          digestRequest = EnvelopeSigner.noopSign(summary
              ? StateInfoDigest.summaryRequest(signer.self().pkiId(), channel, heldOfOthers(signer.self().pkiId()))
              : StateInfoDigest.request(signer.self().pkiId(), channel, held()));
        }
        outbox.send(peer, digestRequest);
        if (summary) {
          sentSummary.add(peer);
        }
        continue;
      }
      outbox.send(peer, request);
      if (settings.exchange() == AntiEntropy.Mode.PUSH_PULL) {
        awaitingSnapshot.add(peer);
      }
    }
  }

  /**
   * The peers a pull round may ask. With introduceToNewPeers, a Hearsay peer not yet proven a
   * member is left out: its own introduction brings its StateInfo, and our plain request would be
   * answered with its whole snapshot. When a thousand peers start together, the introductions
   * are still in flight at the first rounds; whole snapshots (each up to the channel's every
   * StateInfo, already on its way), answering these rounds and the requests sent before a first
   * StateInfo, were 870 MB of the cold start's 1.1 GB.
   */
  private Collection<PkiId> pullCandidates() {
    if (!settings.introduceToNewPeers()) {
      return outbox.alive();
    }
    return outbox.alive().stream().filter(p -> isProvenMember(p) || !outbox.isHearsayPeer(p)).toList();
  }

  /**
   * A StateInfo pull request: the snapshot to answer it with, or empty (a counted rejection) when
   * its channel MAC is not this channel's for its sender.
   */
  public Optional<GossipMessage> onPullRequest(GossipMessage request, PkiId from) {
    if (!request.getStateInfoPullReq().getChannelMAC().equals(GossipMessages.channelMac(from, channel))) {
      outbox.reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL, "StateInfo pull request from %s for another channel",
          from), from);
      return Optional.empty();
    }
    if (provenByMac.add(from)) {
      provenByMacVersion++;
    }
    Optional<StateInfoDigest.Held> held;
    Optional<ByteString> summary;
    try {
      held = StateInfoDigest.of(request);
      summary = StateInfoDigest.summaryOf(request);
    } catch (StateInfoDigest.MalformedDigest e) {
      outbox.reject(Rejection.of(RejectionReason.MALFORMED_REQUEST, "%s", e.getMessage()), from);
      return Optional.empty();
    }
    if (summary.isPresent()) {
      // A Hearsay peer's summary: no answer when we hold the same, an empty snapshot when not.
      return summary.get().equals(StateInfoDigest.summary(heldOfOthers(from))) ? Optional.empty()
          : Optional.of(GossipMessages.stateInfoSnapshot(channel, List.of()));
    }
    if (held.isEmpty()) {
      return Optional.of(GossipMessages.stateInfoSnapshot(channel, snapshotElements()));
    }
    // A digest request (a Hearsay peer's): only what it lacks, and nothing at all when that is nothing.
    List<Envelope> lacking = lackedBy(from, held.get()::lacks);
    return lacking.isEmpty() ? Optional.empty()
        : Optional.of(GossipMessages.stateInfoSnapshot(channel, atMost(lacking, ours, DIGEST_ANSWER_ENTRIES, random)));
  }

  /**
   * At most {@code max} of the entries a digest request {@code lacking}: {@code ours} first, when
   * it is among them, and the rest drawn at random, so the peers asked in one round answer with
   * different entries. A pull is the backstop for a StateInfo lost on its way; what a peer lacks in
   * bulk (a thousand peers started together, each asking while the others' introductions are still
   * in flight) is mostly on its way already, and each answer was up to the whole channel's.
   */
  static List<Envelope> atMost(List<Envelope> lacking, Envelope ours, int max, SplittableRandom random) {
    if (lacking.size() <= max) {
      return lacking;
    }
    boolean oursFirst = ours != null && lacking.get(0) == ours;
    List<Envelope> answer = new ArrayList<>(max);
    if (oursFirst) {
      answer.add(ours);
    }
    List<Envelope> others = RandomPeers.shuffled(oursFirst ? lacking.subList(1, lacking.size()) : lacking, random);
    answer.addAll(others.subList(0, max - answer.size()));
    return answer;
  }

  /** Our StateInfo and every member's latest. */
  private List<Envelope> snapshotElements() {
    List<Envelope> elements = new ArrayList<>();
    if (ours != null) {
      elements.add(ours);
    }
    table.entries().forEach(e -> elements.add(e.message().envelope()));
    return elements;
  }

  /**
   * Our StateInfo and every member's latest but {@code peer}'s own that {@code lacks} says {@code
   * peer} lacks or holds older: what goes back to it after a push-pull or digest exchange.
   */
  private List<Envelope> lackedBy(PkiId peer, BiPredicate<PkiId, PeerTime> lacks) {
    List<Envelope> lacking = new ArrayList<>();
    if (ours != null && lacks.test(signer.self().pkiId(), ownTime)) {
      lacking.add(ours);
    }
    table.entries().stream().filter(e -> !e.pkiId().equals(peer) && lacks.test(e.pkiId(), e.time()))
        .forEach(e -> lacking.add(e.message().envelope()));
    return lacking;
  }

  /**
   * Whether a digest round sends the summary first. In a quiet channel peers come to hold the same
   * StateInfo and the summary is all a round sends. While blocks flow, each peer's newest
   * StateInfo is withheld from the others, the summaries nearly always differ, and the list would
   * follow anyway a round trip later: at 1000 peers that made the backstop rounds' burst longer.
   */
  private boolean summaryFirst() {
    return quiet || !settings.hearsayPeers().heightsRideOnBlocks();
  }

  /**
   * {@link #held()} but {@code requester}'s own StateInfo, which it never lacks: what a digest
   * summary covers, so a peer's summary does not differ from others' for its own StateInfo, newer
   * than what it sent them while its blocks show its height.
   */
  private Map<PkiId, PeerTime> heldOfOthers(PkiId requester) {
    Map<PkiId, PeerTime> held = held();
    held.remove(requester);
    return held;
  }

  /** The time of our StateInfo and of every member's latest, for a digest request. */
  private Map<PkiId, PeerTime> held() {
    Map<PkiId, PeerTime> held = new HashMap<>();
    if (ours != null) {
      held.put(signer.self().pkiId(), ownTime);
    }
    table.entries().forEach(e -> held.put(e.pkiId(), e.time()));
    return held;
  }

  /**
   * The ledger height is known: with introduceToNewPeers, the first StateInfo is published at once
   * rather than at the next publish interval, so this peer's first channel messages carry their
   * proof of membership (a message from a peer not yet proven is refused).
   */
  public void heightKnown(long height) {
    knownHeight = height;
    if (settings.introduceToNewPeers() && ours == null && height > 0) {
      publish(height);
    }
  }

  /**
   * {@code peer} pushed or announced block {@code height - 1}: a proven member's height is at least
   * {@code height} when that block follows the height known of it (see {@link StateInfoTable#observeHeight}).
   */
  public void heightShown(PkiId peer, long height) {
    table.observeHeight(peer, height);
    heightsShownSinceRound = true;
  }

  /**
   * Whether the anti-entropy round of this requestStateInfoInterval tick is to run, this peer's
   * committer waiting at {@code gapAt} for a block while holding later ones (-1: it waits for
   * none). Always, unless heights ride on blocks: then, while pushes or IHAVEs keep showing
   * heights, only every pullWhileHeightsShown (a backstop for a lost StateInfo; each time after a
   * random half to one and a half of it, so that peers do not run it together), or when the gap
   * is where it was at the last tick; in a quiet channel (nothing shown since the last tick) every
   * tick, so a peer back from a partition too short to be declared dead learns that others moved
   * on. A gap that outlives a tick is a block neither push nor pull brings (older than pull
   * keeps): state transfer needs a peer known to hold it, and the heights blocks show are no help
   * when the pushers wait below the same gap. At a cold start of 1000 peers, 800 missed an early
   * block and committed nothing for forty seconds, until a StateInfo round showed who held it.
   */
  public boolean antiEntropyDue(long nowNanos, long gapAt) {
    boolean stuck = gapAt >= 0 && gapAt == gapAtLastTick;
    gapAtLastTick = gapAt;
    boolean due = !settings.hearsayPeers().heightsRideOnBlocks() || !heightsShownSinceRound || stuck
        || nowNanos - lastRound >= (long) (settings.hearsayPeers().pullWhileHeightsShown().toNanos() * backstopShare);
    quiet = !heightsShownSinceRound;
    heightsShownSinceRound = false;
    if (due) {
      lastRound = nowNanos;
      backstopShare = nextRoundShare();
    }
    return due;
  }

  /**
   * Publishes this peer's ledger height if it changed since the last StateInfo: to every proven
   * member, but, when heights ride on blocks, to a Hearsay peer that holds an earlier StateInfo of
   * ours only every {@link HearsayPeers#intervalNanos} (each round drawn from half to one and a
   * half of it).
   */
  public void publish(long height) {
    publish(height, System.nanoTime());
  }

  /** {@link #publish(long)} at {@code nowNanos}; an unchanged height sends what was withheld, when due. */
  public void publish(long height, long nowNanos) {
    if (height < 0) {
      return;
    }
    if (height == publishedHeight) {
      sendWithheld(nowNanos);
      return;
    }
    publishedHeight = height;
    ownTime = PeerTimes.of(incarnation, ++sequence);
    boolean first = ours == null;
    ours = signer.sign(GossipMessages.stateInfo(signer.self().pkiId(), channel, ownTime, height)).envelope();
    haveOurs.clear();
    if (first && settings.introduceToNewPeers()) {
      lastAlive.forEach(this::introduceTo);
    }
    if (settings.spread() == Spread.RUMOR) {
      spreadRumor(signer.self().pkiId(), ours, Set.of());
      return;
    }
    if (settings.spread() == Spread.ANTI_ENTROPY) {
      return;
    }
    List<PkiId> members = provenMembersAlive();
    lastMembers = members.size();
    boolean toHearsayPeers = !settings.hearsayPeers().heightsRideOnBlocks() || first
        || hearsayPeersDue(members.size(), nowNanos);
    if (toHearsayPeers) {
      toHearsayPeersAt(nowNanos);
    }
    for (PkiId member : members) {
      if (toHearsayPeers || !knowsWeAreMember(member)) {
        outbox.send(member, ours);
        haveOurs.add(member);
        haveAny.add(member);
      }
    }
  }

  /**
   * Our latest StateInfo, withheld from Hearsay peers while our blocks showed them our height, goes
   * to them when due: when blocks stop, every member ends up holding it.
   */
  private void sendWithheld(long nowNanos) {
    if (ours == null || !settings.hearsayPeers().heightsRideOnBlocks()) {
      return;
    }
    // Whether a round is due depends on the members only through their number: the number of the
    // last list (made at each new height) tells a tick that sends nothing without listing them.
    if (!hearsayPeersDue(lastMembers, nowNanos)) {
      return;
    }
    List<PkiId> members = provenMembersAlive();
    lastMembers = members.size();
    if (!hearsayPeersDue(members.size(), nowNanos)) {
      return;
    }
    List<PkiId> withheld = members.stream().filter(member -> !haveOurs.contains(member)).toList();
    for (PkiId member : withheld) {
      outbox.send(member, ours);
      haveOurs.add(member);
      haveAny.add(member);
    }
    if (!withheld.isEmpty()) {
      toHearsayPeersAt(nowNanos);
    }
  }

  private void toHearsayPeersAt(long nowNanos) {
    lastToHearsayPeers = nowNanos;
    roundShare = nextRoundShare();
  }

  private double nextRoundShare() {
    return settings.hearsayPeers().heightsRideOnBlocks() ? 0.5 + random.nextDouble() : 1;
  }

  /** Whether a new StateInfo of ours is due to the Hearsay peers that hold an earlier one. */
  private boolean hearsayPeersDue(int members, long nowNanos) {
    long interval = settings.hearsayPeers().intervalNanos(members, ours.getSerializedSize());
    return nowNanos - lastToHearsayPeers >= (long) (interval * roundShare);
  }

  /** A Hearsay peer that holds a StateInfo of ours, when our blocks show it our height. */
  private boolean knowsWeAreMember(PkiId peer) {
    return settings.hearsayPeers().heightsRideOnBlocks() && haveAny.contains(peer) && outbox.isHearsayPeer(peer);
  }

  /**
   * Called before any channel message to {@code to}: our StateInfo goes first, once per StateInfo
   * we publish, so the receiver can tell we are in the channel before the message arrives.
   * Membership proofs are otherwise one-sided for a while, and a block from a peer not yet known as
   * a member is refused.
   */
  public void introduceTo(PkiId to) {
    if (ours == null && knownHeight > 0) {
      // A first message before the first publish tick (a state request, a pull hello) would
      // otherwise reach a peer that cannot tell we are in the channel, and be refused.
      publish(knownHeight);
    }
    if (ours != null) {
      if (!knowsWeAreMember(to) && haveOurs.add(to)) {
        outbox.send(to, ours);
        haveAny.add(to);
      }
    } else if (askedBeforeFirstPublish.add(to)) {
      // No height to announce yet (the ledger is still opening): a StateInfo pull request proves
      // membership as well, by its channel MAC, and the answer brings the peer's snapshot. To a
      // Hearsay peer it goes with an empty digest, which reveals nothing: the answer is then at
      // most DIGEST_ANSWER_ENTRIES, not the whole channel's StateInfo, most of which the others'
      // introductions bring anyway (at a cold start of 1000 peers, these answers were 430 MB).
      boolean digest = settings.hearsayPeers().digestPull() && outbox.isHearsayPeer(to);
      GossipMessage request = digest ? StateInfoDigest.request(signer.self().pkiId(), channel, Map.of())
          : GossipMessages.stateInfoPullRequest(signer.self().pkiId(), channel);
      outbox.send(to, EnvelopeSigner.noopSign(request));
    }
  }

  /**
   * Pushes a new StateInfo to random proven members until rumor mongering loses interest in it
   * (blind: every contact counts, as Fabric's StateInfo has no answer that would tell).
   */
  private void spreadRumor(PkiId subject, Envelope stateInfo, Set<PkiId> exclude) {
    RumorMongering<PkiId> rumor = rumors.orElseThrow();
    rumor.learned(subject);
    List<PkiId> targets = RandomPeers.shuffled(provenMembersAlive(), random);
    targets.removeAll(exclude);
    for (PkiId target : targets) {
      if (!rumor.isHot(subject)) {
        break;
      }
      outbox.send(target, stateInfo);
      if (subject.equals(signer.self().pkiId())) {
        haveOurs.add(target);
        haveAny.add(target);
      }
      rumor.pushed(subject, false);
    }
  }
}
