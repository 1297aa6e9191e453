package io.hearsay.runtime.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.GossipMessage.ContentCase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The membership actor with a probe for comm, its one port: what it dials and sends, and what it
 * makes of the alive messages and membership requests comm hands it. Fabric's intervals divided by 25.
 */
class MembershipActorTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create();
  private static final Endpoint SELF = new Endpoint("10.0.0.1", 7051);
  private static final Endpoint BOOTSTRAP = new Endpoint("10.0.0.2", 7051);
  private static final Endpoint ANCHOR = new Endpoint("10.0.1.1", 7051);

  private final SigningIdentity self = TestCrypto.peer(1, 0);
  private final SigningIdentity sameOrg = TestCrypto.peer(1, 1);
  private final SigningIdentity otherOrg = TestCrypto.peer(2, 0);
  private final SigningIdentity third = TestCrypto.peer(1, 2);
  private final TestProbe<Comm.Command> comm = TEST_KIT.createTestProbe();
  private final RejectionLog rejections = new RejectionLog(LoggerFactory.getLogger("test.rejections"),
      Duration.ofMinutes(1));
  private ActorRef<Comm.Event> events;

  @AfterAll
  static void stop() {
    TEST_KIT.shutdownTestKit();
  }

  private static MembershipSettings settings(List<Endpoint> bootstrap, Optional<Endpoint> external,
      Optional<AccrualDetector.Settings> accrual, MembershipSettings.Probes probes) {
    return new MembershipSettings(bootstrap, SELF, external, Duration.ofMillis(200), Duration.ofSeconds(1),
        Duration.ofSeconds(1), 20, Duration.ofMillis(160), 3, 3, accrual, probes, AntiEntropy.Mode.PULL);
  }

  /**
   * Alive every 200 ms, a quick accrual detector and two probe rounds 50 ms apart; a 60 s expiry, so
   * only the probe rounds (and verdicts) can make a peer dead within a test.
   */
  private static MembershipSettings probing(Duration pullInterval, MembershipSettings.Watch watch) {
    return new MembershipSettings(List.of(), SELF, Optional.empty(), Duration.ofMillis(200), Duration.ofSeconds(60),
        Duration.ofSeconds(1), 20, pullInterval, 3, 3,
        Optional.of(new AccrualDetector.Settings(3, 100, Duration.ofMillis(50), Duration.ofMillis(100))),
        new MembershipSettings.Probes(2, 1, 2, Duration.ofMillis(50), 8, 5), AntiEntropy.Mode.PULL, watch);
  }

  private ActorRef<Membership.Command> start(List<Endpoint> bootstrap, Optional<Endpoint> external) {
    return start(settings(bootstrap, external, Optional.empty(), MembershipSettings.Probes.NONE));
  }

  private ActorRef<Membership.Command> start(MembershipSettings settings) {
    IdentityMapper identities = new IdentityMapper(TestCrypto.msps());
    List.of(self, sameOrg, otherOrg, third).forEach(p -> identities.learn(p.identity(), Instant.now()));
    ActorRef<Membership.Command> membership = TEST_KIT.spawn(Membership.create(new Membership.Setup(
        new EnvelopeSigner(self), new EnvelopeVerifier(identities, 1 << 20), settings, SELF,
        List.of(ANCHOR), comm.getRef(), rejections, 1)));
    Comm.Subscribe subscribe = comm.expectMessageClass(Comm.Subscribe.class, Duration.ofSeconds(5));
    assertEquals(Set.of(ContentCase.ALIVE_MSG, ContentCase.MEM_REQ, ContentCase.MEM_RES), subscribe.contents());
    events = subscribe.subscriber();
    return membership;
  }

  private static SignedGossipMessage alive(SigningIdentity peer, String external, long seq) {
    return alive(peer, external, seq, "10.0.0.9:7051");
  }

  private static SignedGossipMessage alive(SigningIdentity peer, String external, long seq, String internal) {
    return new EnvelopeSigner(peer).sign(GossipMessages.alive(peer.identity(), external, PeerTimes.of(7, seq),
        ByteString.EMPTY), internal);
  }

  /** The PKI-IDs of the alive messages a membership response carries. */
  private static Set<ByteString> aliveSigners(GossipMessage response) throws Exception {
    Set<ByteString> signers = new java.util.HashSet<>();
    for (var envelope : response.getMemRes().getAliveList()) {
      signers.add(GossipMessage.parseFrom(envelope.getPayload()).getAliveMsg().getMembership().getPkiId());
    }
    return signers;
  }

  /** Whether {@code send} is a membership response to {@code to} listing dead peers: a verdict. */
  private static boolean isVerdict(Comm.Send send, Endpoint to) {
    try {
      return send.to().equals(to) && content(send).hasMemRes() && content(send).getMemRes().getDeadCount() > 0;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next membership response sent, past alive messages forwarded meanwhile. */
  private GossipMessage nextMembershipResponse() throws Exception {
    List<Comm.Command> seen = comm.fishForMessage(Duration.ofSeconds(5), m -> {
      try {
        return m instanceof Comm.Send send && content(send).hasMemRes()
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return content((Comm.Send) seen.get(seen.size() - 1));
  }

  private static GossipMessage content(Comm.Send send) throws Exception {
    return GossipMessage.parseFrom(send.envelope().getPayload());
  }

  /** The next message sent, past the dialling that goes on every alive interval while no peer is alive. */
  private Comm.Send nextSend() {
    List<Comm.Command> seen = comm.fishForMessage(Duration.ofSeconds(5), m -> m instanceof Comm.Send
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (Comm.Send) seen.get(seen.size() - 1);
  }

  private MembershipView view(ActorRef<Membership.Command> membership) {
    TestProbe<MembershipView> reply = TEST_KIT.createTestProbe();
    membership.tell(new Membership.GetView(reply.getRef()));
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  @Test
  void bootstrapAndAnchorPeersAreDialledAndAPeerIsContactedOnceItsHandshakeNamesIt() throws Exception {
    start(List.of(BOOTSTRAP), Optional.of(SELF));
    List<Comm.Connect> dialled = comm.receiveSeveralMessages(2, Duration.ofSeconds(5)).stream()
        .map(Comm.Connect.class::cast).toList();
    assertEquals(Set.of(BOOTSTRAP, ANCHOR), dialled.stream().map(Comm.Connect::to).collect(
        Collectors.toSet()));

    events.tell(new Comm.PeerConnected(sameOrg.identity(), BOOTSTRAP));
    Comm.Send alive = nextSend();
    Comm.Send request = nextSend();
    assertEquals(BOOTSTRAP, alive.to());
    assertTrue(content(alive).hasAliveMsg());
    assertTrue(alive.envelope().hasSecretEnvelope(), "a peer of our org sees our internal endpoint");
    assertTrue(content(request).hasMemReq());

    events.tell(new Comm.PeerConnected(otherOrg.identity(), ANCHOR));
    Comm.Send toAnchor = nextSend();
    assertEquals(ANCHOR, toAnchor.to());
    assertFalse(toAnchor.envelope().hasSecretEnvelope(), "another org never sees our internal endpoint");
  }

  @Test
  void aBootstrapPeerOfAnotherOrgIsRefusedOnceAndNotContacted() {
    start(List.of(BOOTSTRAP), Optional.empty());
    comm.receiveSeveralMessages(2, Duration.ofSeconds(5));
    events.tell(new Comm.PeerConnected(otherOrg.identity(), BOOTSTRAP));
    events.tell(new Comm.PeerConnected(otherOrg.identity(), BOOTSTRAP));
    comm.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(1L, rejections.counts().get(RejectionReason.FOREIGN_BOOTSTRAP_PEER));
      return null;
    });
    // Dialling goes on every alive interval while no peer is alive: to the anchor, never again to it
    // (past what a tick may have queued before the refusal).
    List<Comm.Command> next = comm.receiveSeveralMessages(10, Duration.ofSeconds(10));
    for (Comm.Command later : next.subList(4, 10)) {
      assertEquals(new Comm.Connect(ANCHOR), later, next.toString());
    }
    assertEquals(1L, rejections.counts().get(RejectionReason.FOREIGN_BOOTSTRAP_PEER));
  }

  @Test
  void anAliveMessageMakesAPeerAliveAndItsSilenceMakesItDead() {
    ActorRef<Membership.Command> membership = start(List.of(), Optional.empty());
    events.tell(new Comm.Inbound(alive(sameOrg, "", 1), sameOrg.identity(), BOOTSTRAP));
    assertEquals(Set.of(sameOrg.pkiId()), view(membership).alivePkiIds());
    TestProbe<MembershipView> subscriber = TEST_KIT.createTestProbe();
    membership.tell(new Membership.Subscribe(subscriber.getRef()));
    subscriber.fishForMessage(Duration.ofSeconds(5), v -> v.deadPkiIds().contains(sameOrg.pkiId())
        ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());
  }

  @Test
  void aMembershipRequestNamingKnownPeersIsAnsweredWithoutTheirAliveMessages() throws Exception {
    ActorRef<Membership.Command> membership = start(List.of(), Optional.empty());
    events.tell(new Comm.Inbound(alive(third, "", 1, "10.0.0.8:7051"), third.identity(), BOOTSTRAP));
    view(membership);

    events.tell(new Comm.Inbound(new EnvelopeSigner(sameOrg).sign(GossipMessages.membershipRequest(
        alive(sameOrg, "", 1).envelope(), List.of(third.pkiId().bytes(), self.pkiId().bytes()))),
        sameOrg.identity(), BOOTSTRAP));
    assertEquals(Set.of(sameOrg.pkiId().bytes()), aliveSigners(nextMembershipResponse()),
        "a Hearsay probe: only what the requester does not name");
    events.tell(new Comm.Inbound(new EnvelopeSigner(sameOrg).sign(GossipMessages.membershipRequest(
        alive(sameOrg, "", 2).envelope(), List.of())), sameOrg.identity(), BOOTSTRAP));
    assertEquals(Set.of(self.pkiId().bytes(), sameOrg.pkiId().bytes(), third.pkiId().bytes()),
        aliveSigners(nextMembershipResponse()), "Fabric's request: the whole view");
    events.tell(new Comm.Inbound(new EnvelopeSigner(sameOrg).sign(GossipMessages.membershipRequest(
        alive(sameOrg, "", 3).envelope(), KnownList.probe(List.of(third.pkiId())))), sameOrg.identity(), BOOTSTRAP));
    assertEquals(Set.of(third.pkiId().bytes()), aliveSigners(nextMembershipResponse()),
        "a Hearsay probe: the named peer's alive message alone");
    events.tell(new Comm.Inbound(new EnvelopeSigner(sameOrg).sign(GossipMessages.membershipRequest(
        alive(sameOrg, "", 4).envelope(), KnownList.digest(List.of(sameOrg.pkiId(), self.pkiId())))),
        sameOrg.identity(), BOOTSTRAP));
    assertEquals(Set.of(third.pkiId().bytes()), aliveSigners(nextMembershipResponse()),
        "a Hearsay digest: the alive peers it does not hold");
    events.tell(new Comm.Inbound(new EnvelopeSigner(sameOrg).sign(GossipMessages.membershipRequest(
        alive(sameOrg, "", 5).envelope(), KnownList.check(KnownList.summary(List.of(third.pkiId(), sameOrg.pkiId(),
            self.pkiId()))))), sameOrg.identity(), BOOTSTRAP));
    assertEquals(Set.of(), aliveSigners(nextMembershipResponse()), "a Hearsay check of the same view: nothing");
    events.tell(new Comm.Inbound(new EnvelopeSigner(sameOrg).sign(GossipMessages.membershipRequest(
        alive(sameOrg, "", 6).envelope(), KnownList.check(KnownList.summary(List.of(sameOrg.pkiId(), self.pkiId()))))),
        sameOrg.identity(), BOOTSTRAP));
    assertEquals(Set.of(self.pkiId().bytes()), aliveSigners(nextMembershipResponse()),
        "a check of another view: the responder's alive message, which asks for the digest");
  }

  @Test
  void aSuspectedPeerIsAskedDirectlyAndThroughAnotherPeerAndIsDeadOnceRoundsTheOtherAnsweredRanOut() throws Exception {
    Endpoint suspectAt = new Endpoint("10.0.0.9", 7051);
    Endpoint relayAt = new Endpoint("10.0.0.8", 7051);
    ActorRef<Membership.Command> membership = start(probing(Duration.ofMillis(160), MembershipSettings.Watch.OFF));
    events.tell(new Comm.Inbound(alive(sameOrg, "", 1, suspectAt.toString()), sameOrg.identity(), BOOTSTRAP));
    events.tell(new Comm.Inbound(alive(third, "", 1, relayAt.toString()), third.identity(), BOOTSTRAP));

    // Both fall silent and are suspected; each is probed itself and through the other, asked for
    // its alive message alone (pulls name no known peers). The relay answers every request with nothing new: a nack, so rounds count.
    Set<Endpoint> probedForSuspect = new java.util.HashSet<>();
    SignedGossipMessage nothingNew = new EnvelopeSigner(third).sign(GossipMessages.membershipResponse(List.of(),
        List.of()));
    List<GossipMessage> verdicts = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!view(membership).deadPkiIds().contains(sameOrg.pkiId())) {
      assertTrue(System.nanoTime() < deadline, "the suspect is not dead after 10 s; probed at " + probedForSuspect);
      Comm.Command sent = comm.receiveMessage(Duration.ofSeconds(5));
      if (sent instanceof Comm.Send send && isVerdict(send, relayAt)) {
        verdicts.add(content(send));
      }
      if (sent instanceof Comm.Send send && content(send).hasMemReq()) {
        if (send.to().equals(relayAt)) {
          events.tell(new Comm.Inbound(nothingNew, third.identity(), relayAt));
        }
        List<ByteString> known = content(send).getMemReq().getKnownList();
        if (known.equals(List.of(ByteString.EMPTY, sameOrg.pkiId().bytes()))) {
          probedForSuspect.add(send.to());
        }
      }
    }
    assertEquals(Set.of(suspectAt, relayAt), probedForSuspect);

    // Found dead by its own rounds, the peer tells the verdict to the other Hearsay peer: its
    // latest alive message in a membership response's dead list.
    if (verdicts.isEmpty()) {
      List<Comm.Command> more = comm.fishForMessage(Duration.ofSeconds(5), m -> m instanceof Comm.Send send
          && isVerdict(send, relayAt) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      verdicts.add(content((Comm.Send) more.get(more.size() - 1)));
    }
    GossipMessage told = verdicts.get(0);
    assertTrue(told.getMemRes().getAliveList().isEmpty(), "a verdict carries no view");
    assertEquals(sameOrg.pkiId().bytes(), GossipMessage.parseFrom(told.getMemRes().getDead(0).getPayload())
        .getAliveMsg().getMembership().getPkiId());
  }

  @Test
  void withWatchersADeathReportedOfAPeerNotWatchedIsTakenAndForwardedAndOneOfItselfIsAnsweredWithANewAliveMessage()
      throws Exception {
    // One watcher each, a 10 s alive interval and a 60 s check interval: nothing periodic within the test.
    ActorRef<Membership.Command> membership = start(new MembershipSettings(List.of(), SELF, Optional.empty(),
        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60), 20, Duration.ofSeconds(60), 3, 3,
        Optional.of(new AccrualDetector.Settings(3, 100, Duration.ofMillis(50), Duration.ofMillis(100))),
        new MembershipSettings.Probes(2, 1, 2, Duration.ofMillis(50), 8, 5), AntiEntropy.Mode.PULL,
        new MembershipSettings.Watch(1, 2, Duration.ofSeconds(60))));
    List<SigningIdentity> others = List.of(sameOrg, third);
    for (int i = 0; i < others.size(); i++) {
      events.tell(new Comm.Inbound(alive(others.get(i), "", 1, "10.0.0." + (7 + i) + ":7051"),
          others.get(i).identity(), BOOTSTRAP));
    }
    assertEquals(2, view(membership).alivePkiIds().size());
    Set<io.hearsay.protocol.identity.PkiId> subjects = new WatchRing(new WatchRing.Peer(self.pkiId(), "Org1MSP", false),
        others.stream().map(p -> new WatchRing.Peer(p.pkiId(), "Org1MSP", false)).toList(), 1).subjects();
    SigningIdentity dead = others.stream().filter(p -> !subjects.contains(p.pkiId())).findFirst().orElseThrow();
    SigningIdentity toldNext = others.stream().filter(p -> p != dead).findFirst().orElseThrow();
    // Whoever reports it: a dead list is the dead peer's own signed alive message, whoever relays it.
    SigningIdentity reporter = otherOrg;
    Endpoint toldNextAt = new Endpoint("10.0.0." + (7 + others.indexOf(toldNext)), 7051);

    events.tell(new Comm.Inbound(new EnvelopeSigner(reporter).sign(GossipMessages.membershipResponse(List.of(),
        List.of(alive(dead, "", 1, "10.0.0." + (7 + others.indexOf(dead)) + ":7051").envelope()))),
        reporter.identity(), BOOTSTRAP));
    assertTrue(view(membership).deadPkiIds().contains(dead.pkiId()), "not watched here: its watchers' verdict is taken");
    comm.fishForMessage(Duration.ofSeconds(5), m -> m instanceof Comm.Send send && isVerdict(send, toldNextAt)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());

    events.tell(new Comm.Inbound(new EnvelopeSigner(reporter).sign(GossipMessages.membershipResponse(List.of(),
        List.of(new EnvelopeSigner(self).sign(GossipMessages.alive(self.identity(), "", PeerTimes.of(1, 1),
            ByteString.EMPTY), SELF.toString()).envelope()))), reporter.identity(), BOOTSTRAP));
    List<Comm.Command> sent = comm.fishForMessage(Duration.ofSeconds(5), m -> {
      try {
        return m instanceof Comm.Send send && content(send).hasAliveMsg()
            && content(send).getAliveMsg().getMembership().getPkiId().equals(self.pkiId().bytes())
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(content((Comm.Send) sent.get(sent.size() - 1)).getAliveMsg().getTimestamp().getSeqNum() > 1,
        "reported dead while alive: a new alive message tells the others");
  }

  @Test
  void withWatchersOneWatchersRoundsAskTheOtherWatcherAndTheDeathWaitsUntilItAgrees() throws Exception {
    Endpoint suspectAt = new Endpoint("10.0.0.9", 7051);
    Endpoint otherWatcherAt = new Endpoint("10.0.0.8", 7051);
    // Three peers of one org, two watchers each: this one and the other watcher watch the suspect. A
    // 60 s check interval: only probe rounds and verdicts act within the test.
    ActorRef<Membership.Command> membership = start(probing(Duration.ofSeconds(60),
        new MembershipSettings.Watch(2, 2, Duration.ofSeconds(60))));
    SignedGossipMessage suspectLast = alive(sameOrg, "", 1, suspectAt.toString());
    events.tell(new Comm.Inbound(suspectLast, sameOrg.identity(), BOOTSTRAP));
    events.tell(new Comm.Inbound(alive(third, "", 1, otherWatcherAt.toString()), third.identity(), BOOTSTRAP));

    // The suspect falls silent; the other watcher answers every request with nothing new, so the
    // rounds count. Once they ran out, the other watcher is asked to agree, and the suspect is alive.
    SignedGossipMessage nothingNew = new EnvelopeSigner(third).sign(GossipMessages.membershipResponse(List.of(),
        List.of()));
    Optional<ByteString> asked = Optional.empty();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (asked.isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the other watcher was not asked to agree within 10 s");
      Comm.Command sent = comm.receiveMessage(Duration.ofSeconds(5));
      assertFalse(sent instanceof Comm.Send send && content(send).hasMemRes()
          && content(send).getMemRes().getDeadCount() > 0, "no death is told before another watcher agrees");
      if (sent instanceof Comm.Send send && content(send).hasMemReq() && send.to().equals(otherWatcherAt)) {
        asked = KnownList.verdictOf(content(send).getMemReq().getKnownList());
        events.tell(new Comm.Inbound(nothingNew, third.identity(), otherWatcherAt));
      }
    }
    assertEquals(sameOrg.pkiId().bytes(), GossipMessage.parseFrom(
        org.hyperledger.fabric.protos.gossip.Envelope.parseFrom(asked.get()).getPayload())
        .getAliveMsg().getMembership().getPkiId(), "the verdict carries the suspect's latest alive message");
    assertTrue(view(membership).alivePkiIds().contains(sameOrg.pkiId()), "one watcher's rounds alone kill nobody");

    // The other watcher's own verdict agrees: dead now, and the suspect itself is told.
    events.tell(new Comm.Inbound(new EnvelopeSigner(third).sign(GossipMessages.membershipRequest(
        alive(third, "", 2, otherWatcherAt.toString()).envelope(), KnownList.verdict(suspectLast.envelope()))),
        third.identity(), otherWatcherAt));
    comm.fishForMessage(Duration.ofSeconds(5), m -> m instanceof Comm.Send send && isVerdict(send, suspectAt)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    assertTrue(view(membership).deadPkiIds().contains(sameOrg.pkiId()), "two watchers agree: dead");
  }

  @Test
  void aVerdictThatIsNoSignedAliveMessageIsACountedRejectionAndKillsNobody() {
    ActorRef<Membership.Command> membership = start(probing(Duration.ofSeconds(60),
        new MembershipSettings.Watch(2, 2, Duration.ofSeconds(60))));
    events.tell(new Comm.Inbound(alive(third, "", 1, "10.0.0.8:7051"), third.identity(), BOOTSTRAP));
    events.tell(new Comm.Inbound(new EnvelopeSigner(sameOrg).sign(GossipMessages.membershipRequest(
        alive(sameOrg, "", 1).envelope(), List.of(ByteString.copyFrom(new byte[] {3}), ByteString.copyFromUtf8("junk")))),
        sameOrg.identity(), BOOTSTRAP));
    SignedGossipMessage unsigned = alive(third, "", 1, "10.0.0.8:7051");
    events.tell(new Comm.Inbound(new EnvelopeSigner(sameOrg).sign(GossipMessages.membershipRequest(
        alive(sameOrg, "", 2).envelope(), KnownList.verdict(unsigned.envelope().toBuilder().clearSignature().build()))),
        sameOrg.identity(), BOOTSTRAP));
    view(membership);
    assertEquals(2L, rejections.counts().values().stream().mapToLong(Long::longValue).sum(),
        "bytes that are no envelope, and an alive message without its signature: " + rejections.counts());
    assertEquals(1L, rejections.counts().get(RejectionReason.MALFORMED_PAYLOAD));
    assertTrue(view(membership).alivePkiIds().contains(third.pkiId()));
  }

  @Test
  void aMembershipRequestCarryingAnotherPeersAliveMessageIsSpoofed() {
    ActorRef<Membership.Command> membership = start(List.of(), Optional.empty());
    var request = new EnvelopeSigner(otherOrg).sign(GossipMessages.membershipRequest(alive(sameOrg, "", 1).envelope(),
        List.of()));
    events.tell(new Comm.Inbound(request, otherOrg.identity(), BOOTSTRAP));
    view(membership);
    assertEquals(1L, rejections.counts().get(RejectionReason.SPOOFED_SENDER));
    assertTrue(view(membership).alivePkiIds().isEmpty(), "the relayed alive message is not taken");
  }
}
