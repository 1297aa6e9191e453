package io.hearsay.ledger.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs of 40 KB blocks are checked in parallel (their hashing outweighs a hand-off), of 10 B blocks in turn. */
class BlockValidatorTest {

  private static List<Block> chain(int count, int blockBytes) {
    List<Block> blocks = new ArrayList<>();
    Block previous = BlockBuilder.block(0, ByteString.EMPTY, List.of(ByteString.copyFromUtf8("genesis")));
    blocks.add(previous);
    for (int i = 1; i < count; i++) {
      byte[] data = new byte[blockBytes];
      data[0] = (byte) i;
      previous = BlockBuilder.next(previous, List.of(ByteString.copyFrom(data)));
      blocks.add(previous);
    }
    return blocks;
  }

  private static Optional<Rejection> checkRun(List<Block> chain) {
    List<Block> run = chain.subList(1, chain.size());
    return BlockValidator.checkRun(run, 1, BlockHashes.headerHash(chain.get(0).getHeader()), Optional.empty(),
        RunSignatures.EVERY_BLOCK, Instant.now());
  }

  private static Block withData(Block block, String data) {
    return block.toBuilder().setData(BlockData.newBuilder().addData(ByteString.copyFromUtf8(data))).build();
  }

  private static Block withPreviousHash(Block block, String hash) {
    return block.toBuilder().setHeader(block.getHeader().toBuilder().setPreviousHash(ByteString.copyFromUtf8(hash)))
        .build();
  }

  @ParameterizedTest
  @ValueSource(ints = {40_000, 10})
  void aSoundRunPasses(int blockBytes) {
    assertTrue(checkRun(chain(13, blockBytes)).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {40_000, 10})
  void theFirstProblemInBlockOrderIsReported(int blockBytes) {
    List<Block> chain = chain(13, blockBytes);
    chain.set(9, withData(chain.get(9), "forged"));
    chain.set(4, withPreviousHash(chain.get(4), "not the tip"));
    Rejection first = checkRun(chain).orElseThrow();
    assertEquals(RejectionReason.BAD_PREVIOUS_HASH, first.reason());
    assertTrue(first.detail().startsWith("block 4:"), first.detail());
  }

  @ParameterizedTest
  @ValueSource(ints = {40_000, 10})
  void aBlocksDataHashIsCheckedBeforeItsPreviousHash(int blockBytes) {
    List<Block> chain = chain(13, blockBytes);
    chain.set(6, withPreviousHash(withData(chain.get(6), "forged"), "not the tip"));
    Rejection first = checkRun(chain).orElseThrow();
    assertEquals(RejectionReason.BAD_DATA_HASH, first.reason());
    assertTrue(first.detail().startsWith("block 6:"), first.detail());
  }
}
