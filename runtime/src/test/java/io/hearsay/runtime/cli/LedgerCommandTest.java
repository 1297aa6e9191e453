package io.hearsay.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.testing.FabricTestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LedgerCommandTest {

  @TempDir
  Path tmp;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = HearsayCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void fabricLedgersVerifyExceptTheKnownEmptyPreviousHashOfV11() {
    assertEquals(0, run("ledger", "verify", FabricTestData.ledger("v2.0-testchannel.blockfile").toString()), out::toString);
    assertTrue(out.toString().contains("height:   20"), out::toString);
    assertTrue(out.toString().contains("19 blocks with a valid orderer signature"), out::toString);
    assertEquals(0, run("ledger", "verify", FabricTestData.ledger("v1.3-ledger1.blockfile").toString()));
    for (String v11 : new String[] {"v1.1-ledger1.blockfile", "v1.1-ledger2.blockfile"}) {
      assertEquals(1, run("ledger", "verify", FabricTestData.ledger(v11).toString()));
      assertTrue(out.toString().contains("bad link: BAD_PREVIOUS_HASH: block 1: previous_hash expected"), out::toString);
      assertTrue(out.toString().contains("actual (empty)"), out::toString);
    }
  }

  @Test
  void jsonReportNamesTheBadBlock() {
    assertEquals(1, run("ledger", "verify", "--json", FabricTestData.ledger("v1.1-ledger1.blockfile").toString()));
    String json = out.toString();
    assertTrue(json.contains("\"height\": 9") && json.contains("\"valid\": false")
        && json.contains("\"block\": 1, \"reason\": \"BAD_PREVIOUS_HASH\""), json);
  }

  @Test
  void singleFabricBlockVerifies() {
    assertEquals(0, run("ledger", "verify", FabricTestData.block("etcdraft-mychannel-3orgs.block").toString()), err::toString);
    assertTrue(out.toString().contains("height:   1"), out::toString);
  }

  @Test
  void unreadableFilesExitWithTwo() throws Exception {
    Path garbage = Files.write(tmp.resolve("blockfile_000000"), new byte[] {5, (byte) 0xff, (byte) 0xff, 1, 2, 3, 9});
    assertEquals(2, run("ledger", "verify", garbage.toString()));
    assertTrue(err.toString().contains("offset 0"), err::toString);
    assertEquals(2, run("ledger", "verify", tmp.resolve("missing").toString()));
    Path notABlock = Files.write(tmp.resolve("x.block"), new byte[] {(byte) 0xff, 1});
    assertEquals(2, run("ledger", "verify", notABlock.toString()));
  }

  @Test
  void importThenExportReproducesTheFabricFile() throws Exception {
    Path original = FabricTestData.ledger("v2.0-testchannel.blockfile");
    Path data = tmp.resolve("data");
    assertEquals(0, run("ledger", "import", original.toString(), "--channel", "testchannel", "--data", data.toString()),
        err::toString);
    assertTrue(out.toString().contains("imported 20 blocks"), out::toString);
    assertEquals(0, run("ledger", "import", original.toString(), "--channel", "testchannel", "--data", data.toString()));
    assertTrue(out.toString().contains("imported 0 blocks into testchannel (20 already there)"), out::toString);

    Path exported = tmp.resolve("exported.blockfile");
    assertEquals(0, run("ledger", "export", "--channel", "testchannel", "--data", data.toString(), "--out", exported.toString()),
        err::toString);
    assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(exported));
    assertEquals(0, run("ledger", "verify", data.resolve("chains/chains/testchannel/blockfile_000000").toString()),
        "the ledger directory is a Fabric block store the verifier reads unchanged");
  }

  @Test
  void importStopsAtTheFirstRefusedBlock() {
    Path data = tmp.resolve("data");
    assertEquals(1, run("ledger", "import", FabricTestData.ledger("v1.1-ledger1.blockfile").toString(),
        "--channel", "ledger1", "--data", data.toString()));
    assertTrue(out.toString().contains("imported 1 blocks"), out::toString);
    assertTrue(err.toString().contains("BAD_PREVIOUS_HASH: block 1"), err::toString);
  }
}
