package io.hearsay.runtime.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PkiId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WatchRingTest {

  private static PkiId id(int b) {
    return PkiId.fromBytes(ByteString.copyFrom(new byte[] {(byte) b}));
  }

  @Test
  void watchersFollowAndSubjectsPrecedeOnTheRingInPkiIdOrderWrappingAround() {
    // 0x10 < 0x20 < 0x30 < 0x40 < 0xf0 (unsigned: 0xf0 is the last, not a negative byte first).
    WatchRing ring = new WatchRing(id(0x40), List.of(id(0x20), id(0xf0), id(0x10), id(0x30)), 2);

    assertEquals(List.of(id(0xf0), id(0x10), id(0x20)), ring.heartbeatTargets(), "its watchers and one more");
    assertEquals(Set.of(id(0x30), id(0x20)), ring.subjects());
    assertEquals(List.of(id(0x30), id(0x40)), ring.watchersOf(id(0x20)));
    assertEquals(List.of(), ring.watchersOf(id(0x50)), "a peer not on the ring has no watchers here");
  }

  @Test
  void withFewerPeersThanWatchersEveryOtherPeerWatchesOnce() {
    WatchRing ring = new WatchRing(id(1), List.of(id(2), id(3)), 5);

    assertEquals(List.of(id(2), id(3)), ring.heartbeatTargets());
    assertEquals(Set.of(id(2), id(3)), ring.subjects());
  }

  @Test
  void everyPeerHasExactlyKWatchersWhenAllHoldTheSameView() {
    List<PkiId> peers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      peers.add(id(i * 5));
    }
    Map<PkiId, Integer> watchedBy = new HashMap<>();
    for (PkiId self : peers) {
      WatchRing ring = new WatchRing(self, peers.stream().filter(p -> !p.equals(self)).toList(), 3);
      ring.subjects().forEach(s -> watchedBy.merge(s, 1, Integer::sum));
      for (PkiId watcher : ring.watchersOf(self)) {
        WatchRing theirs = new WatchRing(watcher, peers.stream().filter(p -> !p.equals(watcher)).toList(), 3);
        assertTrue(theirs.subjects().contains(self), "a peer's watchers take it for a subject");
      }
    }
    assertEquals(Set.of(3), Set.copyOf(watchedBy.values()));
  }
}
