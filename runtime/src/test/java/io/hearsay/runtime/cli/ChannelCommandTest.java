package io.hearsay.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.protocol.testing.FabricTestData;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.admin.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.Test;

class ChannelCommandTest extends CliTestBase {

  @Test
  void inspectPrintsFabricChannelOrgsAndAnchorPeers() {
    assertEquals(0, run("channel", "inspect", FabricTestData.block("smartbft-mychannel-anchors.block").toString()), this::err);
    assertTrue(out().contains("channel: mychannel"), this::out);
    assertTrue(out().contains("application org: Org1MSP, 1 root certificate(s), anchor peers "), this::out);
    assertEquals(0, run("channel", "inspect", "--json", FabricTestData.block("etcdraft-mychannel-3orgs.block").toString()));
    Map<?, ?> inspected = (Map<?, ?>) Json.parse(out());
    assertEquals("mychannel", inspected.get("channel"), "stdout is one JSON document");
    Map<?, ?> org3 = ((List<?>) inspected.get("applicationOrgs")).stream().map(o -> (Map<?, ?>) o)
        .filter(o -> o.get("mspId").equals("Org3MSP")).findFirst().orElseThrow();
    assertEquals("idemix", org3.get("mspType"), this::out);
    assertEquals(0L, Json.asLong(org3.get("rootCerts")), this::out);
  }

  @Test
  void inspectRefusesABlockThatIsNotAConfigBlock() throws Exception {
    Path block = tmp.resolve("five.block");
    List<Block> blocks = new ArrayList<>();
    BlockFileScanner.scan(FabricTestData.ledger("v2.0-testchannel.blockfile"), 0, e -> blocks.add(e.block()));
    Files.write(block, blocks.get(5).toByteArray());
    assertEquals(1, run("channel", "inspect", block.toString()));
    assertTrue(err().contains("not a config block"), this::err);
  }

  @Test
  void createWritesAGenesisBlockThatInspectReadsBack() {
    Path block = tmp.resolve("mychannel.block");
    String crypto = TestCrypto.material().root().toString();
    assertEquals(0, run("channel", "create", "--name", "mychannel", "--crypto", crypto,
        "--anchors", "Org1MSP=127.0.0.1:7051,Org2MSP=127.0.0.1:8051", "--out", block.toString()), this::err);
    assertEquals(0, run("channel", "inspect", block.toString()));
    assertTrue(out().contains("application org: Org2MSP, 1 root certificate(s), anchor peers 127.0.0.1:8051"),
        this::out);
    assertTrue(out().contains("orderer org:     OrdererMSP"), this::out);
    assertEquals(0, run("ledger", "verify", block.toString()), "a valid block for the ledger too");
  }

  @Test
  void createRefusesBadArguments() {
    String crypto = TestCrypto.material().root().toString();
    assertEquals(2, run("channel", "create", "--name", "MyChannel", "--crypto", crypto, "--out", tmp.resolve("x").toString()));
    assertTrue(err().contains("not a valid channel name"), this::err);
    assertEquals(2, run("channel", "create", "--name", "ch", "--crypto", crypto, "--anchors", "Org1MSP:7051",
        "--out", tmp.resolve("x").toString()));
    assertEquals(2, run("channel", "create", "--name", "ch", "--crypto", crypto, "--anchors", "Org9MSP=h:1",
        "--out", tmp.resolve("x").toString()));
    assertTrue(err().contains("Org9MSP"), this::err);
  }
}
