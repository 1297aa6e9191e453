package io.hearsay.ledger.store;

import org.hyperledger.fabric.protos.common.Block;

/**
 * The ledger's one event: a block, validated and now part of the channel's chain. The ledger
 * actor persists it under {@link #persistenceId(String)} with sequence number = block number + 1,
 * and Hearsay's journal stores it as the block itself in the channel's block files.
 */
public record BlockCommitted(Block block) {

  /** Every channel ledger's persistence id starts with this. */
  public static final String PERSISTENCE_ID_PREFIX = "ledger|";

  /** The persistence id of a channel's ledger: {@code ledger|CHANNEL}. */
  public static String persistenceId(String channel) {
    return PERSISTENCE_ID_PREFIX + channel;
  }
}
