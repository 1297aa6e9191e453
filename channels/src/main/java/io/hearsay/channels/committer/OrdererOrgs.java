package io.hearsay.channels.committer;

import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Who must have signed a channel's block, as its config blocks say, for checking blocks as they
 * arrive (before the ledger, which tracks the same for commits):
 *
 * <pre>
 * block n is checked against the orderer orgs of the newest config block c &lt; n that is known
 * a config block becomes known once it is verified: on arrival (by the orgs before it) or committed
 * a config block naming no orderer org (or an idemix one) changes nothing
 * </pre>
 *
 * So a config block that rotates the orderers' certificates is followed by blocks signed with
 * the new ones, which verify, while a forged config block never gets in: it must itself verify
 * under the orgs before it. Config blocks at or below the committed height that a newer one
 * replaced are forgotten.
 */
public final class OrdererOrgs {

  private final TreeMap<Long, Optional<MspRegistry>> byConfigBlock = new TreeMap<>();

  /** Starts from the orderer orgs of config block {@code configBlockNumber} (the channel's genesis). */
  public OrdererOrgs(long configBlockNumber, List<Msp> ordererMsps) {
    byConfigBlock.put(configBlockNumber, registry(ordererMsps));
  }

  /** The orgs block {@code number} must be signed by; empty when no config names an orderer org. */
  public Optional<MspRegistry> forBlock(long number) {
    Map.Entry<Long, Optional<MspRegistry>> entry = byConfigBlock.floorEntry(number - 1);
    return entry == null ? byConfigBlock.firstEntry().getValue() : entry.getValue();
  }

  /** A verified block: if it is a config block naming orderer orgs, blocks after it need theirs. */
  public void verified(Block block) {
    if (!ConfigBlocks.isConfigBlock(block)) {
      return;
    }
    List<Msp> msps = ConfigBlocks.ordererMsps(block);
    if (!msps.isEmpty()) {
      byConfigBlock.put(block.getHeader().getNumber(), registry(msps));
    }
  }

  /** Blocks below {@code height} are committed: config blocks older than the newest of them are no longer needed. */
  public void committedBelow(long height) {
    Long newestCommitted = byConfigBlock.floorKey(height - 1);
    if (newestCommitted != null) {
      byConfigBlock.headMap(newestCommitted).clear();
    }
  }

  private static Optional<MspRegistry> registry(List<Msp> msps) {
    return msps.isEmpty() ? Optional.empty() : Optional.of(new MspRegistry(msps));
  }
}
