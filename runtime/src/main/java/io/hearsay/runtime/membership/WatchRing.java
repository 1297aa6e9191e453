package io.hearsay.runtime.membership;

import io.hearsay.protocol.identity.PkiId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who watches whom among Hearsay peers when heartbeats are not gossiped to all (the hearsay
 * profile's {@code membership.watch}): the ring of the alive Hearsay peers and this one, in PKI-ID
 * order (PKI-IDs are hashes, so the ring mixes orgs and hosts).
 *
 * <pre>
 *   watchers(p) = the k peers after p on the ring    p sends its alive message to them (and to
 *                                                    the next one), every alive interval, and to
 *                                                    nobody else
 *   subjects    = the k peers before this one        this peer's accrual detector judges them
 *                                                    alone; the others are alive until a dead
 *                                                    report (their watchers' verdict) says not
 * </pre>
 *
 * Why: with every alive message gossiped to all, each peer receives n of them per interval and
 * judges n - 1 peers, O(n) messages and detector histories per peer, which at 1000 peers is
 * megabytes per second (Rapid's and SWIM's observation). With k watchers each, a peer sends k and
 * receives about k, whatever n is; a join or a death still reaches all, as a rumor. Views differ
 * for a moment after a join or a death, so a peer may judge a subject that has stopped sending to
 * it: its probe rounds ask the subject itself, which answers, so that costs probes, not a death.
 */
final class WatchRing {

  private final List<PkiId> ring;
  private final int self;
  private final int k;

  /** The ring of {@code others} (alive Hearsay peers) and {@code self}, each with {@code k} watchers. */
  WatchRing(PkiId self, Collection<PkiId> others, int k) {
    TreeSet<PkiId> sorted = new TreeSet<>(others);
    sorted.add(self);
    this.ring = new ArrayList<>(sorted);
    this.self = Collections.binarySearch(ring, self);
    this.k = Math.min(k, ring.size() - 1);
  }

  /**
   * The peers this one sends its alive message to: its watchers and the peer after them, so that a
   * watcher whose view lacks a peer that joined between (or still holds one that died) is sent to
   * all the same.
   */
  List<PkiId> heartbeatTargets() {
    return after(self, Math.min(k + 1, ring.size() - 1));
  }

  /** The peers whose alive messages this one's detector judges: those it is a watcher of. */
  Set<PkiId> subjects() {
    List<PkiId> before = new ArrayList<>(k);
    for (int i = 1; i <= k; i++) {
      before.add(ring.get(Math.floorMod(self - i, ring.size())));
    }
    return Set.copyOf(before);
  }

  /** The watchers of {@code peer} (this one perhaps among them); none for a peer not on the ring. */
  List<PkiId> watchersOf(PkiId peer) {
    int at = Collections.binarySearch(ring, peer);
    return at < 0 ? List.of() : after(at, k);
  }

  private List<PkiId> after(int at, int count) {
    List<PkiId> next = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      next.add(ring.get((at + i) % ring.size()));
    }
    return next;
  }
}
