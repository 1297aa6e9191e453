package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;

/**
 * The block metadata a Fabric peer writes when it commits: the transaction filter (its validation
 * of each transaction's endorsements) and the commit hash (a hash chain over its own state
 * updates). Neither is covered by the orderer's signature, and both describe the committing
 * peer's validation, which Hearsay does not repeat. A block that comes from a Fabric peer's ledger
 * (state transfer) carries them; Hearsay keeps every block as its orderer made it, so that every
 * Hearsay peer of a channel holds the same bytes, and the world state it derives from them does not
 * depend on which peer a block came from.
 */
public final class CommitterMetadata {

  private static final int[] WRITTEN_ON_COMMIT = {
      BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE, BlockMetadataIndex.COMMIT_HASH_VALUE};

  private CommitterMetadata() {}

  /** The block as its orderer made it: the entries a committing peer writes left empty. */
  public static Block asOrdered(Block block) {
    BlockMetadata metadata = block.getMetadata();
    BlockMetadata.Builder cleared = null;
    for (int index : WRITTEN_ON_COMMIT) {
      if (index < metadata.getMetadataCount() && !metadata.getMetadata(index).isEmpty()) {
        if (cleared == null) {
          cleared = metadata.toBuilder();
        }
        cleared.setMetadata(index, ByteString.EMPTY);
      }
    }
    return cleared == null ? block : block.toBuilder().setMetadata(cleared).build();
  }
}
