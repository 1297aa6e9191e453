package io.hearsay.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.testing.FabricTestData;
import io.hearsay.runtime.admin.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerCommandTest extends CliTestBase {

  @Test
  void fabricLedgersVerifyExceptTheKnownEmptyPreviousHashOfV11() {
    assertEquals(0, run("ledger", "verify", FabricTestData.ledger("v2.0-testchannel.blockfile").toString()), this::out);
    assertTrue(out().contains("height:   20"), this::out);
    assertTrue(out().contains("19 blocks with a valid orderer signature"), this::out);
    assertEquals(0, run("ledger", "verify", FabricTestData.ledger("v1.3-ledger1.blockfile").toString()));
    for (String v11 : new String[] {"v1.1-ledger1.blockfile", "v1.1-ledger2.blockfile"}) {
      assertEquals(1, run("ledger", "verify", FabricTestData.ledger(v11).toString()));
      assertTrue(out().contains("bad link: BAD_PREVIOUS_HASH: block 1: previous_hash expected"), this::out);
      assertTrue(out().contains("actual (empty)"), this::out);
    }
  }

  @Test
  void jsonReportNamesTheBadBlock() {
    assertEquals(1, run("ledger", "verify", "--json", FabricTestData.ledger("v1.1-ledger1.blockfile").toString()));
    String json = out();
    Map<?, ?> report = (Map<?, ?>) Json.parse(json);
    assertEquals(false, report.get("valid"), "stdout is one JSON document: " + json);
    assertEquals(9L, Json.asLong(report.get("height")), json);
    Map<?, ?> problem = (Map<?, ?>) ((List<?>) report.get("problems")).get(0);
    assertEquals(1L, Json.asLong(problem.get("block")), json);
    assertEquals("BAD_PREVIOUS_HASH", problem.get("reason"), json);
  }

  @Test
  void singleFabricBlockVerifies() {
    assertEquals(0, run("ledger", "verify", FabricTestData.block("etcdraft-mychannel-3orgs.block").toString()), this::err);
    assertTrue(out().contains("height:   1"), this::out);
  }

  @Test
  void unreadableRecordsAreProblemsAndOnlyMissingFilesExitWithTwo() throws Exception {
    Path garbage = Files.write(tmp.resolve("blockfile_000000"), new byte[] {5, (byte) 0xff, (byte) 0xff, 1, 2, 3, 9});
    assertEquals(1, run("ledger", "verify", garbage.toString()));
    assertTrue(out().contains("unreadable: ") && out().contains("offset 0"), this::out);
    assertEquals(2, run("ledger", "verify", tmp.resolve("missing").toString()));
    Path notABlock = Files.write(tmp.resolve("x.block"), new byte[] {(byte) 0xff, 1});
    assertEquals(1, run("ledger", "verify", notABlock.toString()));
    assertTrue(out().contains("are not a common.Block"), this::out);
  }

  @Test
  void aTruncatedFabricBlockFileIsNotValid() throws Exception {
    byte[] fabric = Files.readAllBytes(FabricTestData.ledger("v2.0-testchannel.blockfile"));
    Path truncated = Files.write(tmp.resolve("blockfile_000000"), Arrays.copyOf(fabric, 5000));
    assertEquals(1, run("ledger", "verify", truncated.toString()));
    assertTrue(!out().contains("valid\n") && out().contains("unreadable: record at offset 0 claims 23980 bytes, 4997 remain"),
        this::out);
    assertEquals(1, run("ledger", "verify", "--json", truncated.toString()));
    Map<?, ?> report = (Map<?, ?>) Json.parse(out());
    assertEquals(false, report.get("valid"), this::out);
    Map<?, ?> unreadable = (Map<?, ?>) ((List<?>) report.get("unreadable")).get(0);
    assertEquals(List.of(0L, 23980L, 4997L), List.of(Json.asLong(unreadable.get("offset")),
        Json.asLong(unreadable.get("claimedBytes")), Json.asLong(unreadable.get("remainingBytes"))), this::out);

    Path data = tmp.resolve("data");
    assertEquals(1, run("ledger", "import", truncated.toString(), "--channel", "testchannel", "--data", data.toString()));
    assertTrue(err().contains("unreadable record") && err().contains("claims 23980 bytes, 4997 remain"), this::err);
    assertTrue(out().contains("imported 0 blocks"), this::out);
  }

  @Test
  void importThenExportReproducesTheFabricFile() throws Exception {
    Path original = FabricTestData.ledger("v2.0-testchannel.blockfile");
    Path data = tmp.resolve("data");
    assertEquals(0, run("ledger", "import", original.toString(), "--channel", "testchannel", "--data", data.toString()),
        this::err);
    assertTrue(out().contains("imported 20 blocks"), this::out);
    assertEquals(0, run("ledger", "import", original.toString(), "--channel", "testchannel", "--data", data.toString()));
    assertTrue(out().contains("imported 0 blocks into testchannel (20 already there)"), this::out);

    Path exported = tmp.resolve("exported.blockfile");
    assertEquals(0, run("ledger", "export", "--channel", "testchannel", "--data", data.toString(), "--out", exported.toString()),
        this::err);
    assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(exported));
    assertEquals(0, run("ledger", "verify", data.resolve("chains/chains/testchannel/blockfile_000000").toString()),
        "the ledger directory is a Fabric block store the verifier reads unchanged");
  }

  @Test
  void importStopsAtTheFirstRefusedBlock() {
    Path data = tmp.resolve("data");
    assertEquals(1, run("ledger", "import", FabricTestData.ledger("v1.1-ledger1.blockfile").toString(),
        "--channel", "ledger1", "--data", data.toString()));
    assertTrue(out().contains("imported 1 blocks"), this::out);
    assertTrue(err().contains("BAD_PREVIOUS_HASH: block 1"), this::err);
  }
}
