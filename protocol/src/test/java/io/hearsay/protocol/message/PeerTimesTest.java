package io.hearsay.protocol.message;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerTimesTest {

  @Test
  void higherSequenceNumberOfTheSameIncarnationIsNewer() {
    assertTrue(PeerTimes.isNewer(PeerTimes.of(100, 6), PeerTimes.of(100, 5)));
    assertFalse(PeerTimes.isNewer(PeerTimes.of(100, 5), PeerTimes.of(100, 6)));
  }

  @Test
  void restartedPeerIsNewerWhateverItsSequenceNumber() {
    assertTrue(PeerTimes.isNewer(PeerTimes.of(200, 0), PeerTimes.of(100, 999_999)));
    assertFalse(PeerTimes.isNewer(PeerTimes.of(100, 999_999), PeerTimes.of(200, 0)));
  }

  @Test
  void equalTimeIsNotNewer() {
    assertFalse(PeerTimes.isNewer(PeerTimes.of(100, 5), PeerTimes.of(100, 5)));
  }
}
