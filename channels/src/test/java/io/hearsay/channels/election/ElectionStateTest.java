package io.hearsay.channels.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * Fabric's election scenarios (election_test.go) on the plain algorithm, with Fabric's default
 * timings and a simulated clock: messages arrive instantly between connected, running peers.
 */
class ElectionStateTest {

  private static final ElectionState.Timings FABRIC = new ElectionState.Timings(Duration.ofSeconds(15),
      Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5));
  private static final long MS = 1_000_000L;

  /** Peers with ids 0..n-1 (PKI-IDs ordered as the ids), a clock, and the links between them. */
  private static final class Org {
    final TreeMap<Integer, ElectionState> running = new TreeMap<>();
    BiPredicate<Integer, Integer> linked = (a, b) -> true;
    /** Whether peer a holds b's proof of channel membership (membership sees every linked peer). */
    BiPredicate<Integer, Integer> proven = (a, b) -> true;
    /** Tell the peers only their proven view, as Fabric's election knows it. */
    boolean fabricStartUp;
    /** When each peer's election started (for "started with us"); Fabric's rule ignores it. */
    final Map<Integer, Long> startedAt = new HashMap<>();
    ElectionState.LeaderWatch watch = ElectionState.LeaderWatch.PERIOD;
    boolean awaitPeers;
    boolean succession;
    /** Peers every peer sees as far behind the org's highest ledger height. */
    Set<Integer> farBehind = Set.of();
    int proposals;
    int mostLeadersAtOnce;
    long now;

    void start(int id) {
      running.put(id, new ElectionState(pki(id), FABRIC, watch, awaitPeers, succession, now, view(id)));
      startedAt.put(id, now);
    }

    boolean startedWith(int receiver, int sender) {
      return !fabricStartUp
          && startedAt.get(receiver) < startedAt.get(sender) + ElectionState.leastTimeToWin(FABRIC).toNanos();
    }

    void stop(int id) {
      running.remove(id);
    }

    int view(int id) {
      return provenBy(id).size();
    }

    Set<PkiId> provenBy(int id) {
      Set<PkiId> ids = new HashSet<>();
      running.keySet().stream().filter(o -> o != id && linked.test(id, o) && proven.test(id, o)).forEach(o -> ids.add(pki(o)));
      return ids;
    }

    int alive(int id) {
      return (int) running.keySet().stream().filter(o -> o != id && linked.test(id, o)).count();
    }

    void run(Duration duration) {
      long end = now + duration.toNanos();
      while (now < end) {
        now += 100 * MS;
        for (int id : List.copyOf(running.keySet())) {
          ElectionState state = running.get(id);
          if (state != null && !fabricStartUp) {
            state.provenPeers(provenBy(id));
            Set<PkiId> behind = new HashSet<>();
            farBehind.forEach(peer -> behind.add(pki(peer)));
            state.peersFarBehind(behind);
          }
          if (state != null && state.deadline() <= now) {
            dispatch(id, state.onTimer(now, view(id), fabricStartUp ? view(id) : alive(id)));
          }
        }
        mostLeadersAtOnce = Math.max(mostLeadersAtOnce, leaders().size());
      }
    }

    void yieldLeadership(int id) {
      dispatch(id, running.get(id).yieldLeadership(now));
    }

    private void dispatch(int from, List<ElectionState.Action> actions) {
      ArrayDeque<int[]> declarations = new ArrayDeque<>();
      queue(from, actions, declarations);
      while (!declarations.isEmpty()) {
        int[] d = declarations.poll();
        ElectionState receiver = running.get(d[1]);
        if (receiver != null) {
          queue(d[1], receiver.onDeclaration(pki(d[0]), now, startedWith(d[1], d[0])), declarations);
        }
      }
    }

    private void queue(int from, List<ElectionState.Action> actions, ArrayDeque<int[]> declarations) {
      for (ElectionState.Action action : actions) {
        for (int to : List.copyOf(running.keySet())) {
          if (to == from || !linked.test(from, to) || !proven.test(from, to)) {
            continue;
          }
          if (action == ElectionState.Action.PROPOSE) {
            proposals++;
            running.get(to).onProposal(pki(from));
          } else if (action == ElectionState.Action.DECLARE) {
            declarations.add(new int[] {from, to});
          }
        }
      }
    }

    Set<Integer> leaders() {
      Set<Integer> leaders = new HashSet<>();
      running.forEach((id, state) -> {
        if (state.isLeader()) {
          leaders.add(id);
        }
      });
      return leaders;
    }
  }

  private static PkiId pki(int id) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) (0x10 + id);
    return PkiId.fromBytes(ByteString.copyFrom(bytes));
  }

  @Test
  void tenPeersStartingTogetherElectExactlyTheLowestPkiId() {
    Org org = new Org();
    for (int id = 9; id >= 0; id--) {
      org.start(id);
    }
    org.run(Duration.ofSeconds(30));
    assertEquals(Set.of(0), org.leaders());
    org.run(Duration.ofSeconds(60));
    assertEquals(Set.of(0), org.leaders(), "leadership is stable");
  }

  /**
   * Ten peers join a channel together and see each other alive from the start, but proofs of
   * channel membership arrive unevenly: peer 0 (the lowest PKI-ID) learns peer k's at
   * k x 0.8 s, and the others learn peer 0's only at 8 s.
   */
  private static Org peersJoiningTogetherWithTheLowestProvenLate(boolean awaitAliveOrgPeers) {
    Org org = new Org();
    org.proven = (a, b) -> a == 0 ? org.now >= 800L * b * MS : b != 0 || org.now >= 8_000 * MS;
    for (int id = 9; id >= 0; id--) {
      org.start(id);
    }
    // Fabric's start-up: only the size of the proven view counts, and decisions do not wait.
    org.fabricStartUp = !awaitAliveOrgPeers;
    org.run(Duration.ofSeconds(60));
    return org;
  }

  @Test
  void peersJoiningTogetherElectTheLowestEvenWhenItsProofArrivesLast() {
    assertEquals(Set.of(0), peersJoiningTogetherWithTheLowestProvenLate(true).leaders());
  }

  @Test
  void fabricsStartUpLetsTheFirstWholeViewWinWhenTheLowestIsProvenLate() {
    assertEquals(Set.of(1), peersJoiningTogetherWithTheLowestProvenLate(false).leaders(),
        "peers 1-9 take their 8-peer view for stable and elect 1, whose declaration reaches 0 before its"
        + " still growing view is stable: 0 follows the incumbent");
  }

  /**
   * Ten peers start together, but the others see peer 0 (the lowest) only at 8 s, after they
   * elected peer 1 among themselves; peer 0 sees the others' proofs one by one until 7.2 s, and
   * proposes at 8 s, while it still has not heard peer 1's declaration (it comes at 11 s).
   */
  private static Org theLowestUnseenUntilAfterTheOthersElected(boolean fabric) {
    Org org = new Org();
    org.linked = (a, b) -> a == 0 || b != 0 || org.now >= 8_000 * MS;
    org.proven = (a, b) -> a != 0 || org.now >= 800L * b * MS;
    org.fabricStartUp = fabric;
    for (int id = 9; id >= 0; id--) {
      org.start(id);
    }
    org.run(Duration.ofSeconds(60));
    return org;
  }

  @Test
  void aPeerThatStartedWithTheLeaderButWasSeenLateStillWinsItsFirstElection() {
    assertEquals(Set.of(0), theLowestUnseenUntilAfterTheOthersElected(false).leaders());
  }

  @Test
  void fabricsStartUpKeepsTheLeaderThePartialViewElected() {
    assertEquals(Set.of(1), theLowestUnseenUntilAfterTheOthersElected(true).leaders());
  }

  @Test
  void peersStartingOneByOneKeepTheFirstAsLeader() {
    Org org = new Org();
    org.start(9);
    org.run(Duration.ofSeconds(10));
    assertEquals(Set.of(9), org.leaders());
    for (int id = 8; id >= 0; id--) {
      org.start(id);
      org.run(Duration.ofSeconds(3));
    }
    org.run(Duration.ofSeconds(60));
    assertEquals(Set.of(9), org.leaders(), "lower PKI-IDs joining later do not displace the incumbent");
  }

  @Test
  void twoGroupsThatMergeKeepTheLowerLeader() {
    Org org = new Org();
    org.linked = (a, b) -> (a < 4) == (b < 4);
    for (int id = 0; id < 8; id++) {
      org.start(id);
    }
    org.run(Duration.ofSeconds(30));
    assertEquals(Set.of(0, 4), org.leaders());
    org.linked = (a, b) -> true;
    org.run(Duration.ofSeconds(15));
    assertEquals(Set.of(0), org.leaders());
  }

  @Test
  void whenTheLeaderStopsTheNextLowestTakesOver() {
    Org org = new Org();
    for (int id = 0; id < 5; id++) {
      org.start(id);
    }
    org.run(Duration.ofSeconds(30));
    assertEquals(Set.of(0), org.leaders());
    org.stop(0);
    // Followers notice after leaderAliveThreshold (10s) and elect in leaderElectionDuration (5s).
    org.run(Duration.ofSeconds(16));
    assertEquals(Set.of(1), org.leaders());
  }

  @Test
  void aPartitionHasALeaderPerSideAndOneAfterItHeals() {
    Org org = new Org();
    for (int id = 0; id < 6; id++) {
      org.start(id);
    }
    org.run(Duration.ofSeconds(30));
    assertEquals(Set.of(0), org.leaders());
    org.linked = (a, b) -> (a % 2) == (b % 2);
    org.run(Duration.ofSeconds(30));
    assertEquals(Set.of(0, 1), org.leaders());
    org.linked = (a, b) -> true;
    org.run(Duration.ofSeconds(10));
    assertEquals(Set.of(0), org.leaders());
  }

  @Test
  void aYieldingLeaderStepsDownAndAnotherPeerLeads() {
    Org org = new Org();
    for (int id = 0; id < 4; id++) {
      org.start(id);
    }
    org.run(Duration.ofSeconds(30));
    assertEquals(Set.of(0), org.leaders());
    org.yieldLeadership(0);
    assertTrue(org.leaders().isEmpty());
    org.run(Duration.ofSeconds(20));
    assertEquals(Set.of(1), org.leaders(), "the yielding peer abstains; the next lowest leads");
    org.run(Duration.ofSeconds(120));
    assertEquals(Set.of(1), org.leaders(), "after the yield period the new leader is an incumbent");
  }

  /** Five peers whose followers watch the last declaration, settled on peer 0 as leader. */
  private static Org fivePeersWatchingTheLastDeclaration() {
    return fivePeersWatchingTheLastDeclaration(false);
  }

  /** The same, the next in line succeeding a silent leader when {@code succession}. */
  private static Org fivePeersWatchingTheLastDeclaration(boolean succession) {
    Org org = new Org();
    org.watch = ElectionState.LeaderWatch.LAST_DECLARATION;
    org.succession = succession;
    for (int id = 0; id < 5; id++) {
      org.start(id);
    }
    org.run(Duration.ofSeconds(30));
    assertEquals(Set.of(0), org.leaders());
    return org;
  }

  @Test
  void watchingTheLastDeclarationAFollowerElectsOneThresholdAfterIt() {
    Org org = fivePeersWatchingTheLastDeclaration();
    org.run(Duration.ofSeconds(60));
    assertEquals(Set.of(0), org.leaders(), "declarations every 4 s keep the leader");
    org.stop(0);
    // The last declaration was at most 0.4 x 10 s before the stop: 6 to 10 s to notice, 5 s to elect.
    org.run(Duration.ofMillis(15_100));
    assertEquals(Set.of(1), org.leaders());
  }

  @Test
  void watchingTheLastDeclarationOneLostDeclarationStartsNoElection() {
    Org org = fivePeersWatchingTheLastDeclaration();
    int before = org.proposals;
    for (int i = 0; i < 10; i++) {
      org.linked = (a, b) -> a != 0 && b != 0;
      org.run(Duration.ofMillis(4_000)); // one declaration interval: exactly one declaration is lost
      org.linked = (a, b) -> true;
      org.run(Duration.ofMillis(8_000));
    }
    assertEquals(before, org.proposals, "no follower proposed itself");
    assertEquals(Set.of(0), org.leaders());
  }

  /** Five peers watching the last declaration, the next in line succeeding a silent leader. */
  private static Org fivePeersWithSuccession() {
    return fivePeersWatchingTheLastDeclaration(true);
  }

  @Test
  void withSuccessionTheNextInLineLeadsAsSoonAsTheLeaderIsSilentWithoutAnElection() {
    Org org = fivePeersWithSuccession();
    org.stop(0);
    // Noticed 6 to 10 s after the last declaration; no 5 s election follows for the successor.
    org.run(Duration.ofMillis(10_100));
    assertEquals(Set.of(1), org.leaders());
    assertEquals(1, org.mostLeadersAtOnce, "the other followers' elections end on its declaration");
    org.run(Duration.ofSeconds(60));
    assertEquals(Set.of(1), org.leaders());
  }

  @Test
  void withSuccessionAPeerFarBehindIsPassedOverForTheNextOneNotBehind() {
    Org org = fivePeersWithSuccession();
    org.farBehind = Set.of(1);
    org.run(Duration.ofSeconds(1));
    org.stop(0);
    org.run(Duration.ofMillis(10_100));
    assertEquals(Set.of(2), org.leaders(), "peer 1 is far behind: peer 2 leads");
    org.run(Duration.ofSeconds(60));
    assertEquals(Set.of(2), org.leaders(), "peer 1, electing, followed the successor's declaration");
  }

  @Test
  void withSuccessionTheSuccessorsSuccessorTakesOverWhenBothStop() {
    Org org = fivePeersWithSuccession();
    org.stop(0);
    org.stop(1);
    // Peer 2 is not next in line while peer 1 is proven: it elects, and wins as the lowest proposal.
    org.run(Duration.ofMillis(15_100));
    assertEquals(Set.of(2), org.leaders());
  }

  @Test
  void withSuccessionAFollowerThatMissedDeclarationsStepsDownOnTheLeadersNext() {
    Org org = fivePeersWithSuccession();
    org.linked = (a, b) -> !(a == 0 && b == 1) && !(a == 1 && b == 0);
    org.run(Duration.ofMillis(10_100));
    assertEquals(Set.of(0, 1), org.leaders(), "cut off from the leader, peer 1 took it for gone");
    org.linked = (a, b) -> true;
    org.run(Duration.ofSeconds(5));
    assertEquals(Set.of(0), org.leaders(), "the lower leader's declaration ends peer 1's term");
  }

  /** Two peers start while they cannot see each other yet (discovery under way), then they can. */
  private static Org twoPeersDiscoveringEachOtherAfterStart(boolean awaitPeers) {
    Org org = new Org();
    org.awaitPeers = awaitPeers;
    org.linked = (a, b) -> false;
    org.start(0);
    org.start(1);
    org.run(Duration.ofSeconds(8)); // past stabilization (2 s) and an election (5 s)
    org.linked = (a, b) -> true;
    org.run(Duration.ofSeconds(40));
    return org;
  }

  @Test
  void fabricsStartUpTakesAnEmptyViewForAStableOneAndBothPeersLead() {
    Org org = twoPeersDiscoveringEachOtherAfterStart(false);
    assertEquals(2, org.mostLeadersAtOnce, "each elected itself before discovery");
    assertEquals(Set.of(0), org.leaders());
  }

  @Test
  void awaitingPeersAtStartTwoPeersDiscoveringEachOtherNeverLeadAtOnce() {
    Org org = twoPeersDiscoveringEachOtherAfterStart(true);
    assertEquals(1, org.mostLeadersAtOnce);
    assertEquals(Set.of(0), org.leaders());
  }

  @Test
  void awaitingPeersAtStartAPeerAloneLeadsAfterTheGracePeriod() {
    Org org = new Org();
    org.awaitPeers = true;
    org.start(0);
    org.run(Duration.ofSeconds(14));
    assertTrue(org.leaders().isEmpty(), "still waiting for peers within startupGracePeriod (15 s)");
    org.run(Duration.ofSeconds(7));
    assertEquals(Set.of(0), org.leaders());
  }
}
