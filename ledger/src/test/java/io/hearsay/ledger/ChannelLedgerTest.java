package io.hearsay.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.block.BlockRecords;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.ledger.state.WorldState;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.testing.FabricTestData;
import io.hearsay.protocol.testing.TestCrypto;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's behaviour on Hearsay's ledger journal; {@link ChannelLedgerOnH2Test} runs it on H2. */
class ChannelLedgerTest {

  @TempDir
  Path tmp;

  private ActorTestKit testKit;

  /** The journal under test, on top of the defaults. */
  protected Config backend() {
    return ConfigFactory.empty();
  }

  /** Whether blocks land in Fabric block files (Hearsay's journal) or elsewhere (a database). */
  protected boolean onBlockFiles() {
    return true;
  }

  private ActorTestKit testKit(int snapshotEvery) {
    return testKit(snapshotEvery, "every-block");
  }

  private ActorTestKit testKit(int snapshotEvery, String ordererSignatures) {
    Config config = ConfigFactory.load(ConfigFactory.parseString(
        "hearsay.ledger.data-dir = \"" + tmp + "\"\nhearsay.ledger.snapshot-every = " + snapshotEvery + "\n"
            + "hearsay.ledger.orderer-signatures = " + ordererSignatures + "\n"
            + "pekko.loglevel = WARNING\n").withFallback(backend()));
    testKit = ActorTestKit.create("ledger", config);
    return testKit;
  }

  @AfterEach
  void stop() throws Exception {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    for (String channel : List.of("mychannel", "testchannel")) {
      LedgerStores.close(tmp, channel);
    }
  }

  private ActorRef<ChannelLedger.Command> ledger(String channel) throws Exception {
    return testKit.spawn(ChannelLedger.create(LedgerSettings.read(testKit.system().settings().config()), channel));
  }

  private ChannelLedger.AppendResult append(ActorRef<ChannelLedger.Command> ledger, Block block) {
    TestProbe<ChannelLedger.AppendResult> probe = testKit.createTestProbe();
    ledger.tell(new ChannelLedger.AppendBlock(block, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  private ChannelLedger.Height height(ActorRef<ChannelLedger.Command> ledger) {
    TestProbe<ChannelLedger.Height> probe = testKit.createTestProbe();
    ledger.tell(new ChannelLedger.GetHeight(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  private static List<Block> chain(int count) {
    List<Block> blocks = new ArrayList<>();
    Block previous = BlockBuilder.block(0, ByteString.EMPTY, List.of(ByteString.copyFromUtf8("genesis")));
    blocks.add(previous);
    for (int i = 1; i < count; i++) {
      previous = BlockBuilder.next(previous, List.of(KeyValueTransactions.write(
          TestCrypto.peer(1, 0), "mychannel", "basic",
          Map.of("k" + i, ByteString.copyFromUtf8("v" + i))).toByteString()));
      blocks.add(previous);
    }
    return blocks;
  }

  @Test
  void validBlocksCommitAndBadOnesAreRejectedWithTheirReason() throws Exception {
    testKit(1000);
    var ledger = ledger("mychannel");
    List<Block> blocks = chain(6);
    for (int i = 0; i < 4; i++) {
      assertEquals(new ChannelLedger.Committed(i), append(ledger, blocks.get(i)));
    }
    assertEquals(new ChannelLedger.AlreadyCommitted(2), append(ledger, blocks.get(2)));
    Block forked = BlockBuilder.next(blocks.get(1), List.of(ByteString.copyFromUtf8("other")));
    assertEquals(RejectionReason.BLOCK_FORK, rejection(append(ledger, forked)));
    assertEquals(RejectionReason.WRONG_BLOCK_NUMBER, rejection(append(ledger, blocks.get(5))));
    Block badData = blocks.get(4).toBuilder().setData(blocks.get(4).getData().toBuilder()
        .setData(0, ByteString.copyFromUtf8("changed"))).build();
    assertEquals(RejectionReason.BAD_DATA_HASH, rejection(append(ledger, badData)));
    Block badLink = BlockBuilder.block(4, ByteString.copyFromUtf8("not the tip"), List.of(ByteString.copyFromUtf8("x")));
    assertEquals(RejectionReason.BAD_PREVIOUS_HASH, rejection(append(ledger, badLink)));

    ChannelLedger.Height height = height(ledger);
    assertEquals(4, height.height(), "rejected blocks changed nothing");
    assertEquals(BlockHashes.headerHash(blocks.get(3).getHeader()), height.tipHash());
    TestProbe<Optional<Block>> read = testKit.createTestProbe();
    ledger.tell(new ChannelLedger.GetBlock(2, read.getRef()));
    assertEquals(Optional.of(blocks.get(2)), read.receiveMessage());
  }

  @Test
  void ledgerRecoversItsHeightAfterARestartWithAndWithoutSnapshots() throws Exception {
    testKit(10);
    var ledger = ledger("mychannel");
    List<Block> blocks = chain(25);
    blocks.forEach(b -> assertInstanceOf(ChannelLedger.Committed.class, append(ledger, b)));
    testKit.stop(ledger);
    var again = ledger("mychannel");
    assertEquals(25, height(again).height());
    TestProbe<Optional<WorldState.VersionedValue>> value = testKit.createTestProbe();
    again.tell(new ChannelLedger.GetValue("basic", "k24", value.getRef()));
    assertEquals(ByteString.copyFromUtf8("v24"), value.receiveMessage().orElseThrow().value(),
        "the world state survived the snapshot and the replay after it");
    again.tell(new ChannelLedger.GetValue("basic", "k3", value.getRef()));
    assertEquals(3, value.receiveMessage().orElseThrow().blockNumber());
    assertEquals(new ChannelLedger.Committed(25), append(again, BlockBuilder.next(blocks.get(24), List.of())));
    if (onBlockFiles()) {
      try (var files = Files.list(tmp.resolve("snapshots"))) {
        assertTrue(files.findAny().isPresent(), "snapshots were taken");
      }
      assertTrue(Files.exists(LedgerStores.channelDir(tmp, "mychannel").resolve("blockfile_000000")));
    } else {
      assertTrue(Files.exists(tmp.resolve("h2/ledger.mv.db")), "the blocks went to the H2 database");
      assertTrue(!Files.exists(LedgerStores.channelDir(tmp, "mychannel")), "and not to block files");
    }
  }

  @Test
  void aLedgerRepairedBelowItsSnapshotsRecoversFromTheBlocksItStillHolds() throws Exception {
    if (!onBlockFiles()) {
      return; // repair is the block-file journal's: a database journal has no files to repair
    }
    testKit(10);
    var ledger = ledger("mychannel");
    List<Block> blocks = chain(30);
    blocks.forEach(b -> assertInstanceOf(ChannelLedger.Committed.class, append(ledger, b)));
    testKit.shutdownTestKit();
    LedgerStores.close(tmp, "mychannel");
    // Block 15's record: damage in the middle of the file, below the snapshots at 20 and 30.
    Path segment = LedgerStores.channelDir(tmp, "mychannel").resolve("blockfile_000000");
    long offset = 0;
    for (int n = 0; n < 15; n++) {
      offset += BlockRecords.frame(BlockRecords.encode(blocks.get(n))).length;
    }
    try (var file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.seek(offset + 30);
      int b = file.read();
      file.seek(offset + 30);
      file.write(~b);
    }
    testKit(10);
    var repaired = ledger("mychannel");
    ChannelLedger.Height height = height(repaired);
    assertEquals(15, height.height(), "the snapshots past the damage were not used");
    assertEquals(BlockHashes.headerHash(blocks.get(14).getHeader()), height.tipHash());
    TestProbe<Optional<WorldState.VersionedValue>> value = testKit.createTestProbe();
    repaired.tell(new ChannelLedger.GetValue("basic", "k20", value.getRef()));
    assertTrue(value.receiveMessage().isEmpty(), "the world state is the one of the blocks still held");
    for (Block block : blocks.subList(15, 30)) {
      assertInstanceOf(ChannelLedger.Committed.class, append(repaired, block));
    }
    assertEquals(30, height(repaired).height());
    assertEquals(1, LedgerStores.repairs(tmp).size());
  }

  @Test
  void aBatchCommitsWhollyOrNotAtAll() throws Exception {
    testKit(1000);
    var ledger = ledger("mychannel");
    List<Block> blocks = chain(12);
    TestProbe<ChannelLedger.AppendResult> probe = testKit.createTestProbe();
    ledger.tell(new ChannelLedger.AppendBlocks(blocks.subList(0, 5), probe.getRef()));
    assertEquals(new ChannelLedger.Committed(4), probe.receiveMessage());
    List<Block> broken = new ArrayList<>(blocks.subList(5, 10));
    broken.set(3, blocks.get(11));
    ledger.tell(new ChannelLedger.AppendBlocks(broken, probe.getRef()));
    assertEquals(RejectionReason.WRONG_BLOCK_NUMBER, rejection(probe.receiveMessage()));
    assertEquals(5, height(ledger).height(), "nothing of the broken batch was committed");
    ledger.tell(new ChannelLedger.AppendBlocks(blocks.subList(5, 12), probe.getRef()));
    assertEquals(new ChannelLedger.Committed(11), probe.receiveMessage());
  }

  @Test
  void rangesAreReadInChunks() throws Exception {
    testKit(1000);
    var ledger = ledger("mychannel");
    List<Block> blocks = chain(23);
    blocks.forEach(b -> append(ledger, b));
    TestProbe<ChannelLedger.BlockChunk> probe = testKit.createTestProbe();
    ledger.tell(new ChannelLedger.ReadRange(2, 100, 5, probe.getRef()));
    List<Block> read = new ArrayList<>();
    ChannelLedger.BlockChunk chunk;
    do {
      chunk = probe.receiveMessage();
      assertTrue(chunk.blocks().size() <= 5);
      read.addAll(chunk.blocks());
    } while (!chunk.last());
    assertEquals(blocks.subList(2, 23), read);
  }

  @Test
  void fabricLedgerCommitsWithOrdererSignaturesCheckedAndForgeriesRefused() throws Exception {
    testKit(1000);
    var ledger = ledger("testchannel");
    List<Block> blocks = fabricBlocks();
    for (int i = 0; i < 10; i++) {
      assertEquals(new ChannelLedger.Committed(i), append(ledger, blocks.get(i)));
    }
    Block unsigned = BlockBuilder.next(blocks.get(9), List.of(ByteString.copyFromUtf8("forged")));
    assertEquals(RejectionReason.MISSING_ORDERER_SIGNATURE, rejection(append(ledger, unsigned)));
    for (int i = 10; i < blocks.size(); i++) {
      assertEquals(new ChannelLedger.Committed(i), append(ledger, blocks.get(i)));
    }
    assertEquals(blocks.size(), height(ledger).height());
    if (onBlockFiles()) {
      // The store is a Fabric block file: the same bytes Fabric wrote.
      assertEquals(Files.size(FabricTestData.ledger("v2.0-testchannel.blockfile")),
          Files.size(LedgerStores.channelDir(tmp, "testchannel").resolve("blockfile_000000")));
    }
  }

  @Test
  void withLastOfRunOneRunIsVouchedForByItsLastSignatureThroughTheHashChain() throws Exception {
    testKit(1000, "last-of-run");
    var ledger = ledger("testchannel");
    List<Block> blocks = fabricBlocks();
    int plain = firstPlainBlock(blocks);
    assertEquals(new ChannelLedger.Committed(0), append(ledger, blocks.get(0)));
    TestProbe<ChannelLedger.AppendResult> probe = testKit.createTestProbe();

    List<Block> lastUnsigned = new ArrayList<>(blocks.subList(1, plain + 1));
    lastUnsigned.set(plain - 1, withoutSignatures(blocks.get(plain)));
    ledger.tell(new ChannelLedger.AppendBlocks(lastUnsigned, probe.getRef()));
    assertEquals(RejectionReason.MISSING_ORDERER_SIGNATURE, rejection(probe.receiveMessage()));

    // The plain block's transactions changed and its data hash with them: its header no longer
    // hashes to what the next block, signed, names as its previous block.
    List<Block> tampered = new ArrayList<>(blocks.subList(1, plain + 2));
    Block changed = blocks.get(plain).toBuilder().setData(blocks.get(plain).getData().toBuilder()
        .setData(0, ByteString.copyFromUtf8("changed"))).build();
    tampered.set(plain - 1, changed.toBuilder().setHeader(changed.getHeader().toBuilder()
        .setDataHash(BlockHashes.dataHash(changed.getData()))).build());
    ledger.tell(new ChannelLedger.AppendBlocks(tampered, probe.getRef()));
    assertEquals(RejectionReason.BAD_PREVIOUS_HASH, rejection(probe.receiveMessage()));
    assertEquals(1, height(ledger).height(), "nothing of the refused runs was committed");

    List<Block> middleUnsigned = new ArrayList<>(blocks.subList(1, plain + 2));
    middleUnsigned.set(plain - 1, withoutSignatures(blocks.get(plain)));
    ledger.tell(new ChannelLedger.AppendBlocks(middleUnsigned, probe.getRef()));
    assertEquals(new ChannelLedger.Committed(plain + 1), probe.receiveMessage(),
        "the last block's signature vouches for the header and transactions of the unsigned one before it");
  }

  @Test
  void withEveryBlockARunsUnsignedMiddleBlockIsRefused() throws Exception {
    testKit(1000);
    var ledger = ledger("testchannel");
    List<Block> blocks = fabricBlocks();
    int plain = firstPlainBlock(blocks);
    assertEquals(new ChannelLedger.Committed(0), append(ledger, blocks.get(0)));
    List<Block> middleUnsigned = new ArrayList<>(blocks.subList(1, plain + 2));
    middleUnsigned.set(plain - 1, withoutSignatures(blocks.get(plain)));
    TestProbe<ChannelLedger.AppendResult> probe = testKit.createTestProbe();
    ledger.tell(new ChannelLedger.AppendBlocks(middleUnsigned, probe.getRef()));
    ChannelLedger.AppendResult result = probe.receiveMessage();
    assertEquals(RejectionReason.MISSING_ORDERER_SIGNATURE, rejection(result));
    assertTrue(result.toString().contains("block " + plain + " "), result.toString());
    assertEquals(1, height(ledger).height());
  }

  /** The first block after the genesis that is not a config block (config blocks' signatures are always checked). */
  private static int firstPlainBlock(List<Block> blocks) {
    for (int n = 1; n < blocks.size() - 1; n++) {
      if (!ConfigBlocks.isConfigBlock(blocks.get(n))) {
        return n;
      }
    }
    throw new IllegalStateException("the test ledger holds no plain block");
  }

  private static List<Block> fabricBlocks() throws Exception {
    List<Block> blocks = new ArrayList<>();
    BlockFileScanner.scan(FabricTestData.ledger("v2.0-testchannel.blockfile"), 0, e -> blocks.add(e.block()));
    return blocks;
  }

  private static Block withoutSignatures(Block block) {
    return block.toBuilder().setMetadata(block.getMetadata().toBuilder()
        .setMetadata(BlockMetadataIndex.SIGNATURES_VALUE, ByteString.EMPTY)).build();
  }

  private static RejectionReason rejection(ChannelLedger.AppendResult result) {
    return assertInstanceOf(ChannelLedger.Rejected.class, result).rejection().reason();
  }
}
