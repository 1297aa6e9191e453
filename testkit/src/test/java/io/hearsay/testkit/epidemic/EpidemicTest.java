package io.hearsay.testkit.epidemic;

import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.channels.epidemic.RumorMongering;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The epidemic families on 1000 replicas in synchronous rounds, seeded (each test states its seed). */
class EpidemicTest {

  private static final int PEERS = 1000;

  @Test
  void aReplicaKeepsTheNewestVersionAndReportsWhatIsNewer() {
    VersionedReplica<String> replica = new VersionedReplica<>();
    assertTrue(replica.offer(new VersionedReplica.Update<>("a", 2, "x")));
    assertFalse(replica.offer(new VersionedReplica.Update<>("a", 2, "y")), "equal version is not newer");
    assertFalse(replica.offer(new VersionedReplica.Update<>("a", 1, "old")));
    assertTrue(replica.offer(new VersionedReplica.Update<>("b", 0, "z")));
    assertEquals(Map.of("a", 2L, "b", 0L), replica.digest());
    assertEquals(List.of("b"), replica.newerThan(Map.of("a", 2L)).stream().map(VersionedReplica.Update::key).toList());
  }

  @Test
  void theThreeExchangesCostOneTwoAndThreeMessagesAndMoveWhatTheySay() {
    for (AntiEntropy.Mode mode : AntiEntropy.Mode.values()) {
      VersionedReplica<String> a = new VersionedReplica<>();
      VersionedReplica<String> b = new VersionedReplica<>();
      a.offer(new VersionedReplica.Update<>("from-a", 1, "x"));
      b.offer(new VersionedReplica.Update<>("from-b", 1, "y"));
      ReplicaExchange.Round round = ReplicaExchange.exchange(mode, a, b);
      assertEquals(mode.ordinal() + 1, round.messages());
      assertEquals(mode != AntiEntropy.Mode.PULL, b.version("from-a") == 1, mode + " gives B what A has");
      assertEquals(mode != AntiEntropy.Mode.PUSH, a.version("from-b") == 1, mode + " gives A what B has");
    }
  }

  @Test
  void antiEntropyReachesEveryReplicaAndPushPullIsFastestThenPullThenPush() {
    double[] mean = new double[3];
    for (AntiEntropy.Mode mode : AntiEntropy.Mode.values()) {
      SplittableRandom random = new SplittableRandom(11);
      for (int trial = 0; trial < 20; trial++) {
        mean[mode.ordinal()] += Rounds.antiEntropyCurve(PEERS, mode, random).size() / 20.0;
      }
    }
    double push = mean[0];
    double pull = mean[1];
    double pushPull = mean[2];
    assertTrue(pushPull < pull && pull < push, "push " + push + ", pull " + pull + ", push-pull " + pushPull);
  }

  @Test
  void rumorMongeringWithFeedbackAndCounterLeavesAboutTheResidueTheoryPredicts() {
    SplittableRandom random = new SplittableRandom(7);
    double previous = 1;
    for (int k = 1; k <= 3; k++) {
      double sum = 0;
      int trials = 40;
      for (int trial = 0; trial < trials; trial++) {
        sum += Rounds.rumorResidue(PEERS, k, RumorMongering.Feedback.FEEDBACK, RumorMongering.Loss.COUNTER, random);
      }
      double measured = sum / trials;
      double expected = Rounds.analyticResidue(k + 1);
      assertTrue(measured < previous, "residue falls as k grows");
      // 40 trials of 1000 replicas: the sampling error is under 4% of s for k <= 3.
      assertTrue(measured > expected * 0.85 && measured < expected * 1.15,
          "k=" + k + ": measured " + measured + " against " + expected);
      previous = measured;
    }
  }

  @Test
  void infectAndDiePushMissesWhatTheEpidemicEquationPredicts() {
    SplittableRandom random = new SplittableRandom(5);
    for (int fanout = 2; fanout <= 4; fanout++) {
      double sum = 0;
      for (int trial = 0; trial < 40; trial++) {
        sum += Rounds.infectAndDieResidue(PEERS, fanout, random);
      }
      double measured = sum / 40;
      double expected = Rounds.analyticResidue(fanout);
      assertTrue(measured > expected * 0.85 && measured < expected * 1.15,
          "fanout " + fanout + ": measured " + measured + " against " + expected);
    }
  }

  @Test
  void blindCoinRumorsStopAndLoseMoreThanFeedbackCounterOnes() {
    SplittableRandom random = new SplittableRandom(3);
    double blindCoin = 0;
    double feedbackCounter = 0;
    for (int trial = 0; trial < 20; trial++) {
      blindCoin += Rounds.rumorResidue(PEERS, 2, RumorMongering.Feedback.BLIND, RumorMongering.Loss.COIN, random);
      feedbackCounter += Rounds.rumorResidue(PEERS, 2, RumorMongering.Feedback.FEEDBACK, RumorMongering.Loss.COUNTER, random);
    }
    assertTrue(blindCoin > feedbackCounter, "blind/coin " + blindCoin / 20 + " vs feedback/counter " + feedbackCounter / 20);
  }
}
