package io.hearsay.runtime.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.runtime.cli.HearsayCommand;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.fabric.FabricNetwork;
import io.hearsay.testkit.fabric.FabricOrgPeer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * Hearsay peers as gossip members of a real Fabric v2.4.9 network (net.sh: peer0.org1 the org's
 * leader, peer1.org1 fed by gossip alone, peer0.org2 in another org): two Hearsay peers with
 * cryptogen's peer2/peer3 certificates of Org1 serve and speak Fabric's gossip over gRPC, beside
 * Artery between themselves. Fabric's defaults everywhere. Skipped, with the reason, without
 * Fabric's binaries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FabricPeersIT {

  private static final Duration WITHIN = Duration.ofSeconds(90);

  private Path dir;
  private FabricNetwork fabric;
  private final List<FabricOrgPeer> hearsay = new ArrayList<>();
  /** Log lines of the Fabric peers before the Hearsay peers started. */
  private final Map<String, Long> logMarks = new HashMap<>();

  @BeforeAll
  void upFabricAndJoinTwoHearsayPeers() throws Exception {
    assumeTrue(FabricNetwork.absence().isEmpty(), () -> FabricNetwork.absence().get());
    dir = Files.createTempDirectory("fabric-peers-it");
    fabric = FabricNetwork.up(dir.resolve("fabric"), FabricNetwork.Options.defaults());
    for (String peer : List.of("peer0.org1", "peer1.org1", "peer0.org2")) {
      logMarks.put(peer, (long) Files.readAllLines(fabric.log(peer + ".example.com")).size());
    }
    for (int index = 2; index <= 3; index++) {
      int port = FreePorts.next();
      // Known inside Org1 as localhost:port, to other orgs as 127.0.0.1:port: the same gRPC server.
      Map<String, Object> keys = Map.of("peer.gossip.endpoint", "localhost:" + port,
          "peer.gossip.orgLeader", false, "peer.gossip.useLeaderElection", false);
      hearsay.add(FabricOrgPeer.start(fabric, dir, new FabricOrgPeer.Spec("org1", index,
          new Endpoint("127.0.0.1", port), new Endpoint("127.0.0.1", FreePorts.next()),
          List.of(fabric.fabricPeer("org1", 0)), List.of(fabric.channelBlock()), keys, true)));
    }
  }

  @AfterAll
  void down() throws Exception {
    for (FabricOrgPeer peer : hearsay) {
      peer.close();
    }
    if (fabric != null) {
      fabric.close();
    }
  }

  @Test
  @Order(1)
  void hearsayPeersAndFabricPeersSeeEachOtherAndBlocksReachHearsayFromTheFabricLeader() throws Exception {
    List<String> fabricPeers = List.of(fabric.fabricPeer("org1", 0).toString(), fabric.fabricPeer("org1", 1).toString(),
        fabric.fabricPeer("org2", 0).toString());
    for (FabricOrgPeer peer : hearsay) {
      Eventually.await(WITHIN, Duration.ofMillis(200), peer.spec().name() + " sees the three Fabric peers alive",
          () -> peer.aliveEndpoints().containsAll(fabricPeers), () -> peer.aliveEndpoints().toString());
    }
    for (String fabricPeer : List.of("peer0.org1", "peer1.org1")) {
      for (FabricOrgPeer peer : hearsay) {
        Eventually.await(WITHIN, Duration.ofMillis(200), fabricPeer + " lists " + peer.spec().name()
            + " in its channel view", () -> fabricLogSince(fabricPeer).contains("went online:  [[localhost:"
            + peer.spec().gossip().port() + "]]") || channelViewOf(fabricPeer).contains("localhost:" + peer.spec().gossip().port()),
            () -> lastViewLine(fabricPeer));
      }
    }
    broadcast(25);
    long height = fabricHeight("peer0.org1");
    Eventually.await(WITHIN, Duration.ofMillis(200), "both Hearsay peers at Fabric's height " + height,
        () -> hearsay.stream().allMatch(p -> p.height() == fabricHeight("peer0.org1") && p.height() >= height),
        () -> hearsay.stream().map(p -> p.spec().name() + " " + p.height()).collect(Collectors.joining(", ")));
    for (FabricOrgPeer peer : hearsay) {
      assertSameBlocks(fabric.ordererBlockFile(), peer.blockFile(), true);
      assertSameBlocks(fabric.fabricPeerBlockFile("peer0.org1"), peer.blockFile(), false);
    }
  }

  @Test
  @Order(2)
  void anotherOrgsFabricPeerKnowsTheHearsayPeersByTheirExternalEndpointsOnly() throws Exception {
    for (FabricOrgPeer peer : hearsay) {
      String external = "127.0.0.1:" + peer.spec().gossip().port();
      Eventually.await(WITHIN, Duration.ofMillis(200), "peer0.org2 lists " + peer.spec().name() + " at " + external,
          () -> channelViewOf("peer0.org2").contains(external), () -> lastViewLine("peer0.org2"));
      assertTrue(!fabricLogSince("peer0.org2").contains("localhost:" + peer.spec().gossip().port()),
          "peer0.org2 never saw the internal endpoint of " + peer.spec().name());
    }
  }

  @Test
  @Order(3)
  void nothingWasRefusedOnEitherSide() {
    for (FabricOrgPeer peer : hearsay) {
      String metrics = peer.metrics().orElseThrow();
      List<String> rejected = metrics.lines().filter(l -> l.startsWith("hearsay_messages_rejected_total{"))
          .filter(l -> !l.endsWith(" 0.0")).toList();
      assertEquals(List.of(), rejected, peer.spec().name() + " refused messages");
    }
    List<String> ids = new ArrayList<>();
    hearsay.forEach(p -> {
      ids.add(String.valueOf(p.status().orElseThrow().get("pkiId")));
      ids.add(":" + p.spec().gossip().port());
    });
    for (String fabricPeer : logMarks.keySet()) {
      List<String> complaints = fabricLogSince(fabricPeer).lines()
          .filter(l -> (l.contains("WARN") || l.contains("ERRO")) && l.contains("[gossip"))
          .filter(l -> ids.stream().anyMatch(l::contains)).toList();
      assertEquals(List.of(), complaints, fabricPeer + " complained about a Hearsay peer");
    }
  }

  // ---- helpers ----

  private void broadcast(int n) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = HearsayCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(out, true));
    int exit = commandLine.execute("tx", "--orderer", fabric.orderer().toString(), "--channel", FabricNetwork.CHANNEL,
        "--msp", fabric.user("org1", "User1").resolve("msp").toString(), "--msp-id", "Org1MSP",
        "--cafile", fabric.ordererTlsCa().toString(), "--count", String.valueOf(n));
    assertEquals(0, exit, out.toString());
  }

  private long fabricHeight(String peer) {
    return blocks(fabric.fabricPeerBlockFile(peer)).size();
  }

  private static List<Block> blocks(Path file) {
    List<Block> blocks = new ArrayList<>();
    try {
      BlockFileScanner.scan(file, 0, entry -> blocks.add(entry.block()));
    } catch (IOException e) {
      return List.of();
    }
    return blocks;
  }

  /**
   * Hearsay's blocks are the orderer's byte for byte; a Fabric peer's differ only in the
   * transaction filter its own validation writes into the metadata (Hearsay validates no
   * endorsements and leaves it as the orderer made it).
   */
  private static void assertSameBlocks(Path expected, Path actual, boolean byteForByte) throws IOException {
    if (byteForByte) {
      assertTrue(Arrays.equals(Files.readAllBytes(expected), Files.readAllBytes(actual)),
          actual + " is " + expected + " byte for byte");
      return;
    }
    List<Block> want = blocks(expected);
    List<Block> got = blocks(actual);
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i).getHeader(), got.get(i).getHeader(), "header of block " + i);
      assertEquals(want.get(i).getData(), got.get(i).getData(), "data of block " + i);
      assertEquals(want.get(i).getMetadata().getMetadata(0), got.get(i).getMetadata().getMetadata(0),
          "orderer signatures of block " + i);
    }
  }

  private String fabricLogSince(String peer) {
    try {
      List<String> lines = Files.readAllLines(fabric.log(peer + ".example.com"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList((int) Math.min(logMarks.getOrDefault(peer, 0L), lines.size()),
          lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private String lastViewLine(String peer) {
    return fabricLogSince(peer).lines().filter(l -> l.contains("Membership view has changed")).reduce((a, b) -> b)
        .orElse("(no membership change logged)");
  }

  /** The channel view Fabric's peer last logged ("current view: [...]"). */
  private String channelViewOf(String peer) {
    String line = lastViewLine(peer);
    int at = line.indexOf("current view:");
    return at < 0 ? "" : line.substring(at);
  }
}
