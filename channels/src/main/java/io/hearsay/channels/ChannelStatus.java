package io.hearsay.channels;

import com.google.protobuf.ByteString;
import java.util.Optional;

/**
 * A channel as its operator sees it at a node: height and tip, whether this peer leads its org and
 * delivers, and {@code failure}, why it does not run (its ledger stopped or could not open), empty
 * while it runs.
 */
public record ChannelStatus(String channel, long height, ByteString tipHash, boolean leader, boolean delivering,
    Optional<String> failure) {

  public ChannelStatus(String channel, long height, ByteString tipHash, boolean leader, boolean delivering) {
    this(channel, height, tipHash, leader, delivering, Optional.empty());
  }

  /** A channel that does not run, and why. */
  public static ChannelStatus failed(String channel, String why) {
    return new ChannelStatus(channel, -1, ByteString.EMPTY, false, false, Optional.of(why));
  }
}
