package io.hearsay.ledger;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.ledger.state.WorldState;
import io.hearsay.protocol.identity.MspRegistry;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;

/**
 * The small state of a channel ledger: height, tip header hash, the last config block (which
 * names the orderer orgs that must sign) and the world state. It is what a snapshot holds.
 */
public final class LedgerState {

  private final long height;
  /**
   * The tip's header hash, or null until asked when the state was made from the tip's header: the
   * states between the blocks of a run committed together are never asked, so a run hashes one
   * header, not one per block.
   */
  private ByteString tipHash;
  private final BlockHeader tipHeader;
  private final Optional<Block> lastConfigBlock;
  private final WorldState worldState;
  /**
   * Read from the last config block when first asked, then handed on to the states after blocks
   * that are not config blocks: the registry remembers the certificate chains it validated, so
   * the orderer's chain is not validated again for every block.
   */
  private Optional<MspRegistry> ordererOrgs;

  LedgerState(long height, ByteString tipHash, Optional<Block> lastConfigBlock, WorldState worldState) {
    this(height, tipHash, null, lastConfigBlock, worldState, null);
  }

  private LedgerState(long height, ByteString tipHash, BlockHeader tipHeader, Optional<Block> lastConfigBlock,
      WorldState worldState, Optional<MspRegistry> ordererOrgs) {
    this.height = height;
    this.tipHash = tipHash;
    this.tipHeader = tipHeader;
    this.lastConfigBlock = lastConfigBlock;
    this.worldState = worldState;
    this.ordererOrgs = ordererOrgs;
  }

  static LedgerState empty() {
    return new LedgerState(0, ByteString.EMPTY, Optional.empty(), new WorldState());
  }

  public long height() {
    return height;
  }

  public ByteString tipHash() {
    if (tipHash == null) {
      tipHash = BlockHashes.headerHash(tipHeader);
    }
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
    return new LedgerState(block.getHeader().getNumber() + 1, null, block.getHeader(),
        config ? Optional.of(block) : lastConfigBlock, worldState, config ? null : ordererOrgs);
  }
}
