package io.hearsay.runtime.cli;

import static io.hearsay.runtime.cli.LauncherIT.hearsay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.network.LocalNetwork;
import io.hearsay.testkit.Eventually;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job as a user runs it: {@code network up --keep-running} with 2 orgs x 2 peers as
 * separate processes; one peer is killed with SIGKILL, more blocks are ordered while it is down,
 * and, restarted from its config, it recovers its ledger and catches up with the orderer.
 */
class NetworkProcessIT {

  @TempDir
  Path tmp;

  private LocalNetwork network;

  @AfterEach
  void down() {
    if (network != null) {
      network.stopAll();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> channel(Map<String, Object> status) {
    return ((List<Map<String, Object>>) status.get("channels")).get(0);
  }

  @Test
  void aKilledPeerRestartedFromItsConfigRecoversItsLedgerAndCatchesUp() throws Exception {
    Path dir = tmp.resolve("network");
    var up = hearsay("network", "up", "--orgs", "2", "--peers-per-org", "2", "--blocks", "10", "--dir", dir.toString(),
        "--keep-running", "--json");
    network = LocalNetwork.load(dir);
    assertEquals(0, up.exit(), up.output());
    // With --json, stdout is exactly one JSON document (progress and hints go to stderr).
    assertEquals(true, ((Map<?, ?>) Json.parse(up.stdout())).get("agree"), up.output());

    LocalNetwork.Node victim = network.peers().stream().filter(p -> p.name().startsWith("peer1.org1")).findFirst()
        .orElseThrow();
    long heightBefore = Json.asLong(channel(network.status(victim)).get("height"));
    ProcessHandle process = ProcessHandle.of(network.pid(victim).orElseThrow()).orElseThrow();
    process.destroyForcibly();
    process.onExit().get(10, TimeUnit.SECONDS);

    var tx = hearsay("network", "tx", "--dir", dir.toString(), "--count", "40");
    assertEquals(0, tx.exit(), tx.output());

    network.start(victim);
    Long[] firstHeight = {null};
    List<Map<String, Object>> seen = new ArrayList<>();
    // Until the restarted peer is up, its status is an IOException: not yet.
    Eventually.await(Duration.ofSeconds(90), Duration.ofMillis(300), "the restarted peer caught up with the orderer",
        () -> {
          seen.clear();
          Map<String, Object> orderer = channel(network.status(network.orderer()));
          seen.add(orderer);
          Map<String, Object> peer = channel(network.status(victim));
          if (firstHeight[0] == null) {
            firstHeight[0] = Json.asLong(peer.get("height"));
            assertTrue(firstHeight[0] >= heightBefore, "the restarted peer recovered its ledger: " + firstHeight[0]
                + " >= " + heightBefore);
          }
          return Json.asLong(orderer.get("height")) > heightBefore + 3
              && Json.asLong(peer.get("height")) == Json.asLong(orderer.get("height"))
              && peer.get("tipHash").equals(orderer.get("tipHash"));
        }, () -> "orderer " + seen);

    var down = hearsay("network", "down", "--dir", dir.toString());
    assertEquals(0, down.exit(), down.output());
    assertTrue(network.running().isEmpty(), "network down stopped every node");
  }

  @Test
  void aPeerWhoseBlockFileWasDamagedWhileStoppedRepairsItOnRestartAndIsBackAtTheTip() throws Exception {
    Path dir = tmp.resolve("network");
    var up = hearsay("network", "up", "--orgs", "1", "--peers-per-org", "2", "--blocks", "20", "--dir", dir.toString(),
        "--keep-running", "--json");
    network = LocalNetwork.load(dir);
    assertEquals(0, up.exit(), up.output());
    LocalNetwork.Node victim = network.peers().stream().filter(p -> p.name().startsWith("peer1.org1")).findFirst()
        .orElseThrow();
    network.stop(victim);

    Path data = dir.resolve("data").resolve(victim.name());
    Path blockFile = LedgerStores.channelDir(data, "mychannel").resolve("blockfile_000000");
    long middle = Files.size(blockFile) / 2;
    try (var file = new RandomAccessFile(blockFile.toFile(), "rw")) {
      file.seek(middle);
      int b = file.read();
      file.seek(middle);
      file.write(~b);
    }
    network.start(victim);
    List<Map<String, Object>> seen = new ArrayList<>();
    Eventually.await(Duration.ofSeconds(90), Duration.ofMillis(300), "the repaired peer is back at the orderer's tip",
        () -> {
          seen.clear();
          Map<String, Object> orderer = channel(network.status(network.orderer()));
          seen.add(orderer);
          Map<String, Object> peer = channel(network.status(victim));
          seen.add(peer);
          return peer.get("height").equals(orderer.get("height")) && peer.get("tipHash").equals(orderer.get("tipHash"))
              && "running".equals(peer.get("state"));
        }, () -> "orderer and peer " + seen);
    Path quarantine = LedgerStores.quarantineDir(data);
    try (var kept = Files.walk(quarantine)) {
      assertTrue(kept.anyMatch(p -> p.getFileName().toString().startsWith("blockfile_000000.from-offset-")
          && p.toFile().length() > 0), "the damaged bytes are kept under " + quarantine);
    }
    String log = Files.readString(network.log(victim));
    assertTrue(log.contains("corrupted block file: " + blockFile.toAbsolutePath()) && log.contains("at offset"), log);
  }
}
