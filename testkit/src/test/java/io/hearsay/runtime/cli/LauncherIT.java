package io.hearsay.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.PeerIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code bin/hearsay} launcher on the packaged jar, as a user would. */
class LauncherIT {

  @TempDir
  Path tmp;

  /** Exit code, stdout and stderr together (for messages), and stdout alone. */
  record Result(int exit, String output, String stdout) {}

  /** Runs {@code bin/hearsay ARGS} to completion (at most 3 minutes). */
  static Result hearsay(String... args) throws Exception {
    Path home = Path.of(System.getProperty("hearsay.home", "..")).toAbsolutePath();
    var command = new ArrayList<String>();
    command.add(home.resolve("bin/hearsay").toString());
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile("hearsay-cli", ".out");
    Path stderr = Files.createTempFile("hearsay-cli", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().put("HEARSAY_NO_BUILD", "1");
    builder.environment().put("HEARSAY_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
    Process process = builder.start();
    try {
      // Output goes to files, so a command that hangs fails the test instead of blocking a read.
      boolean finished = process.waitFor(180, TimeUnit.SECONDS);
      String out = Files.readString(stdout, StandardCharsets.UTF_8);
      String text = out + Files.readString(stderr, StandardCharsets.UTF_8);
      assertTrue(finished, "bin/hearsay did not finish; output:\n" + text);
      return new Result(process.exitValue(), text, out);
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void cryptoGenerateProducesMaterialTheMspAcceptsAndOtherOrgsRefuse() throws Exception {
    Path dir = tmp.resolve("crypto");
    Result result = hearsay("crypto", "generate", "--out", dir.toString(), "--orgs", "2",
        "--peers-per-org", "2", "--orderer-org");
    assertEquals(0, result.exit(), result.output());

    CryptoMaterial material = CryptoMaterial.load(dir);
    var msps = material.mspRegistry();
    var org1 = material.org("Org1MSP");
    var org2 = material.org("Org2MSP");
    PeerIdentity org1Peer = material.signingIdentity(org1, org1.nodes().get(0)).identity();
    PeerIdentity org2Peer = material.signingIdentity(org2, org2.nodes().get(1)).identity();
    Instant now = Instant.now();
    assertTrue(msps.validate(org1Peer, now).isAccepted());
    assertTrue(msps.validate(org2Peer, now).isAccepted());
    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE,
        material.msp(org1).validate(PeerIdentity.of("Org1MSP", org2Peer.certificate()), now).rejection().reason());
  }

  @Test
  void rerunWithoutForceIsRefused() throws Exception {
    Path dir = tmp.resolve("crypto");
    assertEquals(0, hearsay("crypto", "generate", "--out", dir.toString(), "--orgs", "1", "--peers-per-org", "1").exit());
    Result again = hearsay("crypto", "generate", "--out", dir.toString(), "--orgs", "1", "--peers-per-org", "1");
    assertEquals(2, again.exit(), again.output());
    assertTrue(again.output().contains("--force"), again.output());
    assertTrue(Files.isRegularFile(dir.resolve(CryptoMaterial.INDEX_FILE)));
  }
}
