package io.hearsay.protocol.message;

import java.util.Comparator;
import java.util.Map;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * Ordering of Fabric's {@code PeerTime{inc_num, seq_num}}: a restarted peer has a larger
 * incarnation number (its start time), so it is newer whatever its sequence number; within one
 * incarnation the sequence number decides.
 */
public final class PeerTimes {

  public static final Comparator<PeerTime> ORDER =
      Comparator.comparingLong(PeerTime::getIncNum).thenComparingLong(PeerTime::getSeqNum);

  private PeerTimes() {}

  public static PeerTime of(long incNum, long seqNum) {
    return PeerTime.newBuilder().setIncNum(incNum).setSeqNum(seqNum).build();
  }

  /** True when {@code candidate} is strictly newer than {@code current}; equal is not newer. */
  public static boolean isNewer(PeerTime candidate, PeerTime current) {
    return ORDER.compare(candidate, current) > 0;
  }

  /**
   * True when {@code candidate}, the time of {@code key}'s message, is newer than what
   * {@code known} holds for it (anything is newer than nothing): what an anti-entropy partner lacks.
   */
  public static <K> boolean isNewerThanKnown(PeerTime candidate, Map<K, PeerTime> known, K key) {
    PeerTime current = known.get(key);
    return current == null || isNewer(candidate, current);
  }
}
