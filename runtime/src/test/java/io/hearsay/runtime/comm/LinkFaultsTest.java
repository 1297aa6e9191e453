package io.hearsay.runtime.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkFaultsTest {

  private final Endpoint a = new Endpoint("127.0.0.1", 1);
  private final Endpoint b = new Endpoint("127.0.0.1", 2);
  private final SplittableRandom random = new SplittableRandom(42);

  @Test
  void noFaultsDeliverEverythingAtOnce() {
    assertEquals(Optional.of(Duration.ZERO), LinkFaults.none().outbound(a, random));
    assertFalse(LinkFaults.none().blocksInbound(a));
  }

  @Test
  void dropAllAffectsOnlyThatPeer() {
    LinkFaults faults = LinkFaults.none().dropAll(a);
    assertTrue(faults.outbound(a, random).isEmpty());
    assertEquals(Optional.of(Duration.ZERO), faults.outbound(b, random));
  }

  @Test
  void dropFractionDropsAboutThatFraction() {
    LinkFaults faults = LinkFaults.none().dropFraction(a, 0.3);
    int dropped = 0;
    for (int i = 0; i < 10_000; i++) {
      if (faults.outbound(a, random).isEmpty()) {
        dropped++;
      }
    }
    assertTrue(dropped > 2_700 && dropped < 3_300, "dropped " + dropped);
  }

  @Test
  void delayIsReported() {
    assertEquals(Optional.of(Duration.ofMillis(250)),
        LinkFaults.none().delay(a, Duration.ofMillis(250)).outbound(a, random));
  }

  @Test
  void partitionCutsBothDirections() {
    LinkFaults faults = LinkFaults.none().partitionFrom(Set.of(a));
    assertTrue(faults.outbound(a, random).isEmpty());
    assertTrue(faults.blocksInbound(a));
    assertFalse(faults.blocksInbound(b));
  }
}
