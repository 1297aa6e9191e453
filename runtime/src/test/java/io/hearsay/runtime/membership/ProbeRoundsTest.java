package io.hearsay.runtime.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Probe rounds and local health, driven with explicit time: checks every 100 ms, alive every 500 ms. */
class ProbeRoundsTest {

  private static final long MS = 1_000_000L;
  private static final Duration ALIVE = Duration.ofMillis(500);

  private final PkiId suspect = TestCrypto.peer(1, 1).pkiId();
  private final PkiId relayA = TestCrypto.peer(1, 2).pkiId();
  private final PkiId relayB = TestCrypto.peer(2, 0).pkiId();
  private final PkiId other = TestCrypto.peer(2, 1).pkiId();
  private final ProbeRounds rounds = new ProbeRounds(
      new MembershipSettings.Probes(2, 2, 2, Duration.ofMillis(100), 3, 0), ALIVE, 0);
  private long now;

  private List<PkiId> nextCheck() {
    now += 100 * MS;
    return rounds.check(now);
  }

  private void probe(PkiId who) {
    rounds.started(who, Set.of(who, relayA, relayB));
  }

  @Test
  void aRoundSomeRelayAnsweredCountsAtTheNextCheckAndOneAllAnsweredKeepsHealth() {
    nextCheck();
    probe(suspect);
    rounds.answered(relayA);
    rounds.answered(relayB);
    assertEquals(List.of(suspect), nextCheck());
    assertEquals(0, rounds.health());
  }

  @Test
  void aRoundNobodyAnsweredDoesNotCountAndMakesThisPeerLessHealthy() {
    nextCheck();
    probe(suspect);
    assertEquals(List.of(), nextCheck());
    assertEquals(1, rounds.health());
  }

  @Test
  void atHealthOneARoundWaitsTwoChecksForItsAnswers() {
    nextCheck();
    probe(suspect);
    nextCheck(); // unanswered: health 1
    probe(suspect);
    assertEquals(List.of(), nextCheck(), "still under way after one check");
    rounds.answered(relayA);
    rounds.answered(relayB);
    assertEquals(List.of(suspect), nextCheck(), "an answer within the second check counts");
    assertEquals(0, rounds.health(), "every relay answered in time");
  }

  @Test
  void aLateCheckMakesThisPeerLessHealthyAndAnAliveIntervalWithoutOneHealsIt() {
    nextCheck();
    now += 300 * MS; // three intervals since the last check: this peer is slow itself
    rounds.check(now);
    assertEquals(1, rounds.health());
    assertFalse(rounds.atWorst());
    for (int i = 0; i < 5; i++) {
      nextCheck();
    }
    assertEquals(1, rounds.health(), "not yet an alive interval since the sign of ill health");
    nextCheck();
    assertEquals(0, rounds.health());
  }

  @Test
  void healthIsCappedAtTheMaximum() {
    for (int i = 0; i < 10; i++) {
      now += 300 * MS;
      rounds.check(now);
    }
    assertEquals(3, rounds.health());
    assertTrue(rounds.atWorst());
  }

  @Test
  void atMostSuspectsPerCheckRoundsAreUnderWayAndOnePerSuspect() {
    nextCheck();
    assertTrue(rounds.canStart(suspect));
    probe(suspect);
    assertFalse(rounds.canStart(suspect), "a round under way for it");
    probe(other);
    assertFalse(rounds.canStart(relayA), "two rounds under way already");
    rounds.answered(relayA);
    nextCheck();
    assertTrue(rounds.canStart(suspect), "the rounds ended at the check");
  }
}
