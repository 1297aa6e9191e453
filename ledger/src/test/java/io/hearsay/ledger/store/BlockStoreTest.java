package io.hearsay.ledger.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.block.BlockRecords;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockStoreTest {

  @TempDir
  Path tmp;

  private Path dir() {
    return tmp.resolve("chains/chains/mychannel");
  }

  private Path indexFile() {
    return tmp.resolve("chains/index/mychannel.idx");
  }

  private BlockStore open(long segmentBytes) throws Exception {
    return BlockStore.open(dir(), indexFile(), segmentBytes);
  }

  static List<Block> chain(int count, int payloadBytes) {
    List<Block> blocks = new ArrayList<>();
    Block previous = BlockBuilder.block(0, ByteString.EMPTY, List.of(ByteString.copyFromUtf8("genesis")));
    blocks.add(previous);
    for (int i = 1; i < count; i++) {
      byte[] payload = new byte[payloadBytes];
      payload[0] = (byte) i;
      previous = BlockBuilder.next(previous, List.of(ByteString.copyFrom(payload)));
      blocks.add(previous);
    }
    return blocks;
  }

  @Test
  void appendedBlocksReadBackAndSurviveAReopen() throws Exception {
    List<Block> blocks = chain(25, 300);
    try (BlockStore store = open(4096)) {
      store.append(blocks.subList(0, 10)).get();
      store.append(blocks.subList(10, 25)).get();
      assertEquals(25, store.height());
      // each batch is one gathered write per segment: every block lies where its index entry says,
      // also those of a batch that rolled into the next segment midway
      for (int n = 0; n < 25; n++) {
        assertEquals(blocks.get(n), store.block(n), "block " + n);
      }
    }
    assertTrue(Files.exists(dir().resolve("blockfile_000001")), "rolled into a second segment");
    try (BlockStore store = open(4096)) {
      assertEquals(25, store.height());
      assertEquals(BlockHashes.headerHash(blocks.get(24).getHeader()), store.tipHash());
      List<Block> range = new ArrayList<>();
      store.read(5, 12, range::add);
      assertEquals(blocks.subList(5, 13), range);
    }
  }

  @Test
  void concurrentAppendsAreGroupCommittedInOrder() throws Exception {
    List<Block> blocks = chain(200, 100);
    try (BlockStore store = open(1 << 20)) {
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      for (Block block : blocks) {
        acks.add(store.append(List.of(block)));
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
      assertEquals(200, store.height());
      assertEquals(blocks.get(199), store.block(199));
    }
  }

  @Test
  void appendThatDoesNotContinueTheChainFailsAlone() throws Exception {
    List<Block> blocks = chain(3, 10);
    try (BlockStore store = open(1 << 20)) {
      store.append(List.of(blocks.get(0))).get();
      CompletableFuture<Void> skip = store.append(List.of(blocks.get(2)));
      ExecutionException e = assertThrows(ExecutionException.class, skip::get);
      assertTrue(e.getCause().getMessage().contains("do not continue"), e.getCause().getMessage());
      store.append(List.of(blocks.get(1), blocks.get(2))).get();
      assertEquals(3, store.height());
    }
  }

  @Test
  void missingIndexIsRebuiltFromTheBlockFiles() throws Exception {
    List<Block> blocks = chain(30, 200);
    try (BlockStore store = open(2048)) {
      store.append(blocks).get();
    }
    Files.delete(indexFile());
    try (BlockStore store = open(2048)) {
      assertEquals(30, store.height());
      assertEquals(blocks.get(3), store.block(3));
    }
  }

  @Test
  void tornLastRecordIsTruncatedAndAppendingContinues() throws Exception {
    List<Block> blocks = chain(10, 200);
    try (BlockStore store = open(1 << 20)) {
      store.append(blocks.subList(0, 9)).get();
    }
    Path segment = dir().resolve("blockfile_000000");
    long goodSize = Files.size(segment);
    byte[] half = Arrays.copyOf(BlockRecords.frame(
        BlockRecords.encode(blocks.get(9))), 100);
    Files.write(segment, half, StandardOpenOption.APPEND);

    try (BlockStore store = open(1 << 20)) {
      assertEquals(9, store.height());
      assertEquals(goodSize, Files.size(segment));
      store.append(List.of(blocks.get(9))).get();
      assertEquals(blocks.get(9), store.block(9));
    }
  }

  @Test
  void corruptionBeforeTheEndIsAStartupErrorNamingFileAndOffset() throws Exception {
    List<Block> blocks = chain(10, 200);
    try (BlockStore store = open(1 << 20)) {
      store.append(blocks).get();
    }
    Files.delete(indexFile());
    Path segment = dir().resolve("blockfile_000000");
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.seek(1000);
      file.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    }
    LedgerCorruptedException e = assertThrows(LedgerCorruptedException.class, () -> open(1 << 20));
    assertTrue(e.getMessage().contains("blockfile_000000") && e.getMessage().contains("offset"), e.getMessage());
  }

  @Test
  void blockDamagedWhileTheStoreIsOpenIsReportedWhenRead() throws Exception {
    List<Block> blocks = chain(10, 200);
    try (BlockStore store = open(1 << 20)) {
      store.append(blocks).get();
      flip(dir().resolve("blockfile_000000"), 300, 5);
      boolean anyUnreadable = false;
      for (int n = 0; n < 10; n++) {
        try {
          store.block(n);
        } catch (LedgerCorruptedException e) {
          anyUnreadable = true;
          assertTrue(e.getMessage().contains("blockfile_000000"), e.getMessage());
        }
      }
      assertTrue(anyUnreadable);
    }
  }

  private static void flip(Path file, long offset, int bytes) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      byte[] damaged = new byte[bytes];
      f.readFully(damaged);
      for (int i = 0; i < bytes; i++) {
        damaged[i] = (byte) ~damaged[i];
      }
      f.seek(offset);
      f.write(damaged);
    }
  }

  /** The offset of block {@code number}'s record in a single-segment store of {@code blocks}. */
  private static long offsetOf(List<Block> blocks, int number) {
    long offset = 0;
    for (int n = 0; n < number; n++) {
      offset += BlockRecords.frame(BlockRecords.encode(blocks.get(n))).length;
    }
    return offset;
  }

  @Test
  void aByteFlippedInTheMiddleOfTheIndexedChainIsFoundOnOpenAndRefusedWhenTheStoreMustNotRepair() throws Exception {
    List<Block> blocks = chain(10, 200);
    try (BlockStore store = open(1 << 20)) {
      store.append(blocks).get();
    }
    flip(dir().resolve("blockfile_000000"), offsetOf(blocks, 5) + 40, 1);
    LedgerCorruptedException e = assertThrows(LedgerCorruptedException.class, () -> open(1 << 20));
    assertTrue(e.getMessage().contains("blockfile_000000 at offset " + offsetOf(blocks, 5))
        && e.getMessage().contains("blocks from 5 on") && e.getMessage().contains("index held up to block 9"), e.getMessage());
  }

  @Test
  void repairKeepsTheChainBeforeTheDamageAndMovesTheRestIntoQuarantineNeverDeletingIt() throws Exception {
    List<Block> blocks = chain(30, 300);
    try (BlockStore store = open(4096)) {
      store.append(blocks).get();
    }
    Path first = dir().resolve("blockfile_000000");
    byte[] before = Files.readAllBytes(first);
    long damagedAt = offsetOf(blocks, 5);
    flip(first, damagedAt + 40, 1);
    Path quarantine = tmp.resolve("quarantine");
    try (BlockStore store = BlockStore.open(dir(), indexFile(), 4096, BlockStore.OnCorruption.REPAIR, quarantine)) {
      assertEquals(5, store.height(), "reopened at the last block that reads back and verifies");
      assertEquals(BlockHashes.headerHash(blocks.get(4).getHeader()), store.tipHash());
      BlockStore.Repair repair = store.repair().orElseThrow();
      assertEquals(damagedAt, repair.offset());
      assertEquals(5, repair.height());
      assertEquals(30, repair.indexedBefore());
      Path tail = repair.quarantined().resolve("blockfile_000000.from-offset-" + damagedAt);
      byte[] kept = Files.readAllBytes(tail);
      assertEquals(before.length - damagedAt, kept.length, "the damaged segment's tail, byte for byte");
      assertEquals(before[(int) damagedAt + 41], kept[41]);
      assertTrue(Files.exists(repair.quarantined().resolve("blockfile_000001")), "later segments moved whole");
      assertTrue(repair.quarantined().startsWith(quarantine));
      store.append(blocks.subList(5, 30)).get();
      assertEquals(30, store.height(), "the lost blocks are appended again");
    }
    try (BlockStore store = open(4096)) {
      assertEquals(30, store.height());
      assertTrue(store.repair().isEmpty(), "a repaired store opens clean");
      assertEquals(blocks.get(29), store.block(29));
    }
  }
}
