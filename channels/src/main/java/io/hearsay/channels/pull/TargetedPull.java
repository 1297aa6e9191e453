package io.hearsay.channels.pull;

import io.hearsay.protocol.identity.PkiId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * When and from whom the hearsay profile pulls blocks. Fabric pulls every 4 s from random peers,
 * whether or not anyone has a block this peer lacks. Here a round is due on a short tick only when
 * the org's peers announced (in their StateInfo) a height this peer had not reached a whole tick
 * earlier, so blocks still on their way by push are not pulled, and it goes only to peers known
 * to hold the next block this peer needs. A peer is known to hold the blocks below its announced
 * height, and below any block it pushed to this one: a block pushed past a gap shows the gap at
 * once, where StateInfo may be seconds old.
 */
public final class TargetedPull {

  /** The highest height announced at the previous tick: what this peer should have by now. */
  private long awaited = Long.MIN_VALUE;
  /** Per peer, one past the highest block it pushed to this one. */
  private final Map<PkiId, Long> shownByPush = new HashMap<>();

  /** {@code peer} pushed block {@code number} to this peer. */
  public void pushed(PkiId peer, long number) {
    shownByPush.merge(peer, number + 1, Math::max);
  }

  /**
   * The peers a round at this tick may send Hellos to (none when no round is due): those known to
   * hold the next block, given this peer's ledger height and the heights the org's peers in the
   * channel announced (all of them, -1 where none is known yet).
   */
  public List<PkiId> due(long height, Map<PkiId, Long> announcedHeights) {
    return due(height, highest(announcedHeights), () -> announcedHeights);
  }

  /** The highest of {@code heights}, {@link Long#MIN_VALUE} when there are none. */
  static long highest(Map<PkiId, Long> heights) {
    return heights.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
  }

  /**
   * {@link #due(long, Map)}, given the highest announced height, with the heights of every peer
   * fetched only when a round is due: at most ticks no round is, and building the org's heights
   * on each was O(n) per tick (12% of the CPU of a 1000-peer run).
   */
  public List<PkiId> due(long height, long highestAnnounced, Supplier<Map<PkiId, Long>> announcedHeights) {
    long target = awaited;
    // A peer gone since it pushed may still count here: the block it pushed exists all the same.
    awaited = Math.max(highestAnnounced,
        shownByPush.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE));
    if (height >= target) {
      return List.of();
    }
    Map<PkiId, Long> heights = announcedHeights.get();
    shownByPush.keySet().retainAll(heights.keySet());
    List<PkiId> holders = new ArrayList<>();
    heights.forEach((peer, announced) -> {
      if (announced > height) {
        holders.add(peer);
      }
    });
    shownByPush.forEach((peer, shown) -> {
      if (shown > height && heights.get(peer) <= height) {
        holders.add(peer);
      }
    });
    return holders;
  }
}
