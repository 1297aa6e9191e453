package io.hearsay.runtime.membership;

import io.hearsay.protocol.identity.PkiId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who watches whom among Hearsay peers when heartbeats are not gossiped to all (the hearsay
 * profile's {@code membership.watch}): rings of alive Hearsay peers in PKI-ID order (PKI-IDs are
 * hashes, so a ring mixes hosts), one of the peers every org sees and one of this peer's org.
 *
 * <pre>
 *   a peer's ring     with an external endpoint: the ring of the peers with one (every org sees
 *                     them, and they talk to every org); without: the ring of its org's peers
 *                     (only its org sees it)
 *   watchers(p)     = the k peers after p on p's ring   p sends its alive message to them (and to
 *                                                       the next one) every alive interval, and
 *                                                       to nobody else
 *   subjects        = the peers this one is a watcher of: the k before it on the external ring
 *                     (when it is on it), and those of the k before it on its org's ring that have
 *                     no external endpoint; this peer's accrual detector judges them alone, the
 *                     others are alive until a dead report (their watchers' verdict) says not
 * </pre>
 *
 * Why: with every alive message gossiped to all, each peer receives n of them per interval and
 * judges n - 1 peers, O(n) messages and detector histories per peer, which at 1000 peers is
 * megabytes per second (Rapid's and SWIM's observation). With k watchers each, a peer sends k + 1
 * and receives about as many, whatever n is; a join or a death still reaches all, as a rumor. Two
 * rings because a peer without an external endpoint is invisible to other orgs: on one ring of all,
 * its watchers could be peers that never see it. Views differ for a moment after a join or a death,
 * so a peer may judge a subject that has stopped sending to it: its probe rounds ask the subject
 * itself, which answers, so that costs probes, not a death.
 */
final class WatchRing {

  /** A peer on the rings: its PKI-ID, its org, and whether it has an external endpoint. */
  record Peer(PkiId pkiId, String mspId, boolean external) {}

  private final Peer self;
  private final int k;
  private final List<PkiId> external;
  private final List<PkiId> org;
  private final Set<PkiId> internal = new HashSet<>();

  /** The rings of {@code others} (alive Hearsay peers) and {@code self}, each peer with {@code k} watchers. */
  WatchRing(Peer self, Collection<Peer> others, int k) {
    this.self = self;
    this.k = k;
    TreeSet<PkiId> externalRing = new TreeSet<>();
    TreeSet<PkiId> orgRing = new TreeSet<>();
    for (Peer peer : others) {
      if (peer.external()) {
        externalRing.add(peer.pkiId());
      }
      if (peer.mspId().equals(self.mspId())) {
        orgRing.add(peer.pkiId());
        if (!peer.external()) {
          internal.add(peer.pkiId());
        }
      }
    }
    if (self.external()) {
      externalRing.add(self.pkiId());
    }
    orgRing.add(self.pkiId());
    this.external = new ArrayList<>(externalRing);
    this.org = new ArrayList<>(orgRing);
  }

  /**
   * The peers this one sends its alive message to: its watchers and the peer after them, so that a
   * watcher whose view lacks a peer that joined between (or still holds one that died) is sent to
   * all the same.
   */
  List<PkiId> heartbeatTargets() {
    List<PkiId> ring = self.external() ? external : org;
    return around(ring, self.pkiId(), k + 1, 1);
  }

  /** The peers whose alive messages this one's detector judges: those it is a watcher of. */
  Set<PkiId> subjects() {
    Set<PkiId> subjects = new HashSet<>();
    if (self.external()) {
      subjects.addAll(around(external, self.pkiId(), k, -1));
    }
    around(org, self.pkiId(), k, -1).stream().filter(internal::contains).forEach(subjects::add);
    return subjects;
  }

  /** The watchers of {@code peer} (this one perhaps among them); none for a peer not on its ring here. */
  List<PkiId> watchersOf(PkiId peer) {
    return around(internal.contains(peer) ? org : external, peer, k, 1);
  }

  /** Up to {@code count} peers after ({@code step} 1) or before (-1) {@code at} on {@code ring}, never {@code at}. */
  private static List<PkiId> around(List<PkiId> ring, PkiId at, int count, int step) {
    int index = Collections.binarySearch(ring, at);
    if (index < 0) {
      return List.of();
    }
    int n = Math.min(count, ring.size() - 1);
    List<PkiId> peers = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      peers.add(ring.get(Math.floorMod(index + step * i, ring.size())));
    }
    return peers;
  }
}
