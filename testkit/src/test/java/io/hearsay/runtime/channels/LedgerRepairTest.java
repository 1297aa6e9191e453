package io.hearsay.runtime.channels;

import static io.hearsay.testkit.TestNetwork.awaitViews;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockRecords;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.TestNetwork;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer whose block file was damaged while it was down: repaired on start (the damaged bytes kept
 * in quarantine, the lost blocks fetched again from its org), or, with on-corruption = fail,
 * refused at start naming the file, offset and blocks lost.
 */
class LedgerRepairTest {

  private final TestNetwork network = new TestNetwork(1, 2);

  @AfterEach
  void stop() {
    network.close();
  }

  private List<Block> chain(Block genesis, int count) throws Exception {
    CryptoMaterial.Org ordererOrg = network.material().org("OrdererMSP");
    var orderer = network.material().signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
    List<Block> blocks = new ArrayList<>();
    Block previous = genesis;
    for (int i = 0; i < count; i++) {
      previous = OrdererSignatures.sign(BlockBuilder.next(previous, List.of(ByteString.copyFromUtf8("tx " + i))), orderer);
      blocks.add(previous);
    }
    return blocks;
  }

  private static void flipByteOfBlock(Path blockFile, List<Block> chain, int number) throws Exception {
    long offset = 0;
    for (int n = 0; n < number; n++) {
      offset += BlockRecords.frame(BlockRecords.encode(chain.get(n))).length;
    }
    try (RandomAccessFile file = new RandomAccessFile(blockFile.toFile(), "rw")) {
      file.seek(offset + 20);
      int b = file.read();
      file.seek(offset + 20);
      file.write(~b);
    }
  }

  private static ByteString tip(HearsayPeer peer) {
    return peer.channelHeight("mychannel").toCompletableFuture().join().tipHash();
  }

  @Test
  void aPeerWhoseBlockFileWasDamagedIsRepairedOnStartAndCatchesUpAgain() throws Exception {
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    Path genesisFile = network.write("mychannel.block", genesis);
    Map<String, Object> join = Map.of("hearsay.channels.join", List.of(genesisFile.toString()));
    HearsayPeer a = network.start(network.config(1, 0, List.of(), join));
    HearsayPeer b = network.start(network.config(1, 1, List.of(a.endpoint()), join));
    List<Block> chain = new ArrayList<>(List.of(genesis));
    chain.addAll(chain(genesis, 20));
    chain.subList(1, 21).forEach(block -> a.commitBlock("mychannel", block));
    awaitViews(List.of(a, b), Duration.ofSeconds(60), "both at 21",
        pv -> pv.peer().channelHeight("mychannel").toCompletableFuture().join().height() == 21);
    network.stop(b);

    Path blockFile = LedgerStores.channelDir(network.ledgerDir(1, 1), "mychannel").resolve("blockfile_000000");
    flipByteOfBlock(blockFile, chain, 10);
    Map<String, Object> failFast = new HashMap<>(join);
    failFast.put("hearsay.ledger.on-corruption", "fail");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> network.start(network.config(1, 1, List.of(a.endpoint()), failFast)));
    assertTrue(refused.getMessage().contains("blockfile_000000 at offset") && refused.getMessage().contains("blocks from 10 on"),
        refused.getMessage());

    HearsayPeer repaired = network.start(network.config(1, 1, List.of(a.endpoint()), join));
    awaitViews(List.of(repaired), Duration.ofSeconds(60), "back at the org's tip",
        pv -> pv.peer().channelHeight("mychannel").toCompletableFuture().join().height() == 21);
    assertEquals(tip(a), tip(repaired), "the same chain");
    Path quarantine = LedgerStores.quarantineDir(network.ledgerDir(1, 1));
    try (Stream<Path> kept = Files.walk(quarantine)) {
      assertTrue(kept.anyMatch(p -> p.getFileName().toString().startsWith("blockfile_000000.from-offset-")),
          "the damaged bytes are kept under " + quarantine);
    }
    assertTrue(repaired.metrics().scrape().contains("hearsay_ledger_repairs_total 1.0"), repaired.metrics().scrape());
  }
}
