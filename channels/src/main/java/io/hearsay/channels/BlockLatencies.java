package io.hearsay.channels;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;

/**
 * The recent blocks' latencies as one peer can tell them, for its operator's dashboard.
 *
 * <pre>
 * on commit of block n here:       remember n, the newest transaction timestamp in it (when its
 *                                  client submitted it), and now
 * on the lowest known height h     (own and every member's StateInfo): every remembered block
 *                                  below h that had not reached every peer did so now
 * </pre>
 *
 * A block reaches every peer, as far as this peer can know, when the last member's StateInfo
 * announces a height past it: an upper bound, late by up to one StateInfo publish interval. Only
 * the last {@link #CAPACITY} blocks are kept.
 */
public final class BlockLatencies {

  /** How many recent blocks are kept. */
  public static final int CAPACITY = 60;

  /**
   * Block {@code number}: the newest submission time of its transactions ({@code -1}: none, a
   * config block without timestamp), when this peer committed it, and when every member was known
   * to have it ({@code -1}: not yet); milliseconds since the epoch.
   */
  public record BlockLatency(long number, long submittedAt, long committedAt, long allPeersAt) {}

  private final Deque<long[]> recent = new ArrayDeque<>();

  /** This peer committed {@code block} at {@code nowMillis}. */
  public void committed(Block block, long nowMillis) {
    if (recent.size() == CAPACITY) {
      recent.removeFirst();
    }
    recent.addLast(new long[] {block.getHeader().getNumber(), newestSubmission(block), nowMillis, -1});
  }

  /** The lowest ledger height among this peer and every member it knows was {@code height} at {@code nowMillis}. */
  public void lowestHeight(long height, long nowMillis) {
    for (long[] block : recent) {
      if (block[3] < 0 && block[0] < height) {
        block[3] = nowMillis;
      }
    }
  }

  public List<BlockLatency> recent() {
    return recent.stream().map(b -> new BlockLatency(b[0], b[1], b[2], b[3])).toList();
  }

  private static long newestSubmission(Block block) {
    long newest = -1;
    for (var data : block.getData().getDataList()) {
      try {
        var header = CommonEnvelopes.channelHeader(Envelope.parseFrom(data));
        if (header.isAccepted()) {
          ChannelHeader channelHeader = header.value();
          long millis = channelHeader.getTimestamp().getSeconds() * 1000 + channelHeader.getTimestamp().getNanos() / 1_000_000;
          newest = Math.max(newest, millis > 0 ? millis : -1);
        }
      } catch (InvalidProtocolBufferException e) {
        // A committed block's envelopes were checked on the way in; an unreadable one has no timestamp here.
      }
    }
    return newest;
  }
}
