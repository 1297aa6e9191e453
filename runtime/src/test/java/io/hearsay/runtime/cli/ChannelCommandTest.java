package io.hearsay.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.testing.FabricTestData;
import io.hearsay.protocol.testing.TestCrypto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ChannelCommandTest {

  @TempDir
  Path tmp;

  private StringWriter out;
  private StringWriter err;

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = HearsayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void inspectPrintsFabricChannelOrgsAndAnchorPeers() {
    assertEquals(0, run("channel", "inspect", FabricTestData.block("smartbft-mychannel-anchors.block").toString()), err::toString);
    assertTrue(out.toString().contains("channel: mychannel"), out::toString);
    assertTrue(out.toString().contains("application org: Org1MSP, 1 root certificate(s), anchor peers "), out::toString);
    assertEquals(0, run("channel", "inspect", "--json", FabricTestData.block("etcdraft-mychannel-3orgs.block").toString()));
    assertTrue(out.toString().contains("{\"mspId\": \"Org3MSP\", \"rootCerts\": 0, \"mspType\": \"idemix\""), out::toString);
  }

  @Test
  void inspectRefusesABlockThatIsNotAConfigBlock() throws Exception {
    Path block = tmp.resolve("five.block");
    java.util.List<org.hyperledger.fabric.protos.common.Block> blocks = new java.util.ArrayList<>();
    io.hearsay.ledger.block.BlockFileScanner.scan(FabricTestData.ledger("v2.0-testchannel.blockfile"), 0, e -> blocks.add(e.block()));
    java.nio.file.Files.write(block, blocks.get(5).toByteArray());
    assertEquals(1, run("channel", "inspect", block.toString()));
    assertTrue(err.toString().contains("not a config block"), err::toString);
  }

  @Test
  void createWritesAGenesisBlockThatInspectReadsBack() {
    Path out = tmp.resolve("mychannel.block");
    String crypto = TestCrypto.material().root().toString();
    assertEquals(0, run("channel", "create", "--name", "mychannel", "--crypto", crypto,
        "--anchors", "Org1MSP=127.0.0.1:7051,Org2MSP=127.0.0.1:8051", "--out", out.toString()), err::toString);
    assertEquals(0, run("channel", "inspect", out.toString()));
    assertTrue(this.out.toString().contains("application org: Org2MSP, 1 root certificate(s), anchor peers 127.0.0.1:8051"),
        this.out::toString);
    assertTrue(this.out.toString().contains("orderer org:     OrdererMSP"), this.out::toString);
    assertEquals(0, run("ledger", "verify", out.toString()), "a valid block for the ledger too");
  }

  @Test
  void createRefusesBadArguments() {
    String crypto = TestCrypto.material().root().toString();
    assertEquals(2, run("channel", "create", "--name", "MyChannel", "--crypto", crypto, "--out", tmp.resolve("x").toString()));
    assertTrue(err.toString().contains("not a valid channel name"), err::toString);
    assertEquals(2, run("channel", "create", "--name", "ch", "--crypto", crypto, "--anchors", "Org1MSP:7051",
        "--out", tmp.resolve("x").toString()));
    assertEquals(2, run("channel", "create", "--name", "ch", "--crypto", crypto, "--anchors", "Org9MSP=h:1",
        "--out", tmp.resolve("x").toString()));
    assertTrue(err.toString().contains("Org9MSP"), err::toString);
  }
}
