package io.hearsay.channels.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PkiId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class TargetedPullTest {

  private static PkiId peer(int id) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) id;
    return PkiId.fromBytes(ByteString.copyFrom(bytes));
  }

  @Test
  void noRoundWhileNobodyAnnouncesMoreThanThisPeerHas() {
    TargetedPull pull = new TargetedPull();
    for (int tick = 0; tick < 5; tick++) {
      assertTrue(pull.due(10, Map.of(peer(1), 10L, peer(2), 9L)).isEmpty());
    }
  }

  @Test
  void aHeightAnnouncedThisTickIsGivenATickToArriveByPush() {
    TargetedPull pull = new TargetedPull();
    assertTrue(pull.due(10, Map.of(peer(1), 12L)).isEmpty(), "just announced: may still be on its way");
    assertTrue(pull.due(12, Map.of(peer(1), 12L)).isEmpty(), "arrived by push in time: no round");
  }

  @Test
  void aHeightStillUnreachedATickLaterIsPulledFromThePeersKnownToHoldTheNextBlock() {
    TargetedPull pull = new TargetedPull();
    Map<PkiId, Long> heights = Map.of(peer(1), 12L, peer(2), 11L, peer(3), 10L, peer(4), 9L);
    assertTrue(pull.due(10, heights).isEmpty());
    assertEquals(Set.of(peer(1), peer(2)), new HashSet<>(pull.due(10, heights)),
        "only peers whose height shows they hold block 10");
    assertEquals(List.of(), pull.due(12, heights), "caught up: no more rounds");
  }

  @Test
  void aBlockPushedPastAGapShowsItBeforeAnyStateInfoDoes() {
    TargetedPull pull = new TargetedPull();
    Map<PkiId, Long> stale = Map.of(peer(1), 10L, peer(2), 10L, peer(3), -1L);
    pull.pushed(peer(2), 11);
    assertTrue(pull.due(10, stale).isEmpty(), "block 10 may still be on its way");
    assertEquals(List.of(peer(2)), pull.due(10, stale), "peer 2 pushed 11, so it holds 10");
  }

  @Test
  void theHeightsOfEveryPeerAreBuiltOnlyWhenARoundIsDue() {
    TargetedPull pull = new TargetedPull();
    Map<PkiId, Long> heights = Map.of(peer(1), 12L, peer(2), 10L);
    int[] built = {0};
    Supplier<Map<PkiId, Long>> counted = () -> {
      built[0]++;
      return heights;
    };
    assertTrue(pull.due(10, 12, counted).isEmpty(), "just announced");
    assertEquals(0, built[0], "no round: nobody's height looked at");
    assertEquals(List.of(peer(1)), pull.due(10, 12, counted), "block 10 a tick late: from peer 1");
    assertEquals(1, built[0]);
    assertTrue(pull.due(12, 12, counted).isEmpty());
    assertEquals(1, built[0]);
  }
}
