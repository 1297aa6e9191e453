package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;

/** Builds blocks with Fabric's header hashes: the next block after a header, over given data. */
public final class BlockBuilder {

  private BlockBuilder() {}

  /** Block {@code number} whose previous hash is {@code previousHash}, unsigned. */
  public static Block block(long number, ByteString previousHash, List<ByteString> data) {
    BlockData blockData = BlockData.newBuilder().addAllData(data).build();
    BlockMetadata.Builder metadata = BlockMetadata.newBuilder();
    for (int i = 0; i < BlockMetadataIndex.values().length - 1; i++) {
      metadata.addMetadata(ByteString.EMPTY);
    }
    return Block.newBuilder()
        .setHeader(BlockHeader.newBuilder()
            .setNumber(number)
            .setPreviousHash(previousHash)
            .setDataHash(BlockHashes.dataHash(blockData)))
        .setData(blockData)
        .setMetadata(metadata)
        .build();
  }

  /** The block after {@code previous}. */
  public static Block next(Block previous, List<ByteString> data) {
    return block(previous.getHeader().getNumber() + 1, BlockHashes.headerHash(previous.getHeader()), data);
  }
}
