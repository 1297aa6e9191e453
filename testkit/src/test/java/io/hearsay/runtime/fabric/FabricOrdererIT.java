package io.hearsay.runtime.fabric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.runtime.cli.HearsayCommand;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.fabric.FabricNetwork;
import io.hearsay.testkit.fabric.FabricOrgPeer;
import io.hearsay.testkit.fabric.TamperingOrderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Hearsay peers in a real Fabric v2.4.9 network (net.sh: cryptogen, configtxgen, an etcdraft
 * orderer joined with osnadmin), from the operator's material as it is: three Hearsay peers of
 * Org1 with cryptogen's peer2–peer4 certificates and Fabric's key names, joined with
 * configtxgen's block, elect a leader that pulls from the real orderer over gRPC; blocks made
 * from transactions Hearsay's broadcast client sends reach all three, whose block files end
 * byte-identical to the orderer's. Then the orderer goes away and comes back, a fake orderer sends
 * a tampered block, the leader is SIGKILLed, and a peer of an org outside the channel asks.
 * Skipped, with the reason, where Fabric's binaries are absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FabricOrdererIT {

  private static final Duration WITHIN = Duration.ofSeconds(90);

  private Path dir;
  private FabricNetwork fabric;
  private final List<FabricOrgPeer> peers = new ArrayList<>();
  private final AtomicLong sent = new AtomicLong();

  @BeforeAll
  void upFabric() throws Exception {
    assumeTrue(FabricNetwork.absence().isEmpty(), () -> FabricNetwork.absence().get());
    dir = Files.createTempDirectory("fabric-orderer-it");
    fabric = FabricNetwork.up(dir.resolve("fabric"), FabricNetwork.Options.defaults().withOrg2(false)
        .withOrg1Certificates(5));
  }

  @RegisterExtension
  final KeepOnFailure keep = new KeepOnFailure();

  @AfterAll
  void down() throws Exception {
    keep.tearDown(peers, fabric, dir);
  }

  @Test
  @Order(1)
  void threePeersOfOrg1FollowTheRealOrdererAndEndWithItsBlockFile() throws Exception {
    Endpoint first = new Endpoint("127.0.0.1", FreePorts.next());
    for (int index = 2; index <= 4; index++) {
      Endpoint gossip = index == 2 ? first : new Endpoint("127.0.0.1", FreePorts.next());
      // peer4 is joined as an operator joins a Fabric peer: a request signed by Org1's admin.
      List<Path> join = index == 4 ? List.of() : List.of(fabric.channelBlock());
      peers.add(FabricOrgPeer.start(fabric, dir, new FabricOrgPeer.Spec("org1", index, gossip,
          new Endpoint("127.0.0.1", FreePorts.next()), index == 2 ? List.of() : List.of(first), join, electionConfig())));
    }
    FabricOrgPeer peer4 = peers.get(2);
    Eventually.await(WITHIN, "peer4's admin endpoint answers", () -> peer4.status().isPresent());
    String joined = hearsay("channel", "join", "--admin", peer4.spec().admin().toString(), "--block",
        fabric.channelBlock().toString(), "--msp", fabric.user("org1", "Admin").resolve("msp").toString(),
        "--msp-id", "Org1MSP");
    assertTrue(joined.contains("exit 0"), joined);

    broadcast(25);
    awaitOrdererTip(peers);
    assertEquals(1, peers.stream().filter(FabricOrgPeer::delivering).count(), "one leader pulls from the orderer");
    assertSameBlockFiles(peers);
  }

  @Test
  @Order(2)
  void theLeaderReconnectsWhenTheOrdererComesBackAndThePeersCatchUp() throws Exception {
    FabricOrgPeer leader = leader();
    double reconnects = metric(leader, "hearsay_deliver_reconnects_total");
    fabric.killOrderer();
    try {
      Eventually.await(WITHIN, "the leader sees its stream fail and tries again",
          () -> metric(leader, "hearsay_deliver_reconnects_total") >= reconnects + 2);
    } finally {
      fabric.restartOrderer();
    }
    broadcast(15);
    awaitOrdererTip(peers);
    assertSameBlockFiles(peers);
  }

  @Test
  @Order(3)
  void aForgedBlockFromAFakeOrdererIsRefusedAndTheRealOrderersStreamContinues() throws Exception {
    FabricOrgPeer leader = leader();
    long height = leader.height();
    fabric.killOrderer();
    // The fake takes the real orderer's address and TLS key, serves its blocks, then forges the next.
    try (TamperingOrderer fake = TamperingOrderer.start(fabric)) {
      Eventually.await(WITHIN, "the leader refuses the forged block", () ->
          metric(leader, "hearsay_deliver_blocks_refused_total") >= 1
              && metric(leader, "hearsay_messages_rejected_total{reason=\"BAD_ORDERER_SIGNATURE\"") >= 1);
      assertTrue(fake.served() >= 1);
    } finally {
      fabric.restartOrderer();
    }
    assertEquals(height, leader.height(), "the forged block was not committed");
    broadcast(10);
    awaitOrdererTip(peers);
    assertSameBlockFiles(peers);
  }

  @Test
  @Order(4)
  void anotherPeerTakesOverDeliveryWhenTheLeaderIsKilledWithNoGapAndNoDuplicate() throws Exception {
    FabricOrgPeer leader = leader();
    leader.kill();
    List<FabricOrgPeer> rest = peers.stream().filter(p -> p != leader).toList();
    Eventually.await(WITHIN, "another peer delivers", () -> rest.stream().anyMatch(FabricOrgPeer::delivering));
    broadcast(20);
    awaitOrdererTip(rest);
    assertSameBlockFiles(rest);
  }

  @Test
  @Order(5)
  void aPeerOfAnOrgOutsideTheChannelIsRefusedByTheRealOrdererAndSaysSo() throws Exception {
    Path wrongBlock = fabric.outsiderChannelBlock("org3");
    FabricOrgPeer outsider = FabricOrgPeer.start(fabric, dir, new FabricOrgPeer.Spec("org3", 0,
        new Endpoint("127.0.0.1", FreePorts.next()), new Endpoint("127.0.0.1", FreePorts.next()), List.of(),
        List.of(wrongBlock), Map.of("peer.gossip.orgLeader", true, "peer.gossip.useLeaderElection", false)));
    peers.add(outsider);
    Eventually.await(WITHIN, "the outsider counts the orderer's FORBIDDEN", () ->
        metric(outsider, "hearsay_deliver_refusals_total{channel=\"mychannel\",status=\"FORBIDDEN\"") >= 1);
    assertTrue(outsider.log().contains("FORBIDDEN"), "the log says the orderer refused: " + outsider.log());
    assertEquals(1, outsider.height(), "it has the genesis block it joined with, nothing from the orderer");
  }

  private Map<String, Object> electionConfig() {
    Map<String, Object> config = new HashMap<>(TestConfigs.FAST);
    config.putAll(TestConfigs.CHANNEL_FAST);
    config.putAll(TestConfigs.ELECTION_FAST);
    config.put("peer.deliveryclient.reconnectBackoffThreshold", "1s");
    return config;
  }

  private FabricOrgPeer leader() {
    Eventually.await(WITHIN, "one peer delivers", () -> peers.stream().anyMatch(p -> p.alive() && p.delivering()));
    return peers.stream().filter(p -> p.alive() && p.delivering()).findFirst().orElseThrow();
  }

  /** {@code n} transactions signed by Org1's User1 (a writer), through Hearsay's broadcast client. */
  private void broadcast(int n) {
    String output = hearsay("tx", "--orderer", fabric.orderer().toString(), "--channel", FabricNetwork.CHANNEL,
        "--msp", fabric.user("org1", "User1").resolve("msp").toString(), "--msp-id", "Org1MSP",
        "--cafile", fabric.ordererTlsCa().toString(), "--count", String.valueOf(n));
    assertTrue(output.contains(n + " of " + n + " transaction(s) accepted"), output);
    sent.addAndGet(n);
  }

  private static String hearsay(String... args) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = HearsayCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(out, true));
    int exit = commandLine.execute(args);
    return out + " (exit " + exit + ")";
  }

  /** Waits until the orderer has cut every transaction sent into blocks and every peer has them. */
  private void awaitOrdererTip(List<FabricOrgPeer> of) {
    Eventually.await(WITHIN, "the orderer has every transaction in blocks", () -> ordererTransactions() >= sent.get());
    long height = ordererHeight();
    Eventually.await(WITHIN, Eventually.POLL_INTERVAL, "every peer at the orderer's height " + height,
        () -> of.stream().allMatch(p -> p.height() == height),
        () -> of.stream().map(p -> p.spec().name() + " " + p.height()).collect(Collectors.joining(", ")));
  }

  private void assertSameBlockFiles(List<FabricOrgPeer> of) throws IOException {
    byte[] orderer = Files.readAllBytes(fabric.ordererBlockFile());
    for (FabricOrgPeer peer : of) {
      assertArrayEquals(orderer, Files.readAllBytes(peer.blockFile()),
          peer.spec().name() + "'s block file is the orderer's, byte for byte");
    }
  }

  private long ordererHeight() {
    return scanOrderer()[0];
  }

  /** Endorser transactions in the orderer's blocks (the config updates net.sh made are not counted). */
  private long ordererTransactions() {
    return scanOrderer()[1];
  }

  private long[] scanOrderer() {
    long[] found = new long[2];
    try {
      BlockFileScanner.scan(fabric.ordererBlockFile(), 0, entry -> {
        found[0]++;
        if (entry.block().getHeader().getNumber() > 0 && !isConfig(entry.block())) {
          found[1] += entry.block().getData().getDataCount();
        }
      });
    } catch (IOException e) {
      return new long[] {-1, -1};
    }
    return found;
  }

  private static boolean isConfig(Block block) {
    try {
      Payload payload = Payload.parseFrom(Envelope.parseFrom(block.getData().getData(0)).getPayload());
      return ChannelHeader.parseFrom(payload.getHeader().getChannelHeader()).getType() == HeaderType.CONFIG_VALUE;
    } catch (IOException e) {
      return false;
    }
  }

  /** The sum of a Prometheus metric's samples whose line starts with {@code prefix}. */
  private static double metric(FabricOrgPeer peer, String prefix) {
    return peer.metrics().map(text -> text.lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum()).orElse(0.0);
  }
}
