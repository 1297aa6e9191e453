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

  /** A peer of Org1MSP without an external endpoint: one org, one ring, as on a single-org network. */
  private static WatchRing.Peer peer(int b) {
    return new WatchRing.Peer(id(b), "Org1MSP", false);
  }

  private static WatchRing.Peer peer(int b, String msp, boolean external) {
    return new WatchRing.Peer(id(b), msp, external);
  }

  @Test
  void watchersFollowAndSubjectsPrecedeOnTheRingInPkiIdOrderWrappingAround() {
    // 0x10 < 0x20 < 0x30 < 0x40 < 0xf0 (unsigned: 0xf0 is the last, not a negative byte first).
    WatchRing ring = new WatchRing(peer(0x40), List.of(peer(0x20), peer(0xf0), peer(0x10), peer(0x30)), 2);

    assertEquals(List.of(id(0xf0), id(0x10), id(0x20)), ring.heartbeatTargets(), "its watchers and one more");
    assertEquals(Set.of(id(0x30), id(0x20)), ring.subjects());
    assertEquals(List.of(id(0x30), id(0x40)), ring.watchersOf(id(0x20)));
    assertEquals(List.of(), ring.watchersOf(id(0x50)), "a peer not on the ring has no watchers here");
  }

  @Test
  void withFewerPeersThanWatchersEveryOtherPeerWatchesOnce() {
    WatchRing ring = new WatchRing(peer(1), List.of(peer(2), peer(3)), 5);

    assertEquals(List.of(id(2), id(3)), ring.heartbeatTargets());
    assertEquals(Set.of(id(2), id(3)), ring.subjects());
  }

  @Test
  void everyPeerHasExactlyKWatchersWhenAllHoldTheSameView() {
    List<WatchRing.Peer> peers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      peers.add(peer(i * 5, i % 2 == 0 ? "Org1MSP" : "Org2MSP", i % 3 != 0));
    }
    Map<PkiId, Integer> watchedBy = new HashMap<>();
    for (WatchRing.Peer self : peers) {
      // What a peer sees: every peer with an external endpoint, and its org's peers.
      WatchRing ring = new WatchRing(self, peers.stream().filter(p -> !p.equals(self)
          && (p.external() || p.mspId().equals(self.mspId()))).toList(), 3);
      ring.subjects().forEach(s -> watchedBy.merge(s, 1, Integer::sum));
      for (PkiId watcher : ring.watchersOf(self.pkiId())) {
        WatchRing.Peer w = peers.stream().filter(p -> p.pkiId().equals(watcher)).findFirst().orElseThrow();
        assertTrue(w.external() || w.mspId().equals(self.mspId()), "a peer's watchers see it");
        WatchRing theirs = new WatchRing(w, peers.stream().filter(p -> !p.equals(w)
            && (p.external() || p.mspId().equals(w.mspId()))).toList(), 3);
        assertTrue(theirs.subjects().contains(self.pkiId()), "a peer's watchers take it for a subject");
      }
    }
    assertEquals(50, watchedBy.size(), "every peer is watched");
    assertEquals(Set.of(3), Set.copyOf(watchedBy.values()), "by exactly k peers");
  }

  @Test
  void aPeerWithoutExternalEndpointIsWatchedByItsOrgAloneAndOneWithByPeersWithOne() {
    WatchRing.Peer hidden = peer(0x10, "Org1MSP", false);
    WatchRing.Peer mate = peer(0x30, "Org1MSP", true);
    WatchRing.Peer foreign = peer(0x20, "Org2MSP", true);
    WatchRing.Peer foreign2 = peer(0x40, "Org2MSP", true);

    WatchRing fromHidden = new WatchRing(hidden, List.of(mate, foreign, foreign2), 1);
    assertEquals(List.of(id(0x30)), fromHidden.heartbeatTargets(), "its org's ring: the other org never sees it");
    assertEquals(Set.of(), fromHidden.subjects(), "it judges no peer with an external endpoint");
    WatchRing fromMate = new WatchRing(mate, List.of(hidden, foreign, foreign2), 1);
    assertEquals(Set.of(id(0x10), id(0x20)), fromMate.subjects(),
        "its org-mate without an external endpoint, and its predecessor on the ring of external peers");
    assertEquals(List.of(id(0x30)), fromMate.watchersOf(id(0x10)));
    assertEquals(List.of(id(0x30)), fromMate.watchersOf(id(0x20)));
  }
}
