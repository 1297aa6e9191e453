package io.hearsay.ledger;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.ledger.state.WorldState;
import io.hearsay.protocol.identity.MspRegistry;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;

/**
 * The small state of a channel ledger: height, tip header hash, the last config block (which
 * names the orderer orgs that must sign) and the world state. It is what a snapshot holds.
 */
public final class LedgerState {

  private final long height;
  private final ByteString tipHash;
  private final Optional<Block> lastConfigBlock;
  private final WorldState worldState;
  private Optional<MspRegistry> ordererOrgs;

  LedgerState(long height, ByteString tipHash, Optional<Block> lastConfigBlock, WorldState worldState) {
    this.height = height;
    this.tipHash = tipHash;
    this.lastConfigBlock = lastConfigBlock;
    this.worldState = worldState;
  }

  static LedgerState empty() {
    return new LedgerState(0, ByteString.EMPTY, Optional.empty(), new WorldState());
  }

  public long height() {
    return height;
  }

  public ByteString tipHash() {
    return tipHash;
  }

  public Optional<Block> lastConfigBlock() {
    return lastConfigBlock;
  }

  public WorldState worldState() {
    return worldState;
  }

  /** The orderer orgs of the last config block, which must sign every later block. */
  Optional<MspRegistry> ordererOrgs() {
    if (ordererOrgs == null) {
      ordererOrgs = lastConfigBlock.map(ConfigBlocks::ordererMsps)
          .filter(msps -> !msps.isEmpty())
          .map(MspRegistry::new);
    }
    return ordererOrgs;
  }

  /** The state after {@code block}. The world state is updated in place: it is this actor's alone. */
  LedgerState withBlock(Block block) {
    boolean config = ConfigBlocks.isConfigBlock(block);
    if (!config) {
      worldState.apply(block);
    }
    return new LedgerState(block.getHeader().getNumber() + 1, BlockHashes.headerHash(block.getHeader()),
        config ? Optional.of(block) : lastConfigBlock, worldState);
  }
}
