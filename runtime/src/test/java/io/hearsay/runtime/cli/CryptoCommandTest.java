package io.hearsay.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;

class CryptoCommandTest extends CliTestBase {

  @Test
  void generateWritesMaterialThatItsOwnCheckAccepts() {
    Path dir = tmp.resolve("crypto");
    assertEquals(0, run("crypto", "generate", "--out", dir.toString(), "--orgs", "3",
        "--peers-per-org", "2", "--orderer-org"), this::err);
    assertTrue(out().contains("peer1.org3.example.com"), this::out);
    assertTrue(Files.isDirectory(dir.resolve("ordererOrganizations/example.com")));

    assertEquals(0, run("crypto", "verify", "--dir", dir.toString()), this::err);
  }

  @Test
  void verifyFailsWhenACertificateIsReplacedByAnotherOrgs() throws Exception {
    Path dir = tmp.resolve("crypto");
    assertEquals(0, run("crypto", "generate", "--out", dir.toString(), "--orgs", "2", "--peers-per-org", "1"));
    Path org1Cert = dir.resolve(
        "peerOrganizations/org1.example.com/peers/peer0.org1.example.com/msp/signcerts/peer0.org1.example.com-cert.pem");
    Path org2Cert = dir.resolve(
        "peerOrganizations/org2.example.com/peers/peer0.org2.example.com/msp/signcerts/peer0.org2.example.com-cert.pem");
    Files.copy(org2Cert, org1Cert, StandardCopyOption.REPLACE_EXISTING);

    assertEquals(1, run("crypto", "verify", "--dir", dir.toString()));
    assertTrue(err().contains("UNTRUSTED_CERTIFICATE"), this::err);
  }

  @Test
  void existingDirectoryIsRefusedWithoutForce() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("crypto"));
    Files.writeString(dir.resolve("keep.txt"), "mine");

    assertEquals(2, run("crypto", "generate", "--out", dir.toString()));
    assertTrue(err().contains("--force"), this::err);
    assertEquals("mine", Files.readString(dir.resolve("keep.txt")));
  }

  @Test
  void badArgumentsExitWithTwo() {
    assertEquals(2, run("crypto", "generate", "--out", tmp.toString(), "--orgs", "zero"));
    assertEquals(2, run("crypto", "generate", "--out", tmp.resolve("x").toString(), "--orgs", "0"));
    assertTrue(err().contains("--orgs must be at least 1"), this::err);
  }
}
