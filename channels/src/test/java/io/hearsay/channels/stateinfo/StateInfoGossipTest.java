package io.hearsay.channels.stateinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.PeerTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Heights riding on blocks: a Hearsay peer that knows we are in the channel is not sent every new StateInfo. */
class StateInfoGossipTest {

  private static final String CHANNEL = "mychannel";

  private final SigningIdentity self = TestCrypto.peer(1, 0);
  private final SigningIdentity hearsay = TestCrypto.peer(1, 1);
  private final SigningIdentity fabric = TestCrypto.peer(1, 2);
  /** Who got a StateInfo of ours, in order. */
  private final List<PkiId> stateInfoTo = new ArrayList<>();
  /** What went, in the same order. */
  private final List<Envelope> sent = new ArrayList<>();
  private final List<Rejection> rejections = new ArrayList<>();
  private final StateInfoGossip.Outbox outbox = new StateInfoGossip.Outbox() {
        @Override
        public void send(PkiId to, Envelope envelope) {
          stateInfoTo.add(to);
          sent.add(envelope);
        }

        @Override
        public void reject(Rejection rejection, PkiId from) {
          rejections.add(rejection);
        }

        @Override
        public Collection<PkiId> alive() {
          return List.of(hearsay.pkiId(), fabric.pkiId());
        }

        @Override
        public boolean isHearsayPeer(PkiId peer) {
          return peer.equals(hearsay.pkiId());
        }
      };
  private final EnvelopeVerifier verifier = new EnvelopeVerifier(new IdentityMapper(TestCrypto.msps()), 1 << 20);
  private final StateInfoGossip gossip = gossip(false);

  {
    for (SigningIdentity peer : List.of(self, hearsay, fabric)) {
      verifier.identities().learn(peer.identity(), Instant.now());
    }
  }

  private StateInfoGossip gossip(boolean introduceToNewPeers) {
    return gossip(introduceToNewPeers, hearsayPeers(false));
  }

  /** Heights ride on blocks, a StateInfo to Hearsay peers every hour, with or without digest pulls. */
  private static StateInfoGossip.HearsayPeers hearsayPeers(boolean digestPull) {
    return new StateInfoGossip.HearsayPeers(Duration.ofHours(1), Duration.ofSeconds(60), 0, digestPull);
  }

  private StateInfoGossip gossip(boolean introduceToNewPeers, StateInfoGossip.HearsayPeers hearsayPeers) {
    return gossip(introduceToNewPeers, hearsayPeers, 1);
  }

  private StateInfoGossip gossip(boolean introduceToNewPeers, StateInfoGossip.HearsayPeers hearsayPeers, long seed) {
    return new StateInfoGossip(CHANNEL, Set.of("Org1MSP"), new EnvelopeSigner(self), verifier, 1,
        new StateInfoGossip.Settings(StateInfoGossip.Settings.FABRIC.spread(), StateInfoGossip.Settings.FABRIC.rumor(),
            StateInfoGossip.Settings.FABRIC.exchange(), introduceToNewPeers, hearsayPeers),
        new SplittableRandom(seed), outbox);
  }

  @AfterEach
  void nothingElseRejected() {
    assertEquals(List.of(), rejections);
  }

  private static SignedGossipMessage stateInfo(SigningIdentity who, long incarnation, long seq, long height) {
    return new EnvelopeSigner(who).sign(GossipMessages.stateInfo(who.pkiId(), CHANNEL, PeerTimes.of(incarnation, seq), height));
  }

  private void bothProven() {
    gossip.onStateInfo(stateInfo(hearsay, 1, 1, 1), hearsay.pkiId());
    gossip.onStateInfo(stateInfo(fabric, 1, 1, 1), fabric.pkiId());
  }

  @Test
  void aHearsayPeerHoldingOurStateInfoIsNotSentTheNextWithinTheIntervalAndAFabricPeerIs() {
    bothProven();
    gossip.publish(1, 0);
    assertEquals(List.of(hearsay.pkiId(), fabric.pkiId()), stateInfoTo, "the first goes to every member");
    stateInfoTo.clear();

    long hour = Duration.ofHours(1).toNanos();
    gossip.publish(2, 1);
    gossip.introduceTo(hearsay.pkiId());
    gossip.introduceTo(fabric.pkiId());
    assertEquals(List.of(fabric.pkiId()), stateInfoTo, "our blocks show the Hearsay peer our height");
    stateInfoTo.clear();

    gossip.publish(2, hour / 2 - 1);
    assertEquals(List.of(), stateInfoTo, "a round comes no sooner than half the interval");
    gossip.publish(2, hour * 3 / 2);
    assertEquals(List.of(hearsay.pkiId()), stateInfoTo,
        "blocks stopped: the withheld StateInfo goes after the interval, at most one and a half of it");
  }

  @Test
  void peersStartedTogetherSendTheirRoundsToHearsayPeersApart() {
    long hour = Duration.ofHours(1).toNanos();
    long tenth = hour / 10;
    Set<Long> firstRounds = new TreeSet<>();
    for (long seed = 1; seed <= 20; seed++) {
      StateInfoGossip peer = gossip(false, hearsayPeers(false), seed);
      peer.onStateInfo(stateInfo(hearsay, 1, 1, 1), hearsay.pkiId());
      peer.publish(1, 0);
      peer.publish(2, 1);
      stateInfoTo.clear();
      long t = 0;
      while (stateInfoTo.isEmpty() && t <= 2 * hour) {
        t += tenth;
        peer.publish(2, t);
      }
      firstRounds.add(t / tenth);
    }
    stateInfoTo.clear();
    assertTrue(firstRounds.stream().allMatch(tenths -> tenths >= 5 && tenths <= 15), firstRounds.toString());
    assertTrue(firstRounds.size() >= 5, "twenty peers' rounds fall in " + firstRounds + " tenths of the interval");
  }

  @Test
  void peersSeenAliveBeforeTheLedgerOpensAreIntroducedByTheFirstStateInfoNotEachByAPullRequest() {
    StateInfoGossip introducing = gossip(true);
    introducing.membersChanged(Set.of(hearsay.pkiId(), fabric.pkiId()));
    assertEquals(List.of(), stateInfoTo,
        "no height yet: nothing, where a pull request to each would bring back each one's whole snapshot");
    introducing.heightKnown(1);
    assertEquals(Set.of(hearsay.pkiId(), fabric.pkiId()), Set.copyOf(stateInfoTo), "the first StateInfo introduces us");
    assertEquals(2, stateInfoTo.size());

    stateInfoTo.clear();
    StateInfoGossip opening = gossip(true);
    opening.introduceTo(hearsay.pkiId());
    assertEquals(List.of(hearsay.pkiId()), stateInfoTo,
        "a message about to go before any height: a pull request goes first, its channel MAC the proof");
  }

  @Test
  void beforeTheLedgerOpensAHearsayPeerIsAskedWithAnEmptyDigestAndAFabricPeerWithFabricsRequest() throws Exception {
    StateInfoGossip opening = gossip(true, hearsayPeers(true));
    opening.introduceTo(hearsay.pkiId());
    opening.introduceTo(fabric.pkiId());
    assertEquals(List.of(hearsay.pkiId(), fabric.pkiId()), stateInfoTo);
    assertEquals(Map.of(), StateInfoDigest.of(verified(sent.get(0))).orElseThrow().times(),
        "an empty digest reveals no member, and its answer is at most DIGEST_ANSWER_ENTRIES");
    assertTrue(StateInfoDigest.of(verified(sent.get(1))).isEmpty());
  }

  @Test
  void aDigestAnswerHoldsAtMostItsBoundOursFirstAndTheRestDrawnAtRandom() {
    List<Envelope> lacking = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lacking.add(Envelope.newBuilder().setPayload(ByteString.copyFrom(new byte[] {(byte) i})).build());
    }
    assertEquals(lacking, StateInfoGossip.atMost(lacking, lacking.get(0), 10, new SplittableRandom(1)));
    Set<Envelope> drawn = new java.util.HashSet<>();
    for (int seed = 0; seed < 20; seed++) {
      List<Envelope> answer = StateInfoGossip.atMost(lacking, lacking.get(0), 4, new SplittableRandom(seed));
      assertEquals(4, answer.size());
      assertEquals(lacking.get(0), answer.get(0), "ours is what proves us: always in");
      assertEquals(4, Set.copyOf(answer).size());
      assertTrue(lacking.containsAll(answer));
      drawn.addAll(answer);
    }
    assertEquals(10, drawn.size(), "over twenty answers every lacking entry was drawn");
    assertEquals(3, StateInfoGossip.atMost(lacking, null, 3, new SplittableRandom(1)).size());
  }

  @Test
  void aHearsayPeerThatRestartedIsSentOurStateInfoBeforeOurNextMessage() {
    bothProven();
    gossip.publish(1);
    stateInfoTo.clear();
    gossip.onStateInfo(stateInfo(hearsay, 2, 1, 1), hearsay.pkiId()); // a new incarnation: it forgot ours
    gossip.introduceTo(hearsay.pkiId());
    assertEquals(List.of(hearsay.pkiId()), stateInfoTo);
  }

  @Test
  void aPushOrAnnouncementRaisesAMembersHeightButNotAStrangersOrBelowWhatItSigned() {
    bothProven();
    gossip.heightShown(hearsay.pkiId(), 9);
    assertEquals(1, gossip.table().entry(hearsay.pkiId()).orElseThrow().ledgerHeight(),
        "block 8 alone does not show it holds 1..7");
    for (long shown = 1; shown <= 8; shown++) {
      gossip.heightShown(hearsay.pkiId(), shown + 1);
    }
    gossip.heightShown(fabric.pkiId(), 0);
    gossip.heightShown(self.pkiId(), 5);
    assertEquals(9, gossip.table().entry(hearsay.pkiId()).orElseThrow().ledgerHeight());
    assertEquals(1, gossip.table().entry(fabric.pkiId()).orElseThrow().ledgerHeight());
    assertEquals(1, gossip.table().entry(hearsay.pkiId()).orElseThrow().message().message().getStateInfo()
        .getProperties().getLedgerHeight(), "the signed StateInfo, relayed in snapshots, is as its author signed it");
    assertFalse(gossip.table().isMember(self.pkiId()));
  }

  @Test
  void whileBlocksShowHeightsTheStateInfoPullRunsOnlyAsABackstopAndInAQuietChannelEveryTick() {
    long second = 1_000_000_000L;
    bothProven();
    assertTrue(gossip.antiEntropyDue(0, -1), "nothing shown yet: a quiet channel pulls");
    long t = 4;
    for (; t <= 92; t += 4) {
      gossip.heightShown(hearsay.pkiId(), 2 + t);
      if (gossip.antiEntropyDue(t * second, -1)) {
        break;
      }
    }
    assertTrue(t >= 30 && t <= 90, "the backstop, a random 30 to 90 s after the last round: " + t + " s");
    assertTrue(gossip.antiEntropyDue((t + 4) * second, -1), "blocks stopped: every tick again");
  }

  @Test
  void peersStartedTogetherRunTheirBackstopRoundsApart() {
    long second = 1_000_000_000L;
    Set<Long> backstops = new TreeSet<>();
    for (long seed = 1; seed <= 20; seed++) {
      StateInfoGossip peer = gossip(false, hearsayPeers(false), seed);
      assertTrue(peer.antiEntropyDue(0, -1), "the quiet rounds of a start, together");
      long t = 4;
      for (peer.heightShown(hearsay.pkiId(), 2); !peer.antiEntropyDue(t * second, -1); t += 4) {
        peer.heightShown(hearsay.pkiId(), 2 + t);
      }
      backstops.add(t);
    }
    assertTrue(backstops.stream().allMatch(t -> t >= 30 && t <= 92), backstops.toString());
    assertTrue(backstops.size() >= 5, "twenty peers' first backstop rounds at " + backstops + " s");
  }

  @Test
  void aGapThatOutlivesATickIsPulledForWhileBlocksShowHeights() {
    long second = 1_000_000_000L;
    bothProven();
    assertTrue(gossip.antiEntropyDue(0, -1));
    gossip.heightShown(hearsay.pkiId(), 2);
    assertFalse(gossip.antiEntropyDue(4 * second, 7), "a gap seen first: push or pull may still bring the block");
    gossip.heightShown(hearsay.pkiId(), 3);
    assertTrue(gossip.antiEntropyDue(8 * second, 7), "the same gap a tick later: who holds block 7 is asked");
    gossip.heightShown(hearsay.pkiId(), 4);
    assertFalse(gossip.antiEntropyDue(12 * second, 9), "a new gap, further on");
    gossip.heightShown(hearsay.pkiId(), 5);
    assertFalse(gossip.antiEntropyDue(16 * second, -1), "no gap");
  }

  private StateInfoGossip digesting() {
    StateInfoGossip digesting = gossip(false, hearsayPeers(true));
    digesting.onStateInfo(stateInfo(hearsay, 1, 2, 5), hearsay.pkiId());
    digesting.onStateInfo(stateInfo(fabric, 1, 1, 4), fabric.pkiId());
    digesting.publish(6, 0);
    stateInfoTo.clear();
    sent.clear();
    return digesting;
  }

  /**
   * {@code envelope} as a receiver takes it in from us over an authenticated link: a signature
   * checked where one is due.
   */
  private GossipMessage verified(Envelope envelope) {
    return verifier.verifyFromAuthenticated(envelope, self.pkiId(), Instant.now()).value().message();
  }

  @Test
  void aPullRoundSendsAHearsayMemberTheSummaryOfWhatWeHoldAndAFabricPeerFabricsOwnRequest() throws Exception {
    StateInfoGossip digesting = digesting();
    digesting.antiEntropyRound(2);
    assertEquals(Set.of(hearsay.pkiId(), fabric.pkiId()), Set.copyOf(stateInfoTo));
    for (int i = 0; i < sent.size(); i++) {
      GossipMessage request = verified(sent.get(i));
      assertTrue(request.hasStateInfoPullReq());
      assertTrue(StateInfoDigest.of(request).isEmpty(), "no list: only a summary, or Fabric's request");
      if (stateInfoTo.get(i).equals(fabric.pkiId())) {
        assertTrue(StateInfoDigest.summaryOf(request).isEmpty(), "a Fabric peer gets Fabric's request");
      } else {
        assertEquals(StateInfoDigest.summary(Map.of(hearsay.pkiId(), PeerTimes.of(1, 2), fabric.pkiId(), PeerTimes.of(1, 1))),
            StateInfoDigest.summaryOf(request).orElseThrow(), "signed and verified; of the others' StateInfo, not ours");
      }
    }
    sent.clear();
    stateInfoTo.clear();
    digesting.onSnapshot(List.of(), hearsay.pkiId());
    assertEquals(List.of(hearsay.pkiId()), stateInfoTo, "it holds other StateInfo: the list follows at once");
    StateInfoDigest.Held held = StateInfoDigest.of(verified(sent.get(0))).orElseThrow();
    assertEquals(3, held.times().size(), "the list names ours and both members'");
    assertFalse(held.lacks(hearsay.pkiId(), PeerTimes.of(1, 2)));
    assertTrue(held.lacks(hearsay.pkiId(), PeerTimes.of(1, 3)));
    assertTrue(held.lacks(PkiId.fromBytes(ByteString.copyFrom(new byte[32])), PeerTimes.of(1, 1)), "a member it does not hold");

    sent.clear();
    stateInfoTo.clear();
    digesting.onSnapshot(List.of(), hearsay.pkiId());
    assertEquals(List.of(), stateInfoTo, "one list per summary sent");
  }

  @Test
  void whileBlocksShowHeightsABackstopRoundSendsTheListAtOnce() throws Exception {
    StateInfoGossip digesting = digesting();
    digesting.heightShown(hearsay.pkiId(), 6);
    assertTrue(digesting.antiEntropyDue(Duration.ofSeconds(61).toNanos(), -1), "the backstop round");
    digesting.antiEntropyRound(2);
    assertEquals(Set.of(hearsay.pkiId(), fabric.pkiId()), Set.copyOf(stateInfoTo));
    assertEquals(3, StateInfoDigest.of(verified(sent.get(stateInfoTo.indexOf(hearsay.pkiId())))).orElseThrow().times().size(),
        "each peer withholds its newest StateInfo while its blocks show its height: summaries would differ");
  }

  @Test
  void aSummaryIsAnsweredWithNothingWhenWeHoldTheSameOfOthersAndWithAnEmptySnapshotWhenNot() throws Exception {
    StateInfoGossip digesting = digesting(); // holds ours (1, 1), hearsay's (1, 2) and fabric's (1, 1)
    Map<PkiId, PeerTime> same = Map.of(self.pkiId(), PeerTimes.of(1, 1), fabric.pkiId(), PeerTimes.of(1, 1));
    assertEquals(Optional.empty(), digesting.onPullRequest(
        StateInfoDigest.summaryRequest(hearsay.pkiId(), CHANNEL, same), hearsay.pkiId()),
        "the same StateInfo of every peer but the asker, whose own (maybe newer than ours of it) is left out");

    Map<PkiId, PeerTime> older = Map.of(self.pkiId(), PeerTimes.of(1, 1), fabric.pkiId(), PeerTimes.of(1, 0));
    GossipMessage answer = digesting.onPullRequest(StateInfoDigest.summaryRequest(hearsay.pkiId(), CHANNEL, older),
        hearsay.pkiId()).orElseThrow();
    assertEquals(0, answer.getStateSnapshot().getElementsCount(), "an empty snapshot: send the list");

    assertRefusedAsMalformed(digesting, StateInfoDigest.SUMMARY_FIELD, 31);
  }

  @Test
  void aHearsayPeerNotYetProvenAMemberGetsNoDigestItWouldLearnTheMembersFrom() throws Exception {
    StateInfoGossip digesting = gossip(false, hearsayPeers(true));
    digesting.onStateInfo(stateInfo(fabric, 1, 1, 4), fabric.pkiId());
    digesting.publish(6, 0);
    sent.clear();
    stateInfoTo.clear();
    digesting.antiEntropyRound(2);
    assertEquals(2, sent.size());
    for (Envelope request : sent) {
      assertTrue(StateInfoDigest.of(verified(request)).isEmpty());
    }
  }

  @Test
  void introducingItselfToNewPeersAPullRoundAsksNoHearsayPeerNotYetProvenAMember() throws Exception {
    StateInfoGossip introducing = gossip(true, hearsayPeers(true));
    introducing.publish(6, 0);
    sent.clear();
    stateInfoTo.clear();
    introducing.antiEntropyRound(2);
    assertEquals(List.of(fabric.pkiId()), stateInfoTo,
        "the Hearsay peer's own introduction brings its StateInfo; a Fabric peer is asked as Fabric asks it");
    assertTrue(StateInfoDigest.of(verified(sent.get(0))).isEmpty());

    introducing.onStateInfo(stateInfo(hearsay, 1, 1, 4), hearsay.pkiId());
    sent.clear();
    stateInfoTo.clear();
    introducing.antiEntropyRound(2);
    assertEquals(Set.of(hearsay.pkiId(), fabric.pkiId()), Set.copyOf(stateInfoTo), "once proven, it is asked");
  }

  @Test
  void aDigestRequestIsAnsweredWithOnlyWhatItLacksOrHoldsOlderAndNotAtAllWhenNothing() throws Exception {
    StateInfoGossip digesting = digesting();
    Map<PkiId, PeerTime> upToDate = Map.of(self.pkiId(), PeerTimes.of(1, 1), hearsay.pkiId(), PeerTimes.of(1, 2),
        fabric.pkiId(), PeerTimes.of(1, 1));
    assertEquals(Optional.empty(), digesting.onPullRequest(StateInfoDigest.request(hearsay.pkiId(), CHANNEL, upToDate),
        hearsay.pkiId()), "it holds everything we do: no answer");
    assertTrue(digesting.isProvenMember(hearsay.pkiId()));

    Map<PkiId, PeerTime> behind = Map.of(hearsay.pkiId(), PeerTimes.of(1, 2), fabric.pkiId(), PeerTimes.of(1, 0));
    GossipMessage answer = digesting.onPullRequest(StateInfoDigest.request(hearsay.pkiId(), CHANNEL, behind),
        hearsay.pkiId()).orElseThrow();
    List<PkiId> authors = answer.getStateSnapshot().getElementsList().stream()
        .map(e -> PkiId.fromBytes(verified(e).getStateInfo().getPkiId())).toList();
    assertEquals(Set.of(self.pkiId(), fabric.pkiId()), Set.copyOf(authors), "ours it lacks, fabric's it holds older");
    assertEquals(2, authors.size());

    GossipMessage fabricsOwn = GossipMessages.stateInfoPullRequest(fabric.pkiId(), CHANNEL);
    assertEquals(3, digesting.onPullRequest(fabricsOwn, fabric.pkiId()).orElseThrow().getStateSnapshot().getElementsCount(),
        "Fabric's request: the whole snapshot");
  }

  @Test
  void aMalformedDigestIsACountedRejectionAndGetsNoAnswer() {
    assertRefusedAsMalformed(digesting(), StateInfoDigest.FIELD, 23);
  }

  /** A pull request whose {@code field} holds {@code bytes} bytes is a counted MALFORMED_REQUEST, unanswered. */
  private void assertRefusedAsMalformed(StateInfoGossip digesting, int field, int bytes) {
    GossipMessage plain = GossipMessages.stateInfoPullRequest(hearsay.pkiId(), CHANNEL);
    UnknownFieldSet odd = UnknownFieldSet.newBuilder().addField(field,
        UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(new byte[bytes])).build()).build();
    GossipMessage malformed = plain.toBuilder()
        .setStateInfoPullReq(plain.getStateInfoPullReq().toBuilder().setUnknownFields(odd)).build();
    assertEquals(Optional.empty(), digesting.onPullRequest(malformed, hearsay.pkiId()));
    assertEquals(1, rejections.size());
    assertEquals(RejectionReason.MALFORMED_REQUEST, rejections.get(0).reason());
    assertTrue(rejections.get(0).detail().contains(bytes + " bytes"), rejections.get(0).detail());
    rejections.clear();
  }

  @Test
  void theIntervalToHearsayPeersGrowsWithTheChannelToKeepWithinItsBytesPerSecond() {
    var bounded = new StateInfoGossip.HearsayPeers(Duration.ofSeconds(20), Duration.ofSeconds(60), 2000, true);
    assertEquals(Duration.ofSeconds(20).toNanos(), bounded.intervalNanos(100, 250), "100 x 250 B every 20 s is 1250 B/s");
    assertEquals(Duration.ofSeconds(125).toNanos(), bounded.intervalNanos(1000, 250), "1000 x 250 B: every 125 s");
    var unbounded = new StateInfoGossip.HearsayPeers(Duration.ofSeconds(20), Duration.ofSeconds(60), 0, true);
    assertEquals(Duration.ofSeconds(20).toNanos(), unbounded.intervalNanos(1000, 250));
  }
}
