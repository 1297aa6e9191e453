package io.hearsay.runtime.membership;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AccrualDetectorTest {

  private static final long MS = 1_000_000L;
  private final AccrualDetector detector = new AccrualDetector(
      new AccrualDetector.Settings(8, 100, Duration.ofMillis(200), Duration.ofSeconds(1)), Duration.ofMillis(500));

  @Test
  void peerKeepingItsIntervalIsNotSuspectedAndOneSilentForThreeSecondsIs() {
    long now = 0;
    for (int i = 0; i < 20; i++) {
      detector.heartbeat("p", now);
      now += 500 * MS;
    }
    long last = now - 500 * MS;
    assertFalse(detector.isSuspected("p", last + 1500 * MS), "a pause up to mean + acceptable pause is fine");
    assertTrue(detector.isSuspected("p", last + 3000 * MS), "phi at 3 s: " + detector.phi("p", last + 3000 * MS));
  }

  @Test
  void aRecordedCopyCountsAsSentOneExpectedIntervalPerSequenceNumberAfterTheLastHeardNeverLaterThanNow() {
    detector.heartbeat("fresh", 0);
    detector.heartbeat("recorded", 0);
    detector.heartbeat("far-ahead", 0);
    // At 2.5 s each hears of a newer alive message: sent now, a copy one sequence number ahead
    // (sent at 0.5 s), and a copy ten ahead (at most now).
    detector.heartbeat("fresh", 2500 * MS);
    assertFalse(detector.recorded("recorded", 1, 2500 * MS), "sent 2 s ago: no sign of life now");
    assertTrue(detector.recorded("far-ahead", 10, 2500 * MS), "as good as fresh");

    assertFalse(detector.isSuspected("fresh", 3200 * MS));
    assertFalse(detector.isSuspected("far-ahead", 3200 * MS));
    assertTrue(detector.isSuspected("recorded", 3200 * MS), "2.7 s after the copy was sent: phi "
        + detector.phi("recorded", 3200 * MS));
    assertFalse(detector.isSuspected("recorded", 2900 * MS), "2.4 s after it was sent, within mean + pause + 4.5 sigma");
  }

  @Test
  void onlyTheLastMaxSampleSizeIntervalsCount() {
    AccrualDetector three = new AccrualDetector(
        new AccrualDetector.Settings(8, 3, Duration.ofMillis(10), Duration.ZERO), Duration.ofMillis(100));
    long now = 0;
    for (int i = 0; i < 10; i++) {
      three.heartbeat("p", now);
      now += 100 * MS;
    }
    long last = now - 100 * MS;
    for (int i = 0; i < 3; i++) {
      last += 2000 * MS;
      three.heartbeat("p", last);
    }
    assertFalse(three.isSuspected("p", last + 1500 * MS), "the last three intervals were 2 s: 1.5 s is no silence");
    assertTrue(three.isSuspected("p", last + 2500 * MS), "nor did the 100 ms intervals before them widen the deviation");
  }

  @Test
  void phiGrowsWithSilence() {
    detector.heartbeat("p", 0);
    detector.heartbeat("p", 500 * MS);
    double previous = -1;
    for (long t = 600; t < 4000; t += 100) {
      double phi = detector.phi("p", 500 * MS + t * MS);
      assertTrue(phi >= previous, "phi at " + t + " ms: " + phi + " < " + previous);
      previous = phi;
    }
  }

  @Test
  void tenPercentLossOfAliveMessagesRaisesNoSuspicionOverAnHour() {
    SplittableRandom random = new SplittableRandom(10);
    long now = 0;
    long lastHeard = 0;
    detector.heartbeat("p", 0);
    for (int beat = 1; beat < 7200; beat++) {
      now = beat * 500 * MS;
      // Between beats the table is checked every 125 ms.
      for (long check = now - 375 * MS; check <= now; check += 125 * MS) {
        assertFalse(detector.isSuspected("p", check), "suspected " + (check - lastHeard) / MS + " ms after the last alive");
      }
      // The worst case: every alive message has one path to this peer, lost 10% of the time.
      if (random.nextDouble() >= 0.1) {
        detector.heartbeat("p", now);
        lastHeard = now;
      }
    }
  }

  @Test
  void forgottenPeerHasNoPhi() {
    detector.heartbeat("p", 0);
    detector.remove("p");
    assertFalse(detector.isSuspected("p", 60_000 * MS));
  }
}
