package io.hearsay.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.testkit.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three peers as separate JVMs started by {@code bin/hearsay peer start} from config files, over
 * mutual TLS: they see each other, one is killed with SIGKILL, the others mark it dead, and
 * SIGTERM stops the rest through coordinated shutdown.
 */
class PeerProcessIT {

  @TempDir
  Path tmp;

  private final List<PeerProcess> processes = new ArrayList<>();

  /** A peer process; its output goes to a log file, read as it grows. */
  private static final class PeerProcess {
    final Process process;
    final Path log;

    PeerProcess(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "";
      }
    }

    void await(Duration within, String what, Predicate<String> condition) {
      Eventually.await(within, Duration.ofMillis(100), what + " seen", () -> condition.test(output()),
          () -> "output:\n" + output());
    }
  }

  @AfterEach
  void killAll() {
    processes.forEach(p -> p.process.destroyForcibly());
  }

  @Test
  void threeTlsPeersStartedFromAnotherDirectorySeeEachOtherAndAKilledOneIsMarkedDead() throws Exception {
    CryptoMaterial material = CryptoMaterialGenerator.generate(
        new CryptoMaterialGenerator.Request(tmp.resolve("crypto"), 1, 3, false, false));
    CryptoMaterial.Org org = material.org("Org1MSP");
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      endpoints.add("127.0.0.1:" + FreePorts.next());
    }
    for (int i = 0; i < 3; i++) {
      start(writeConfig(material, org, i, endpoints));
    }

    for (int i = 0; i < 3; i++) {
      int self = i;
      processes.get(i).await(Duration.ofSeconds(60), "peer " + i + " sees the other two", out ->
          endpoints.stream().filter(e -> !e.equals(endpoints.get(self))).allMatch(e -> out.contains(e + ") is alive")));
    }

    processes.get(2).process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    for (int i = 0; i < 2; i++) {
      processes.get(i).await(Duration.ofSeconds(30), "peer " + i + " marks the killed peer dead",
          out -> out.contains(endpoints.get(2) + ") is dead"));
    }

    for (int i = 0; i < 2; i++) {
      PeerProcess p = processes.get(i);
      p.process.destroy();
      assertTrue(p.process.waitFor(30, TimeUnit.SECONDS), "peer " + i + " stops on SIGTERM");
      p.await(Duration.ofSeconds(5), "coordinated shutdown", out -> out.contains("stopping (coordinated shutdown)"));
    }
  }

  @Test
  void badConfigFailsAtStartWithTheKeyAndFileAndANonZeroExit() throws Exception {
    CryptoMaterial material = CryptoMaterialGenerator.generate(
        new CryptoMaterialGenerator.Request(tmp.resolve("crypto"), 1, 1, false, false));
    CryptoMaterial.Org org = material.org("Org1MSP");
    Path config = writeConfig(material, org, 0, List.of("127.0.0.1:" + FreePorts.next()));
    Files.writeString(config, Files.readString(config) + "peer.gossip.orgLeader = true\npeer.gossip.useLeaderElection = true\n");
    PeerProcess p = start(config);
    assertTrue(p.process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, p.process.exitValue());
    p.await(Duration.ofSeconds(5), "the error names both keys and the file", out ->
        out.contains("peer.gossip.orgLeader") && out.contains("useLeaderElection") && out.contains(config.toString()));
  }

  private Path writeConfig(CryptoMaterial material, CryptoMaterial.Org org, int index, List<String> endpoints)
      throws Exception {
    String node = org.nodes().get(index);
    Path nodeDir = material.nodeDir(org, node);
    Path tls = nodeDir.resolve("tls");
    String config = """
        peer.id = "%s"
        peer.localMspId = "%s"
        peer.mspConfigPath = "%s"
        peer.gossip {
          endpoint = "%s"
          bootstrap = ["%s"]
          aliveTimeInterval = 200ms
          aliveExpirationTimeout = 1s
          reconnectInterval = 1s
          pullInterval = 160ms
        }
        hearsay.tls {
          enabled = true
          keyStore = "%s"
          trustStore = "%s"
          passwordFile = "%s"
        }
        """.formatted(node, org.mspId(), relative(nodeDir.resolve("msp")), endpoints.get(index), endpoints.get(0),
        relative(tls.resolve(CryptoMaterial.KEY_STORE_FILE)), relative(tls.resolve(CryptoMaterial.TRUST_STORE_FILE)),
        relative(tls.resolve(CryptoMaterial.STORE_PASSWORD_FILE)));
    Path file = tmp.resolve(node + ".conf");
    Files.writeString(file, config);
    return file;
  }

  /** A path as the config file beside the material sees it: relative to the file's directory. */
  private String relative(Path path) {
    return tmp.toAbsolutePath().relativize(path.toAbsolutePath()).toString();
  }

  private PeerProcess start(Path config) throws Exception {
    Path home = Path.of(System.getProperty("hearsay.home", "..")).toAbsolutePath();
    // Started from another directory: the config's relative paths are its own directory's.
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/hearsay").toString(), "peer", "start",
        "--config", config.toAbsolutePath().toString()).redirectErrorStream(true).directory(elsewhere.toFile());
    Path log = tmp.resolve(config.getFileName() + ".log");
    builder.redirectOutput(log.toFile());
    builder.environment().put("HEARSAY_NO_BUILD", "1");
    builder.environment().put("HEARSAY_JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    PeerProcess process = new PeerProcess(builder.start(), log);
    processes.add(process);
    return process;
  }
}
