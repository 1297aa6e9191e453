package io.hearsay.channels;

/** What a channel reports to its peer's metrics; every method is optional. */
public interface ChannelObserver {

  ChannelObserver NONE = new ChannelObserver() {};

  /** {@code count} blocks were committed in one ledger append that took {@code appendNanos}. */
  default void blocksCommitted(String channel, int count, long appendNanos) {}

  /**
   * A block from gossip was not kept: it lies beyond the committer's reorder buffer
   * ({@code peer.gossip.state.blockBufferSize} past the height), so state transfer fetches it later.
   */
  default void blockBeyondBuffer(String channel) {}

  /** The channel stopped running (its ledger stopped, or could not open): {@code why}. */
  default void channelFailed(String channel, String why) {}

  /** This peer became, or stopped being, its org's leader for the channel. */
  default void leadershipChanged(String channel, boolean leader) {}
}
