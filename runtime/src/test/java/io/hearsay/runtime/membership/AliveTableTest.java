package io.hearsay.runtime.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.HearsayMetadata;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The alive table's rules, driven with explicit time (nanoseconds): no actors, no sleeps. */
class AliveTableTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final Duration EXPIRY = Duration.ofSeconds(25);
  private static final Endpoint BOOTSTRAP = new Endpoint("127.0.0.1", 7051);

  private final SigningIdentity self = TestCrypto.peer(1, 0);
  private final SigningIdentity other = TestCrypto.peer(1, 1);
  private final AliveTable table = new AliveTable(self.pkiId(), EXPIRY, EXPIRY.multipliedBy(20), Set.of(BOOTSTRAP));

  private SignedGossipMessage alive(SigningIdentity who, long inc, long seq, String internal) {
    return new EnvelopeSigner(who).sign(GossipMessages.alive(who.identity(), "", PeerTimes.of(inc, seq),
        ByteString.EMPTY), internal);
  }

  @Test
  void newerAliveReplacesOlderAndOlderOrEqualIsStale() {
    assertEquals(AliveTable.Outcome.NEW, table.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0));
    assertEquals(AliveTable.Outcome.UPDATED, table.onAlive(alive(other, 1, 2, "127.0.0.1:1"), SECOND));
    assertEquals(AliveTable.Outcome.STALE, table.onAlive(alive(other, 1, 2, "127.0.0.1:1"), 2 * SECOND));
    assertEquals(AliveTable.Outcome.STALE, table.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 2 * SECOND));
    assertEquals(2, table.member(other.pkiId()).orElseThrow().time().getSeqNum());
  }

  /** The copy a peer of another path forwards: the same message, its secret envelope stripped. */
  private SignedGossipMessage withoutSecret(SignedGossipMessage alive) {
    return new EnvelopeVerifier(new IdentityMapper(TestCrypto.msps()),
        1 << 20).verify(alive.envelopeWithoutSecret(), Optional.empty(), Instant.now()).value();
  }

  @Test
  void aForwardedCopyKeepsTheInternalEndpointOfItsIncarnationButNotOfAnEarlierOne() {
    table.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    table.onAlive(withoutSecret(alive(other, 1, 2, "127.0.0.1:1")), SECOND);
    assertEquals(Optional.of(new Endpoint("127.0.0.1", 1)), table.member(other.pkiId()).orElseThrow().internalEndpoint());
    // Restarted elsewhere: its first alive message to arrive is a forwarded copy without the secret.
    table.onAlive(withoutSecret(alive(other, 2, 1, "127.0.0.1:2")), 2 * SECOND);
    assertEquals(Optional.empty(), table.member(other.pkiId()).orElseThrow().internalEndpoint(),
        "the old incarnation's address is not where the new one listens");
    table.onAlive(alive(other, 2, 2, "127.0.0.1:2"), 3 * SECOND);
    assertEquals(Optional.of(new Endpoint("127.0.0.1", 2)), table.member(other.pkiId()).orElseThrow().internalEndpoint());
  }

  @Test
  void theVersionChangesWithWhatAViewShowsAndNotWithEveryAliveMessage() {
    long start = table.version();
    table.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    long known = table.version();
    assertTrue(known > start, "a new peer");
    List<MemberInfo> alive = table.aliveMembers();
    table.onAlive(alive(other, 1, 2, "127.0.0.1:1"), SECOND);
    assertEquals(known, table.version(), "a newer alive message at the same address");
    assertSame(alive, table.aliveMembers(), "the alive list is kept while the version is");
    assertEquals(2, table.view().alive().get(0).time().getSeqNum(), "a view is read from the table");
    table.onAlive(alive(other, 1, 3, "127.0.0.1:2"), 2 * SECOND);
    long moved = table.version();
    assertTrue(moved > known, "another internal endpoint");
    table.expire(2 * SECOND + EXPIRY.toNanos() + 1);
    long dead = table.version();
    assertTrue(dead > moved, "dead");
    assertTrue(table.aliveMembers().isEmpty());
    table.onAlive(alive(other, 2, 1, "127.0.0.1:2"), 30 * SECOND);
    assertTrue(table.version() > dead, "alive again");
  }

  @Test
  void ownAliveMessageIsIgnored() {
    assertEquals(AliveTable.Outcome.STALE, table.onAlive(alive(self, 1, 1, "127.0.0.1:1"), 0));
    assertTrue(table.aliveMembers().isEmpty());
  }

  @Test
  void silentPeerDiesAfterTheExpiryAndANewerIncarnationResurrectsIt() {
    table.onAlive(alive(other, 1, 5, "127.0.0.1:1"), 0);
    assertTrue(table.expire(EXPIRY.toNanos()).died().isEmpty(), "exactly the expiry is not past it");
    assertEquals(List.of(other.pkiId()), table.expire(EXPIRY.toNanos() + 1).died().stream().map(MemberInfo::pkiId).toList());
    assertFalse(table.isAlive(other.pkiId()));

    assertEquals(AliveTable.Outcome.STALE, table.onAlive(alive(other, 1, 5, "127.0.0.1:1"), 30 * SECOND),
        "the same message does not resurrect it");
    assertEquals(AliveTable.Outcome.RESURRECTED, table.onAlive(alive(other, 2, 0, "127.0.0.1:1"), 30 * SECOND));
    assertTrue(table.isAlive(other.pkiId()));
  }

  @Test
  void withTheAccrualDetectorAFabricPeerIsJudgedByTheExpiryAloneAndAHearsayPeerSoonerByTheDetector() {
    AccrualDetector detector = new AccrualDetector(
        new AccrualDetector.Settings(8, 100, Duration.ofMillis(200), Duration.ofSeconds(1)), Duration.ofMillis(500));
    AliveTable accrual = new AliveTable(self.pkiId(), EXPIRY, EXPIRY.multipliedBy(20), Set.of(), Optional.of(detector),
        member -> member.artery().isPresent());
    SigningIdentity fabricPeer = TestCrypto.peer(1, 2);
    accrual.onAlive(new EnvelopeSigner(other).sign(GossipMessages.alive(other.identity(), "127.0.0.1:2",
        PeerTimes.of(1, 1), HearsayMetadata.artery("127.0.0.1:3"))), 0);
    accrual.onAlive(alive(fabricPeer, 1, 1, "127.0.0.1:4"), 0);

    // 5 s: Fabric's alive interval, ten of the hearsay profile's.
    assertEquals(List.of(other.pkiId()), accrual.expire(5 * SECOND).died().stream().map(MemberInfo::pkiId).toList(),
        "the Hearsay peer, silent for ten of its intervals, is suspected");
    assertEquals(AliveTable.Outcome.UPDATED, accrual.onAlive(alive(fabricPeer, 1, 2, "127.0.0.1:4"), 5 * SECOND),
        "the Fabric peer, whose next alive message comes after 5 s, was never dead");
    assertTrue(accrual.expire(30 * SECOND - 1).died().isEmpty());
    assertEquals(List.of(fabricPeer.pkiId()), accrual.expire(30 * SECOND + 1).died().stream().map(MemberInfo::pkiId).toList(),
        "and dies after the expiry, as Fabric declares it");
  }

  private AliveTable withProbeRounds(int rounds) {
    AccrualDetector detector = new AccrualDetector(
        new AccrualDetector.Settings(8, 100, Duration.ofMillis(200), Duration.ofSeconds(1)), Duration.ofMillis(500));
    return new AliveTable(self.pkiId(), EXPIRY, EXPIRY.multipliedBy(20), Set.of(), Optional.of(detector),
        member -> true, rounds);
  }

  @Test
  void withProbeRoundsASuspectedPeerIsDeadOnlyOnceThatManyRoundsRanWithoutANewerAliveMessage() {
    AliveTable probed = withProbeRounds(2);
    SigningIdentity answering = TestCrypto.peer(1, 2);
    probed.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    probed.onAlive(alive(answering, 1, 1, "127.0.0.1:2"), 0);

    AliveTable.Expiry first = probed.expire(5 * SECOND);
    assertTrue(first.died().isEmpty(), "suspected, not dead");
    assertEquals(Set.of(other.pkiId(), answering.pkiId()), pkiIds(first.suspected()));
    probed.probed(other.pkiId(), 5 * SECOND);
    probed.probed(answering.pkiId(), 5 * SECOND);
    probed.onAlive(alive(answering, 1, 2, "127.0.0.1:2"), 5 * SECOND + SECOND / 10);
    AliveTable.Expiry second = probed.expire(5 * SECOND + SECOND / 8);
    assertTrue(second.died().isEmpty());
    assertEquals(List.of(other.pkiId()), second.suspected().stream().map(MemberInfo::pkiId).toList(),
        "an answer ends the suspicion");
    assertTrue(probed.expire(5 * SECOND + SECOND / 5).died().isEmpty(), "a check without a probe round is no step");
    probed.probed(other.pkiId(), 5 * SECOND + SECOND / 5);
    AliveTable.Expiry third = probed.expire(5 * SECOND + SECOND / 4);

    assertEquals(Set.of(other.pkiId()), pkiIds(third.died()), "two probe rounds unanswered: dead");
    assertTrue(probed.isAlive(answering.pkiId()));
    AliveTable unprobed = withProbeRounds(0);
    unprobed.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    assertEquals(Set.of(other.pkiId()), pkiIds(unprobed.expire(5 * SECOND).died()),
        "without probe rounds a suspect is dead at once");
  }

  @Test
  void aSuspectsOwnAnswerEndsItsSuspicionThoughItsAliveMessageIsNoNewerThanACopyAlreadyHeld() {
    AliveTable probed = withProbeRounds(1);
    probed.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    probed.onAlive(alive(other, 1, 2, "127.0.0.1:1"), 3 * SECOND, AliveTable.Evidence.RECORDED);
    assertEquals(1, probed.expire(3200 * MS).suspected().size(), "the copy was sent at 0.5 s");
    probed.probed(other.pkiId(), 3200 * MS);
    assertEquals(AliveTable.Outcome.STALE, probed.onAlive(alive(other, 1, 2, "127.0.0.1:1"), 3250 * MS),
        "its answer carries the copy already held");
    probed.answered(other.pkiId(), 3250 * MS);

    AliveTable.Expiry next = probed.expire(3300 * MS);
    assertTrue(next.died().isEmpty() && next.suspected().isEmpty(), next.toString());
  }

  @Test
  void suspectsNearestAVerdictComeFirst() {
    AliveTable probed = withProbeRounds(3);
    SigningIdentity later = TestCrypto.peer(1, 2);
    probed.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    probed.onAlive(alive(later, 1, 1, "127.0.0.1:2"), 0);
    probed.expire(5 * SECOND);
    probed.probed(later.pkiId(), 5 * SECOND);

    assertEquals(List.of(later.pkiId(), other.pkiId()),
        probed.expire(5 * SECOND + SECOND / 8).suspected().stream().map(MemberInfo::pkiId).toList());
  }

  @Test
  void aCrashedPeersLastAliveMessageRecordedByAnotherPeerDoesNotPassForASignOfLifeNow() {
    AliveTable recorded = withProbeRounds(0);
    AliveTable fresh = withProbeRounds(0);
    for (AliveTable table : List.of(recorded, fresh)) {
      table.onAlive(alive(other, 1, 5, "127.0.0.1:1"), 0);
    }
    // Sequence number 6, the crashed peer's last, sent at 0.5 s, reaches this peer only at 2.5 s.
    recorded.onAlive(alive(other, 1, 6, "127.0.0.1:1"), 5 * SECOND / 2, AliveTable.Evidence.RECORDED);
    fresh.onAlive(alive(other, 1, 6, "127.0.0.1:1"), 5 * SECOND / 2, AliveTable.Evidence.FRESH);

    assertEquals(Set.of(other.pkiId()), pkiIds(recorded.expire(16 * SECOND / 5).died()),
        "judged from when it was sent");
    assertTrue(fresh.expire(16 * SECOND / 5).died().isEmpty(), "a fresh one is a sign of life at 2.5 s");
  }

  private static Set<Object> pkiIds(List<MemberInfo> members) {
    return Set.copyOf(members.stream().map(MemberInfo::pkiId).toList());
  }

  @Test
  void deadPeerIsForgottenAfterThePurgePeriodUnlessItIsABootstrapPeer() {
    SigningIdentity bootstrapPeer = TestCrypto.peer(1, 2);
    table.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    table.onAlive(alive(bootstrapPeer, 1, 1, BOOTSTRAP.toString()), 0);
    table.expire(26 * SECOND);
    assertTrue(table.purge(26 * SECOND + EXPIRY.multipliedBy(20).toNanos() - 26 * SECOND).isEmpty());

    List<MemberInfo> purged = table.purge(EXPIRY.multipliedBy(20).toNanos() + 1);

    assertEquals(List.of(other.pkiId()), purged.stream().map(MemberInfo::pkiId).toList());
    assertTrue(table.member(bootstrapPeer.pkiId()).isPresent(), "bootstrap endpoints are never forgotten");
  }

  @Test
  void deadReportIsRememberedOnlyForUnknownPeers() {
    assertEquals(AliveTable.DeadReport.LEARNED, table.onDeadReport(alive(other, 1, 1, "127.0.0.1:1"), 0));
    assertFalse(table.isAlive(other.pkiId()));
    table.onAlive(alive(other, 1, 2, "127.0.0.1:1"), SECOND);
    assertEquals(AliveTable.DeadReport.IGNORED, table.onDeadReport(alive(other, 1, 3, "127.0.0.1:1"), SECOND),
        "alive here, no probe rounds: a report does not kill it (Fabric's rule)");
    assertTrue(table.isAlive(other.pkiId()));
  }

  @Test
  void withProbeRoundsAnotherPeersVerdictEndsASuspicionNowOrWhenItComesButMovesNoPeerNotSuspected() {
    AliveTable probed = withProbeRounds(2);
    SigningIdentity later = TestCrypto.peer(1, 2);
    SigningIdentity newer = TestCrypto.peer(2, 0);
    probed.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    probed.onAlive(alive(later, 1, 1, "127.0.0.1:2"), 0);
    probed.onAlive(alive(newer, 1, 1, "127.0.0.1:3"), 0);
    assertEquals(AliveTable.DeadReport.KEPT, probed.onDeadReport(alive(later, 1, 1, "127.0.0.1:2"), SECOND / 10),
        "not suspected here: the verdict is kept, the peer stays alive");
    assertEquals(AliveTable.DeadReport.KEPT, probed.onDeadReport(alive(newer, 1, 1, "127.0.0.1:3"), SECOND / 10));
    probed.onAlive(alive(newer, 1, 2, "127.0.0.1:3"), SECOND / 5);
    assertTrue(probed.isAlive(later.pkiId()));

    AliveTable.Expiry suspicion = probed.expire(5 * SECOND);
    assertEquals(Set.of(later.pkiId()), pkiIds(suspicion.died()),
        "suspected, with a verdict on its latest alive message: dead without rounds of its own");
    assertTrue(suspicion.confirmed().isEmpty(), "this peer's rounds did not find it: it tells nobody");
    assertEquals(Set.of(other.pkiId(), newer.pkiId()), pkiIds(suspicion.suspected()),
        "a newer alive message made the other verdict void");
    assertEquals(AliveTable.DeadReport.CONFIRMED, probed.onDeadReport(alive(other, 1, 1, "127.0.0.1:1"), 5 * SECOND),
        "suspected when the verdict comes: dead now");
    assertFalse(probed.isAlive(other.pkiId()));
    assertEquals(AliveTable.DeadReport.IGNORED, probed.onDeadReport(alive(newer, 1, 1, "127.0.0.1:3"), 5 * SECOND),
        "a verdict on an older alive message than the latest known is stale");
    assertTrue(probed.isAlive(newer.pkiId()));

    probed.probed(newer.pkiId(), 5 * SECOND);
    probed.probed(newer.pkiId(), 5 * SECOND + SECOND / 10);
    AliveTable.Expiry rounds = probed.expire(5 * SECOND + SECOND / 5);
    assertEquals(Set.of(newer.pkiId()), pkiIds(rounds.confirmed()), "found dead by this peer's own rounds: told");
  }

  @Test
  void withWatchersOnlySubjectsAreJudgedAndAPeerNotWatchedIsAliveUntilReportedDead() {
    AliveTable watching = withProbeRounds(2);
    SigningIdentity subject = TestCrypto.peer(1, 2);
    SigningIdentity notWatched = TestCrypto.peer(2, 0);
    watching.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    watching.onAlive(alive(subject, 1, 1, "127.0.0.1:2"), 0);
    watching.onAlive(alive(notWatched, 1, 2, "127.0.0.1:3"), 0);
    watching.watching(Set.of(subject.pkiId()), Set.of(subject.pkiId()), 10 * SECOND);

    assertTrue(watching.expire(10 * SECOND + 200 * MS).suspected().isEmpty(),
        "a subject's history starts when it is watched: silent before that is not silent to the detector");
    assertEquals(Set.of(subject.pkiId()), pkiIds(watching.expire(15 * SECOND).suspected()),
        "silent for ten intervals since: suspected, and the peers not watched are not");
    assertTrue(watching.expire(10 * EXPIRY.toNanos()).died().stream().map(MemberInfo::pkiId)
        .noneMatch(p -> p.equals(other.pkiId()) || p.equals(notWatched.pkiId())),
        "a peer not watched does not expire: its alive messages go to its watchers, not here");

    assertEquals(AliveTable.DeadReport.IGNORED, watching.onDeadReport(alive(notWatched, 1, 1, "127.0.0.1:3"), SECOND),
        "a report older than the alive message known here is stale");
    assertTrue(watching.isAlive(notWatched.pkiId()));
    assertEquals(AliveTable.DeadReport.TAKEN, watching.onDeadReport(alive(other, 1, 1, "127.0.0.1:1"), SECOND),
        "not watched here, reported dead on its latest alive message: dead now");
    assertFalse(watching.isAlive(other.pkiId()));
    assertTrue(watching.purge(SECOND + EXPIRY.multipliedBy(20).toNanos() - 1).isEmpty(),
        "remembered dead for the purge period from the report on, whatever its last alive message's age");
    assertEquals(AliveTable.Outcome.STALE, watching.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 2 * SECOND),
        "a peer that missed the death cannot teach it back from its old copy");
    assertEquals(AliveTable.Outcome.RESURRECTED, watching.onAlive(alive(other, 1, 2, "127.0.0.1:1"), 2 * SECOND),
        "its next alive message (its answer to the report) brings it back");
    assertEquals(AliveTable.Outcome.RESTARTED, watching.onAlive(alive(notWatched, 2, 1, "127.0.0.1:3"), 2 * SECOND),
        "a new incarnation of a peer alive here is a restart");
  }

  @Test
  void withWatchersASubjectFoundDeadByOneWatchersRoundsIsProposedAndDeadOnlyOnceAnotherWatcherAgrees() {
    AliveTable watching = withProbeRounds(2);
    SigningIdentity alone = TestCrypto.peer(1, 2);
    SigningIdentity notWatched = TestCrypto.peer(2, 0);
    watching.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    watching.onAlive(alive(alone, 1, 1, "127.0.0.1:2"), 0);
    watching.onAlive(alive(notWatched, 1, 1, "127.0.0.1:3"), 0);
    watching.watching(Set.of(other.pkiId(), alone.pkiId()), Set.of(alone.pkiId()), 0);
    assertEquals(Set.of(other.pkiId(), alone.pkiId()), pkiIds(watching.expire(5 * SECOND).suspected()));
    for (long at : new long[] {5 * SECOND, 5 * SECOND + SECOND / 10}) {
      watching.probed(other.pkiId(), at);
      watching.probed(alone.pkiId(), at);
    }

    AliveTable.Expiry roundsOver = watching.expire(5 * SECOND + SECOND / 5);
    assertEquals(Set.of(alone.pkiId()), pkiIds(roundsOver.died()),
        "a subject with no other watcher alive is found dead by this peer's rounds alone");
    assertEquals(Set.of(alone.pkiId()), pkiIds(roundsOver.confirmed()));
    assertEquals(Set.of(other.pkiId()), pkiIds(roundsOver.proposed()),
        "a subject with other watchers: proposed to them, alive here");
    assertTrue(watching.isAlive(other.pkiId()));
    assertEquals(Set.of(other.pkiId()), pkiIds(roundsOver.suspected()), "and still probed");
    assertTrue(watching.expire(5 * SECOND + SECOND / 4).proposed().isEmpty(), "proposed once per suspicion");

    assertEquals(AliveTable.DeadReport.IGNORED, watching.onVerdict(alive(notWatched, 1, 1, "127.0.0.1:3"), 6 * SECOND),
        "one watcher's verdict does not move a peer that does not watch the subject");
    assertTrue(watching.isAlive(notWatched.pkiId()));
    assertEquals(AliveTable.DeadReport.CONFIRMED, watching.onVerdict(alive(other, 1, 1, "127.0.0.1:1"), 6 * SECOND),
        "another watcher agrees while this one suspects: dead now");
    assertFalse(watching.isAlive(other.pkiId()));
  }

  @Test
  void withWatchersAVerdictKeptBeforeTheSuspicionIsTheAgreementAndTheDeathIsTold() {
    AliveTable watching = withProbeRounds(2);
    watching.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    watching.watching(Set.of(other.pkiId()), Set.of(), 0);
    assertEquals(AliveTable.DeadReport.KEPT, watching.onVerdict(alive(other, 1, 1, "127.0.0.1:1"), SECOND / 10),
        "heard here lately: the other watcher's verdict waits");
    AliveTable.Expiry suspicion = watching.expire(5 * SECOND);
    assertEquals(Set.of(other.pkiId()), pkiIds(suspicion.died()), "suspected now: the two agree");
    assertEquals(Set.of(other.pkiId()), pkiIds(suspicion.confirmed()), "agreed: this peer tells the others");

    AliveTable heard = withProbeRounds(2);
    heard.onAlive(alive(other, 1, 1, "127.0.0.1:1"), 0);
    heard.watching(Set.of(other.pkiId()), Set.of(), 0);
    heard.onVerdict(alive(other, 1, 1, "127.0.0.1:1"), SECOND / 10);
    heard.onAlive(alive(other, 1, 2, "127.0.0.1:1"), SECOND / 5);
    assertTrue(heard.expire(5 * SECOND).died().isEmpty(),
        "a newer alive message heard here makes the other watcher's verdict void");
  }

  @Test
  void aForwardedCopyWithoutSecretKeepsTheKnownInternalEndpoint() {
    table.onAlive(alive(other, 1, 1, "127.0.0.1:9"), 0);
    SignedGossipMessage stripped = alive(other, 1, 2, "127.0.0.1:9");
    var verifier = new EnvelopeVerifier(
        new IdentityMapper(TestCrypto.msps()), 1 << 20);
    SignedGossipMessage withoutSecret = verifier.verify(stripped.envelopeWithoutSecret(), Optional.empty(),
        Instant.now()).value();
    table.onAlive(withoutSecret, SECOND);
    assertEquals(Optional.of(new Endpoint("127.0.0.1", 9)), table.member(other.pkiId()).orElseThrow().internalEndpoint());
  }
}
