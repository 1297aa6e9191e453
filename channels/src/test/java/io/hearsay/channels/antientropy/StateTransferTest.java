package io.hearsay.channels.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.channels.stateinfo.StateInfoTable;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Fabric's defaults: batchSize 10, responseTimeout 3s, maxRetries 3; time in nanoseconds. */
class StateTransferTest {

  private static final long SECOND = 1_000_000_000L;
  private final SigningIdentity behind = TestCrypto.peer(1, 0);
  private final SigningIdentity ahead = TestCrypto.peer(1, 1);
  private final SigningIdentity alsoAhead = TestCrypto.peer(1, 2);
  private final StateInfoTable members = new StateInfoTable("mychannel", Set.of("Org1MSP", "Org2MSP"));
  private final StateTransfer transfer = new StateTransfer("Org1MSP", 10, Duration.ofSeconds(3), 3, new SplittableRandom(7));

  /** The hearsay profile's transfer: timeouts measured down to 100 ms, {@code pipeline} windows. */
  private static StateTransfer measured(int pipeline) {
    return new StateTransfer("Org1MSP", 10, Duration.ofSeconds(3), Duration.ofMillis(100), 3, new SplittableRandom(7),
        pipeline, peer -> false);
  }

  /**
   * {@code windows} windows from block 1 on, each asked at a multiple of {@code tookNanos} and
   * answered {@code tookNanos} later, before the next is asked; returns the height they reach.
   */
  private long answeredInTurn(StateTransfer transfer, int windows, long tookNanos) {
    long height = 1;
    for (int i = 0; i < windows; i++) {
      StateTransfer.Request request = transfer.check(height, members, i * tookNanos).orElseThrow();
      assertTrue(transfer.onResponse(request.peer(), request.nonce(), (i + 1) * tookNanos));
      height = request.end() + 1;
    }
    return height;
  }

  private void advertise(SigningIdentity who, long height) {
    members.onStateInfo(new EnvelopeSigner(who).sign(
        GossipMessages.stateInfo(who.pkiId(), "mychannel", PeerTimes.of(1, height), height)));
  }

  @Test
  void aCommitterHoldingBlocksPastAGapHasOnlyTheGapsFilled() {
    // At height 1 the committer holds 2..40 (push brought them; block 1 was missed) and 45..46.
    Set<Long> holds = Stream.iterate(2L, n -> n + 1).limit(39).collect(Collectors.toSet());
    holds.addAll(Set.of(45L, 46L));
    long[] newest = {46};
    StateTransfer transfer = new StateTransfer("Org1MSP", 50, Duration.ofSeconds(3), Duration.ofMillis(100), 3,
        new SplittableRandom(7), 4, peer -> false, BufferedBlocks.of(holds::contains, () -> newest[0]));
    advertise(ahead, 60);
    advertise(alsoAhead, 60);
    StateTransfer.Request first = transfer.check(1, members, 0).orElseThrow();
    assertEquals(List.of(1L, 1L), List.of(first.start(), first.end()), "only the block it lacks");
    assertTrue(transfer.onResponse(first.peer(), first.nonce(), SECOND / 10));
    StateTransfer.Request second = transfer.check(1, members, SECOND / 10).orElseThrow();
    assertEquals(List.of(41L, 44L), List.of(second.start(), second.end()), "from the next gap to before 45");
    assertTrue(transfer.check(1, members, SECOND / 10).isEmpty(), "47..59: push is bringing them");
    // The gaps filled and committed, nothing held: the rest is fetched, as Fabric's state provider does.
    holds.clear();
    newest[0] = -1;
    assertTrue(transfer.onResponse(second.peer(), second.nonce(), SECOND / 5));
    StateTransfer.Request rest = transfer.check(47, members, SECOND / 5).orElseThrow();
    assertEquals(List.of(47L, 59L), List.of(rest.start(), rest.end()), "to the highest height - 1");
  }

  @Test
  void whenOnlyStallsAreFetchedAGapBelowHeldBlocksIsFetchedAtTheFirstCheck() {
    Set<Long> holds = new HashSet<>(Set.of(3L, 4L));
    long[] newest = {4};
    StateTransfer transfer = new StateTransfer("Org1MSP", 50, Duration.ofSeconds(3), Duration.ofMillis(100), 3,
        new SplittableRandom(7), 4, peer -> false, BufferedBlocks.of(holds::contains, () -> newest[0]));
    advertise(ahead, 6);
    List<StateTransfer.Request> first = transfer.periodicCheck(2, 100, members, true, 0);
    assertEquals(List.of(List.of(2L, 2L)), first.stream().map(r -> List.of(r.start(), r.end())).toList(),
        "block 2 is missing below 3..4: fetched now, 5 is push's");
    holds.clear();
    newest[0] = -1;
    assertTrue(transfer.onResponse(first.get(0).peer(), first.get(0).nonce(), SECOND / 10));
    assertTrue(transfer.periodicCheck(5, 100, members, true, SECOND).isEmpty(), "progress, no gap: push brings 5");
  }

  @Test
  void nothingIsRequestedWhenNoPeerIsAhead() {
    advertise(ahead, 5);
    assertTrue(transfer.check(5, members, 0).isEmpty());
  }

  @Test
  void missingBlocksAreRequestedInWindowsOfTheBatchSizeFromAPeerThatHasThem() {
    advertise(ahead, 25);
    advertise(alsoAhead, 8);
    StateTransfer.Request first = transfer.check(3, members, 0).orElseThrow();
    assertEquals(3, first.start());
    assertEquals(12, first.end());
    assertEquals(ahead.pkiId(), first.peer(), "only it holds block 12");
    assertTrue(transfer.check(3, members, SECOND).isEmpty(), "one request at a time");
    assertTrue(transfer.onResponse(ahead.pkiId(), first.nonce(), 0));
    StateTransfer.Request last = transfer.check(23, members, 2 * SECOND).orElseThrow();
    assertEquals(23, last.start());
    assertEquals(24, last.end(), "up to the highest height - 1");
  }

  @Test
  void aPipelineAsksForConsecutiveWindowsFromDifferentPeersUpToTheCommittersBound() {
    StateTransfer pipelined = new StateTransfer("Org1MSP", 10, Duration.ofSeconds(3), 3, new SplittableRandom(7), 3);
    advertise(ahead, 100);
    advertise(alsoAhead, 100);
    StateTransfer.Request first = pipelined.check(1, 25, members, 0).orElseThrow();
    StateTransfer.Request second = pipelined.check(1, 25, members, 0).orElseThrow();
    assertTrue(pipelined.check(1, 25, members, 0).isEmpty(),
        "blocks 21 to 24 would make a window cut short by the committer's bound: it waits for room");
    StateTransfer.Request third = pipelined.check(6, 31, members, 0).orElseThrow();
    assertEquals(List.of(1L, 10L, 11L, 20L, 21L, 30L),
        List.of(first.start(), first.end(), second.start(), second.end(), third.start(), third.end()),
        "consecutive windows, none past the committer's bound");
    assertTrue(!first.peer().equals(second.peer()), "the second window goes to the other holder");
    assertTrue(pipelined.check(1, 100, members, 0).isEmpty(), "three windows is the pipeline");
    // An answered window is not asked for again while it waits in the committer.
    assertTrue(pipelined.onResponse(first.peer(), first.nonce(), 0));
    assertEquals(31, pipelined.check(1, 100, members, 0).orElseThrow().start());
  }

  @Test
  void aHeightBeyondThePullWindowStartsTheCatchUpAtOnceOneWithinItWaitsForTheCheck() {
    StateTransfer pipelined = new StateTransfer("Org1MSP", 10, Duration.ofSeconds(3), 3, new SplittableRandom(7), 2);
    advertise(ahead, 11);
    assertTrue(pipelined.onHeightsLearned(1, 21, 10, members, 0).isEmpty(),
        "blocks 1-10 are within the pull window of 10: push and pull may still bring them");
    advertise(ahead, 1003);
    List<StateTransfer.Request> now = pipelined.onHeightsLearned(1, 21, 10, members, 0);
    assertEquals(List.of(1L, 11L), now.stream().map(StateTransfer.Request::start).toList(),
        "a peer 1000 blocks ahead: the pipeline's windows go out now");
    assertTrue(pipelined.onResponse(ahead.pkiId(), now.get(0).nonce(), 0));
    assertEquals(21, pipelined.continueCatchUp(11, 31, members, SECOND).get(0).start(),
        "and the catch-up goes on to the advertised height");
  }

  @Test
  void aCatchUpUnderWayFollowsANewHeightBeyondThePullWindowButDoesNotChaseOneWithinIt() {
    // A reorder buffer of 50 blocks past the height, a pull window of 10; one window of 10 at a time.
    StateTransfer transfer = new StateTransfer("Org1MSP", 10, Duration.ofSeconds(3), 3, new SplittableRandom(7), 1);
    advertise(ahead, 100);
    StateTransfer.Request window = transfer.onHeightsLearned(1, 51, 10, members, 0).get(0);
    for (long height = 11; height <= 61; height += 10) {
      assertTrue(transfer.onResponse(ahead.pkiId(), window.nonce(), 0));
      window = transfer.continueCatchUp(height, height + 50, members, SECOND).get(0);
    }
    assertEquals(61, window.start(), "catching up towards 100");
    assertTrue(transfer.onResponse(ahead.pkiId(), window.nonce(), 0));
    advertise(ahead, 150);
    window = transfer.onHeightsLearned(71, 121, 10, members, SECOND).get(0);
    assertEquals(71, window.start(), "150 is beyond the pull window: the catch-up under way takes it as its goal");
    for (long height = 81; height <= 141; height += 10) {
      assertTrue(transfer.onResponse(ahead.pkiId(), window.nonce(), 0));
      window = transfer.continueCatchUp(height, height + 50, members, SECOND).get(0);
    }
    assertEquals(List.of(141L, 149L), List.of(window.start(), window.end()), "past the first goal of 100, up to 150");
    advertise(ahead, 151);
    assertTrue(transfer.onHeightsLearned(141, 191, 10, members, SECOND).isEmpty());
    assertTrue(transfer.onResponse(ahead.pkiId(), window.nonce(), 0));
    assertTrue(transfer.continueCatchUp(150, 200, members, SECOND).isEmpty(),
        "caught up at its goal: block 150, within the pull window, comes by push or pull and is not fetched again;"
            + " a goal that followed every new height kept a peer near the tip fetching each new block twice");
    advertise(ahead, 160);
    assertTrue(transfer.onHeightsLearned(150, 200, 10, members, SECOND).isEmpty(),
        "a peer 10 ahead, within the pull window: push and pull bring those");
  }

  @Test
  void windowsThatTimeOutHalveWhatIsInFlightAndAnsweredOnesRegrowIt() {
    StateTransfer pipelined = new StateTransfer("Org1MSP", 10, Duration.ofSeconds(3), 5, new SplittableRandom(7), 8);
    advertise(ahead, 1000);
    advertise(alsoAhead, 1000);
    List<StateTransfer.Request> asked = new ArrayList<>();
    for (var r = pipelined.check(0, members, 0); r.isPresent(); r = pipelined.check(0, members, 0)) {
      asked.add(r.get());
    }
    assertEquals(8, asked.size(), "a full pipeline at first");
    long late = Duration.ofSeconds(4).toNanos();
    pipelined.tick(members, late).orElseThrow();
    assertEquals(4, pipelined.windowsInFlight(), "one window timed out: half as many in flight");
    pipelined.tick(members, late).orElseThrow();
    assertEquals(2, pipelined.windowsInFlight());
    for (StateTransfer.Request r : asked.subList(2, 8)) {
      pipelined.onResponse(r.peer(), r.nonce(), 0);
    }
    assertEquals(8, pipelined.windowsInFlight(), "each window answered in time adds one, up to the pipeline");
  }

  @Test
  void aStalledTransferAsksAgainForWindowsAnsweredButNeverCommitted() {
    advertise(ahead, 30);
    StateTransfer.Request first = transfer.check(1, members, 0).orElseThrow();
    assertTrue(transfer.onResponse(ahead.pkiId(), first.nonce(), 0));
    assertEquals(11, transfer.check(1, members, 0).orElseThrow().start(), "window 1..10 is in the committer");
    transfer.onResponse(ahead.pkiId(), transfer.pending().orElseThrow().nonce(), 0);
    transfer.stalled(1);
    assertEquals(1, transfer.check(1, members, 0).orElseThrow().start(), "its blocks were refused: asked again");
  }

  @Test
  void aFabricPeerIsAskedForNoMoreThanFabricsBatchSizeAndTheNextWindowFollowsOn() {
    StateTransfer hearsayProfile = new StateTransfer("Org1MSP", 50, Duration.ofSeconds(3), 3, new SplittableRandom(7), 2,
        peer -> peer.equals(ahead.pkiId()));
    advertise(ahead, 200);
    StateTransfer.Request first = hearsayProfile.check(1, members, 0).orElseThrow();
    StateTransfer.Request second = hearsayProfile.check(1, members, 0).orElseThrow();
    assertEquals(List.of(1L, 10L, 11L, 20L), List.of(first.start(), first.end(), second.start(), second.end()),
        "Fabric refuses a request spanning more than its batch size (10 by default)");
    advertise(alsoAhead, 200);
    assertTrue(hearsayProfile.onResponse(first.peer(), first.nonce(), 0));
    StateTransfer.Request third = hearsayProfile.check(1, members, 0).orElseThrow();
    assertEquals(List.of(alsoAhead.pkiId(), 21L, 70L), List.of(third.peer(), third.start(), third.end()),
        "a Hearsay peer, idle, is asked for a window of 50");
  }

  @Test
  void theGenesisBlockIsNeverAskedFor() {
    advertise(ahead, 5);
    StateTransfer.Request request = transfer.check(0, members, 0).orElseThrow();
    assertEquals(List.of(1L, 4L), List.of(request.start(), request.end()), "block 0 is the block the channel was joined with");
  }

  @Test
  void peersOfAnotherOrgAreNeverAsked() {
    advertise(TestCrypto.peer(2, 0), 50);
    assertTrue(transfer.check(3, members, 0).isEmpty(), "blocks do not cross orgs");
  }

  @Test
  void responsesWithAnotherNonceOrFromAnotherPeerDoNotCount() {
    advertise(ahead, 25);
    StateTransfer.Request request = transfer.check(0, members, 0).orElseThrow();
    assertFalse(transfer.onResponse(ahead.pkiId(), request.nonce() + 1, 0));
    assertFalse(transfer.onResponse(alsoAhead.pkiId(), request.nonce(), 0));
    assertTrue(transfer.pending().isPresent());
  }

  @Test
  void anUnansweredRequestIsRetriedElsewhereThenAbandoned() {
    advertise(ahead, 25);
    advertise(alsoAhead, 25);
    StateTransfer.Request first = transfer.check(0, members, 0).orElseThrow();
    assertTrue(transfer.tick(members, 2 * SECOND).isEmpty(), "not timed out yet");
    StateTransfer.Request second = transfer.tick(members, 3 * SECOND).orElseThrow();
    assertNotEquals(first.peer(), second.peer());
    assertEquals(2, second.attempt());
    StateTransfer.Request third = transfer.tick(members, 6 * SECOND).orElseThrow();
    assertEquals(3, third.attempt());
    assertTrue(transfer.tick(members, 9 * SECOND).isEmpty(), "maxRetries reached");
    assertTrue(transfer.pending().isEmpty());
  }

  @Test
  void aMeasuredResponseTimeoutShrinksToTheResponseTimesAndALostWindowIsAskedAgainAtItsDeadline() {
    long ms = SECOND / 1000;
    StateTransfer adaptive = measured(1);
    advertise(ahead, 1000);
    advertise(alsoAhead, 1000);
    long now = 0;
    long height = 1;
    for (int i = 0; i < 20; i++) {
      StateTransfer.Request request = adaptive.check(height, members, now).orElseThrow();
      if (i == 0) {
        assertEquals(3 * SECOND, request.deadlineNanos(), "Fabric's 3 s until a response was timed");
      }
      assertTrue(adaptive.onResponse(request.peer(), request.nonce(), now + 20 * ms));
      now += 20 * ms;
      height = request.end() + 1;
    }
    StateTransfer.Request lost = adaptive.check(height, members, now).orElseThrow();
    assertEquals(now + 100 * ms, lost.deadlineNanos(), "responses in 20 ms: the 100 ms floor");
    assertEquals(Optional.of(lost.deadlineNanos()), adaptive.nextDeadline());
    assertTrue(adaptive.tick(members, lost.deadlineNanos() - 1).isEmpty());
    StateTransfer.Request again = adaptive.tick(members, lost.deadlineNanos()).orElseThrow();
    assertEquals(List.of(lost.start(), lost.end()), List.of(again.start(), again.end()));
    assertEquals(2, again.attempt());
    assertTrue(!again.peer().equals(lost.peer()), "asked of the other holder");
  }

  @Test
  void aResponseRestartsTheTimeoutsOfTheWindowsQueuedBehindItAtThatPeerButNotOfEarlierOnes() {
    long ms = SECOND / 1000;
    StateTransfer pipelined = measured(4);
    advertise(ahead, 1000);
    long height = answeredInTurn(pipelined, 20, 20 * ms); // answers in 20 ms: its timeout is the 100 ms floor
    long now = 20 * 20 * ms;
    // Asked at the same moment, as a catch-up asks for its windows.
    StateTransfer.Request first = pipelined.check(height, members, now).orElseThrow();
    StateTransfer.Request second = pipelined.check(height, members, now).orElseThrow();
    StateTransfer.Request third = pipelined.check(height, members, now).orElseThrow();
    assertEquals(now + 100 * ms, third.deadlineNanos());

    // The second window's answer comes after 90 ms: the first, asked before it, is overdue at its
    // deadline; the third, queued behind the second, gets a full timeout from now.
    assertTrue(pipelined.onResponse(ahead.pkiId(), second.nonce(), now + 90 * ms));
    assertEquals(Optional.of(first.deadlineNanos()), pipelined.nextDeadline());
    StateTransfer.Request retried = pipelined.tick(members, now + 100 * ms).orElseThrow();
    assertEquals(first.start(), retried.start());
    assertTrue(pipelined.tick(members, now + 189 * ms).isEmpty(), "the third still waits behind the second");
    assertEquals(third.start(), pipelined.tick(members, now + 190 * ms).orElseThrow().start());
  }

  @Test
  void withMeasuredTimeoutsAPeerFourTimesSlowerThanTheQuickestHolderIsNotAsked() {
    long ms = SECOND / 1000;
    StateTransfer adaptive = measured(2);
    advertise(ahead, 1000);
    advertise(alsoAhead, 1000);
    long now = 0;
    long height = 1;
    StateTransfer.Request a = adaptive.check(height, members, now).orElseThrow();
    StateTransfer.Request b = adaptive.check(height, members, now).orElseThrow();
    assertTrue(!a.peer().equals(b.peer()), "both holders are tried while not timed");
    for (StateTransfer.Request r : List.of(a, b)) {
      long took = r.peer().equals(ahead.pkiId()) ? 20 * ms : 900 * ms;
      assertTrue(adaptive.onResponse(r.peer(), r.nonce(), now + took));
    }
    now += SECOND;
    height = b.end() + 1;
    for (int i = 0; i < 10; i++) {
      StateTransfer.Request next = adaptive.check(height, members, now).orElseThrow();
      assertEquals(ahead.pkiId(), next.peer(), "the peer answering in 900 ms is left out while one answers in 20");
      assertTrue(adaptive.onResponse(next.peer(), next.nonce(), now + 20 * ms));
      height = next.end() + 1;
    }
    StateTransfer fabric = new StateTransfer("Org1MSP", 10, Duration.ofSeconds(3), 3, new SplittableRandom(7), 2,
        peer -> false);
    assertEquals(2, Stream.of(fabric.check(1, members, 0), fabric.check(1, members, 0))
        .map(r -> r.orElseThrow().peer()).distinct().count(), "Fabric's fixed timeout asks any holder");
  }

  @Test
  void withMeasuredTimeoutsEachPeerStartsWithOneWindowAndIsAskedForOneMoreForEachItAnswers() {
    long ms = SECOND / 1000;
    StateTransfer adaptive = measured(8);
    advertise(ahead, 1000);
    StateTransfer.Request timed = adaptive.check(1, members, 0).orElseThrow();
    assertTrue(adaptive.check(1, members, 0).isEmpty(), "one window until the peer answers one");
    assertTrue(adaptive.onResponse(ahead.pkiId(), timed.nonce(), 20 * ms));
    advertise(alsoAhead, 1000);
    List<StateTransfer.Request> burst = new ArrayList<>();
    for (var r = adaptive.check(timed.end() + 1, members, SECOND); r.isPresent();
        r = adaptive.check(timed.end() + 1, members, SECOND)) {
      burst.add(r.get());
    }
    assertEquals(Map.of(ahead.pkiId(), 2L, alsoAhead.pkiId(), 1L),
        burst.stream().collect(Collectors.groupingBy(StateTransfer.Request::peer, Collectors.counting())),
        "two windows to the peer that answered one, one to the peer not timed yet");
    StateTransfer.Request answered = burst.stream().filter(r -> r.peer().equals(ahead.pkiId())).findFirst().orElseThrow();
    assertTrue(adaptive.onResponse(ahead.pkiId(), answered.nonce(), SECOND + 20 * ms));
    assertEquals(2, Stream.of(adaptive.check(timed.end() + 1, members, SECOND), adaptive.check(timed.end() + 1, members,
        SECOND)).filter(r -> r.map(StateTransfer.Request::peer).equals(Optional.of(ahead.pkiId()))).count(),
        "its window is three now, one of them answered: two more");
    StateTransfer.Request late = burst.stream().filter(r -> r.peer().equals(alsoAhead.pkiId())).findFirst().orElseThrow();
    assertEquals(late.start(), adaptive.tick(members, late.deadlineNanos()).orElseThrow().start(),
        "a late window is asked again even when every peer's window is full");
  }

  @Test
  void withMeasuredTimeoutsAWindowOvertakenByThreeLaterAnswersOfItsPeerIsAskedAgainAtOnce() {
    long ms = SECOND / 1000;
    StateTransfer pipelined = measured(8);
    advertise(ahead, 1000);
    long height = answeredInTurn(pipelined, 4, ms); // the peer's window grows to 5
    List<StateTransfer.Request> windows = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      windows.add(pipelined.check(height, members, 10 * ms).orElseThrow());
    }
    long now = 20 * ms;
    assertTrue(pipelined.onResponse(ahead.pkiId(), windows.get(1).nonce(), now));
    assertTrue(pipelined.onResponse(ahead.pkiId(), windows.get(2).nonce(), now));
    assertTrue(pipelined.tick(members, now).isEmpty(), "overtaken twice: maybe only late");
    assertTrue(pipelined.onResponse(ahead.pkiId(), windows.get(3).nonce(), now));
    assertEquals(Optional.of(now), pipelined.nextDeadline());
    StateTransfer.Request again = pipelined.tick(members, now).orElseThrow();
    assertEquals(List.of(windows.get(0).start(), 2), List.of(again.start(), again.attempt()),
        "overtaken three times: lost, asked again without waiting for its timeout");
  }
}
