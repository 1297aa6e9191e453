package io.hearsay.ledger.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.testing.FabricTestData;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.Test;

/** Fabric's own block files: read, hash-checked and signature-checked by Hearsay's rules. */
class FabricLedgerConformanceTest {

  private static ChainVerifier.Report verify(Path file, List<Block> blocks) throws Exception {
    ChainVerifier verifier = new ChainVerifier(Instant.now());
    var result = BlockFileScanner.scan(file, 0, entry -> {
      blocks.add(entry.block());
      verifier.accept(entry.block());
    });
    assertTrue(result.tornTail().isEmpty(), "whole file read: " + result);
    assertEquals(Files.size(file), result.goodEnd());
    return verifier.report();
  }

  @Test
  void fabric20LedgerVerifiesWithEveryOrdererSignature() throws Exception {
    List<Block> blocks = new ArrayList<>();
    ChainVerifier.Report report = verify(FabricTestData.ledger("v2.0-testchannel.blockfile"), blocks);
    assertTrue(report.valid(), report.problems().toString());
    assertEquals(blocks.size(), report.height());
    assertEquals(19, report.signedBlocks(), "blocks 1 to 19 carry one orderer signature each");
  }

  @Test
  void fabric13LedgerVerifiesAndIsUnsigned() throws Exception {
    List<Block> blocks = new ArrayList<>();
    ChainVerifier.Report report = verify(FabricTestData.ledger("v1.3-ledger1.blockfile"), blocks);
    assertTrue(report.valid(), report.problems().toString());
  }

  @Test
  void fabric11LedgersReportTheEmptyPreviousHashOfBlockOneAndNothingElse() throws Exception {
    for (String name : List.of("v1.1-ledger1.blockfile", "v1.1-ledger2.blockfile")) {
      List<Block> blocks = new ArrayList<>();
      ChainVerifier.Report report = verify(FabricTestData.ledger(name), blocks);
      assertEquals(1, report.problems().size(), report.problems().toString());
      assertEquals(1, report.problems().get(0).block());
      var problem = report.problems().get(0).rejection();
      assertEquals(RejectionReason.BAD_PREVIOUS_HASH, problem.reason());
      assertTrue(problem.detail().startsWith("block 1: previous_hash expected "), problem.detail());
      assertTrue(problem.detail().endsWith("actual (empty)"), problem.detail());
      assertTrue(problem.detail().contains(BlockValidator.hex(BlockHashes.headerHash(blocks.get(0).getHeader()))));
    }
  }

  @Test
  void tamperedFabricBlocksAreRefusedWithTheirReason() throws Exception {
    List<Block> blocks = new ArrayList<>();
    verify(FabricTestData.ledger("v2.0-testchannel.blockfile"), blocks);
    var orderers = new MspRegistry(
        ConfigBlocks.ordererMsps(blocks.get(0)));
    Block five = blocks.get(5);
    var tip = BlockHashes.headerHash(blocks.get(4).getHeader());
    var now = Instant.now();
    assertTrue(BlockValidator.check(five, 5, tip, Optional.of(orderers), now).isEmpty());

    Block otherData = five.toBuilder().setData(five.getData().toBuilder()
        .setData(0, ByteString.copyFromUtf8("forged transaction"))).build();
    assertEquals(RejectionReason.BAD_DATA_HASH,
        BlockValidator.check(otherData, 5, tip, Optional.of(orderers), now).orElseThrow().reason());

    // A consistent block (right data hash) whose header no orderer signed.
    Block resealed = otherData.toBuilder().setHeader(otherData.getHeader().toBuilder()
        .setDataHash(BlockHashes.dataHash(otherData.getData()))).build();
    assertEquals(RejectionReason.BAD_ORDERER_SIGNATURE,
        BlockValidator.check(resealed, 5, tip, Optional.of(orderers), now).orElseThrow().reason());

    Block unsigned = five.toBuilder().setMetadata(five.getMetadata().toBuilder()
        .setMetadata(0, ByteString.EMPTY)).build();
    assertEquals(RejectionReason.MISSING_ORDERER_SIGNATURE,
        BlockValidator.check(unsigned, 5, tip, Optional.of(orderers), now).orElseThrow().reason());
    assertEquals(RejectionReason.WRONG_BLOCK_NUMBER,
        BlockValidator.check(five, 6, tip, Optional.of(orderers), now).orElseThrow().reason());
  }

  @Test
  void recordsReencodeToTheSameBytes() throws Exception {
    Path file = FabricTestData.ledger("v2.0-testchannel.blockfile");
    byte[] original = Files.readAllBytes(file);
    var out = new ByteArrayOutputStream();
    BlockFileScanner.scan(file, 0, entry -> out.writeBytes(BlockRecords.frame(BlockRecords.encode(entry.block()))));
    assertArrayEquals(original, out.toByteArray());
  }
}
