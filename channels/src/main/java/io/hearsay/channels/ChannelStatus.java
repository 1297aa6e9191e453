package io.hearsay.channels;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;

/**
 * A channel as its operator sees it at a node: height and tip, whether this peer leads its org and
 * delivers, the org's last leadership declaration heard, the height its own StateInfo last announced ({@code publishedHeight}, -1 before the
 * first), the other members as their StateInfo shows them, the recent blocks' latencies, and {@code failure}, why it does not run
 * (its ledger stopped or could not open), empty while it runs.
 */
public record ChannelStatus(String channel, long height, ByteString tipHash, boolean leader, boolean delivering,
    Optional<Declaration> lastDeclaration, long publishedHeight, List<MemberHeight> members, List<BlockLatencies.BlockLatency> recentBlocks,
    Optional<String> failure) {

  /**
   * The last leadership declaration heard from a peer of this org (elected leaders declare
   * periodically; static leaders never do): its author's PKI-ID in hex, and when, in epoch millis.
   */
  public record Declaration(String leader, long heardAt) {}

  /** A channel member by its latest StateInfo: PKI-ID in hex, MSP, the ledger height it announced. */
  public record MemberHeight(String pkiId, String mspId, long height) {}

  /** A running channel of a node that keeps no StateInfo (an orderer). */
  public ChannelStatus(String channel, long height, ByteString tipHash, boolean leader, boolean delivering) {
    this(channel, height, tipHash, leader, delivering, Optional.empty(), -1, List.of(), List.of(), Optional.empty());
  }

  /** A channel that does not run, and why. */
  public static ChannelStatus failed(String channel, String why) {
    return new ChannelStatus(channel, -1, ByteString.EMPTY, false, false, Optional.empty(), -1, List.of(), List.of(),
        Optional.of(why));
  }
}
