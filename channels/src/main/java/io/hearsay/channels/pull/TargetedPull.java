package io.hearsay.channels.pull;

import io.hearsay.protocol.identity.PkiId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * When and from whom the hearsay profile pulls blocks. Fabric pulls every 4 s from random peers,
 * whether or not anyone has a block this peer lacks. Here a round is due on a short tick only when
 * the org's peers announced (in their StateInfo) a height this peer had not reached a whole tick
 * earlier, so blocks still on their way by push are not pulled, and it goes only to peers whose
 * announced height shows they hold the next block this peer needs.
 */
public final class TargetedPull {

  /** The highest height announced at the previous tick: what this peer should have by now. */
  private long awaited = Long.MIN_VALUE;

  /**
   * The peers a round at this tick may send Hellos to (none when no round is due): those known to
   * hold the next block, given this peer's ledger height and the heights the org's peers in the
   * channel announced.
   */
  public List<PkiId> due(long height, Map<PkiId, Long> announcedHeights) {
    long target = awaited;
    awaited = announcedHeights.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    if (height >= target) {
      return List.of();
    }
    List<PkiId> holders = new ArrayList<>();
    announcedHeights.forEach((peer, announced) -> {
      if (announced > height) {
        holders.add(peer);
      }
    });
    return holders;
  }
}
