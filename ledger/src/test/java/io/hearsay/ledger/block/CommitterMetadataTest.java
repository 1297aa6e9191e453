package io.hearsay.ledger.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.ByteString;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.junit.jupiter.api.Test;

class CommitterMetadataTest {

  private final Block ordered = BlockBuilder.block(9, ByteString.copyFromUtf8("previous"),
      List.of(ByteString.copyFromUtf8("tx0"), ByteString.copyFromUtf8("tx1")));

  @Test
  void aFabricPeersTransactionFilterAndCommitHashAreClearedAndTheRestKept() {
    ByteString signatures = ByteString.copyFromUtf8("orderer signatures");
    Block signed = ordered.toBuilder().setMetadata(ordered.getMetadata().toBuilder()
        .setMetadata(BlockMetadataIndex.SIGNATURES_VALUE, signatures)).build();
    Block committedByFabric = signed.toBuilder().setMetadata(signed.getMetadata().toBuilder()
        .setMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE, ByteString.copyFrom(new byte[] {0, 10}))
        .setMetadata(BlockMetadataIndex.COMMIT_HASH_VALUE, ByteString.copyFromUtf8("commit hash"))).build();

    Block kept = CommitterMetadata.asOrdered(committedByFabric);

    assertEquals(signed, kept, "the block as the orderer made it, signatures and all");
    assertEquals(signatures, kept.getMetadata().getMetadata(BlockMetadataIndex.SIGNATURES_VALUE));
  }

  @Test
  void aBlockAsTheOrdererMadeItIsLeftAsItIs() {
    assertSame(ordered, CommitterMetadata.asOrdered(ordered));
  }
}
