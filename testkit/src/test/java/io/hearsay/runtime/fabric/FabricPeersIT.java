package io.hearsay.runtime.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.PeerIdentityFiles;
import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.cli.HearsayCommand;
import io.hearsay.runtime.comm.RogueGossipClient;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.fabric.FabricNetwork;
import io.hearsay.testkit.fabric.FabricOrgPeer;
import io.hearsay.testkit.fabric.TamperingOrderer;
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
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hyperledger.fabric.protos.common.Block;
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
    // Org1 certificates: peer0 and peer1 for Fabric, peer2-peer4 for Hearsay, peer5 for a rogue.
    fabric = FabricNetwork.up(dir.resolve("fabric"), FabricNetwork.Options.defaults().withOrg1Certificates(6));
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

  @RegisterExtension
  final KeepOnFailure keep = new KeepOnFailure();

  @AfterAll
  void down() throws Exception {
    keep.tearDown(hearsay, fabric, dir);
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
        // Listed by its external endpoint, and by its internal one too when the first alive message
        // Fabric had of it came with its secret envelope (one relayed from Org2 does not).
        Pattern listed = Pattern.compile("\\[(127\\.0\\.0\\.1|localhost):" + peer.spec().gossip().port() + "[ \\]]");
        Eventually.await(WITHIN, Duration.ofMillis(200), fabricPeer + " lists " + peer.spec().name()
            + " in its channel view", () -> listed.matcher(channelViewOf(fabricPeer)).find(),
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
    assertHearsayRefusedNothing(hearsay);
    assertFabricPeersDidNotComplain();
  }

  private static void assertHearsayRefusedNothing(List<FabricOrgPeer> peers) {
    for (FabricOrgPeer peer : peers) {
      String metrics = peer.metrics().orElseThrow();
      List<String> rejected = metrics.lines().filter(l -> l.startsWith("hearsay_messages_rejected_total{"))
          .filter(l -> !l.endsWith(" 0.0")).toList();
      assertEquals(List.of(), rejected, peer.spec().name() + " refused messages");
    }
  }

  /** No gossip warning or error of a Fabric peer, since the network came up, names a Hearsay peer. */
  private void assertFabricPeersDidNotComplain() {
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

  @Test
  @Order(4)
  void fabricPeersFollowAHearsayLeaderAndALateFabricPeerCatchesUpByStateTransferFromHearsay() throws Exception {
    // Org1's Fabric peers stop leading: a Hearsay peer (peer4, static leader) pulls from the orderer.
    Map<String, String> follower = Map.of("CORE_PEER_GOSSIP_ORGLEADER", "false", "CORE_PEER_GOSSIP_USELEADERELECTION",
        "false");
    awaitStateInfoSettled();
    fabric.restartFabricPeer("peer0.org1", follower);
    awaitStateInfoSettled();
    fabric.restartFabricPeer("peer1.org1", follower);
    int port = FreePorts.next();
    FabricOrgPeer leader = FabricOrgPeer.start(fabric, dir, new FabricOrgPeer.Spec("org1", 4,
        new Endpoint("127.0.0.1", port), new Endpoint("127.0.0.1", FreePorts.next()),
        List.of(fabric.fabricPeer("org1", 0)), List.of(fabric.channelBlock()),
        Map.of("peer.gossip.orgLeader", true, "peer.gossip.useLeaderElection", false), true));
    hearsay.add(leader);
    Eventually.await(WITHIN, "the Hearsay leader delivers", leader::delivering);
    broadcast(20);
    awaitFabricPeersAtOrderersHeight(List.of("peer0.org1", "peer1.org1"));

    // peer1.org1 away while blocks are made; then peer0.org1 too, so only Hearsay peers hold them.
    fabric.killFabricPeer("peer1.org1");
    // More blocks than peers keep for pull (maxBlockCountToStore, 10): only state transfer brings them all.
    long before = ordererHeight();
    broadcast(200);
    awaitHearsayAtOrderersHeight(hearsay, before + 20);
    // Fabric asks any channel peer with the blocks, of any org: only Hearsay peers are left to ask.
    fabric.killFabricPeer("peer0.org1");
    fabric.killFabricPeer("peer0.org2");
    double servedBefore = stateRequestsReceived();
    Map<String, String> lateWithStateTransfer = new HashMap<>(follower);
    lateWithStateTransfer.put("CORE_PEER_GOSSIP_STATE_ENABLED", "true");
    fabric.startFabricPeer("peer1.org1", lateWithStateTransfer);
    awaitFabricPeersAtOrderersHeight(List.of("peer1.org1"));
    double served = stateRequestsReceived();
    assertTrue(served > servedBefore, "the late Fabric peer's state requests were answered by Hearsay peers");
    assertHearsayRefusedNothing(hearsay);
    assertFabricPeersDidNotComplain();
    fabric.startFabricPeer("peer0.org1", follower);
    fabric.startFabricPeer("peer0.org2", Map.of());
  }

  @Test
  @Order(5)
  void withElectionAcrossTheMixedOrgAnotherPeerTakesOverWhenTheLeaderIsKilled() throws Exception {
    Map<String, String> electing = Map.of("CORE_PEER_GOSSIP_ORGLEADER", "false", "CORE_PEER_GOSSIP_USELEADERELECTION",
        "true");
    fabric.restartFabricPeer("peer0.org1", electing);
    fabric.restartFabricPeer("peer1.org1", electing);
    for (FabricOrgPeer peer : hearsay) {
      peer.restart(Map.of("peer.gossip.orgLeader", false, "peer.gossip.useLeaderElection", true));
    }
    Eventually.await(Duration.ofMinutes(2), "one leader in Org1", () -> leaderOfOrg1().isPresent());
    String leader = leaderOfOrg1().get();
    if (leader.startsWith("peer0.org1") || leader.startsWith("peer1.org1")) {
      fabric.killFabricPeer(leader.substring(0, "peer0.org1".length()));
    } else {
      hearsay.stream().filter(p -> p.spec().name().equals(leader)).findFirst().orElseThrow().kill();
    }
    Eventually.await(Duration.ofMinutes(2), "another leader in Org1", () -> leaderOfOrg1().filter(l -> !l.equals(leader))
        .isPresent());
    long before = ordererHeight();
    broadcast(20);
    List<FabricOrgPeer> alive = hearsay.stream().filter(FabricOrgPeer::alive).toList();
    awaitHearsayAtOrderersHeight(alive, before + 2);
    for (FabricOrgPeer peer : alive) {
      assertSameBlocks(fabric.ordererBlockFile(), peer.blockFile(), true);
    }
    // Fabric's logs now rightly warn about the killed peer; Hearsay's counters must still be zero.
    assertHearsayRefusedNothing(alive);
  }

  @Test
  @Order(6)
  void hostileInputOverFabricsTransportIsRefusedWithItsReason() throws Exception {
    FabricOrgPeer target = hearsay.stream().filter(FabricOrgPeer::alive).findFirst().orElseThrow();
    Path rogueDir = fabric.peer("org1", 5);
    SigningIdentity rogueIdentity = PeerIdentityFiles.signingIdentity("Org1MSP", rogueDir.resolve("msp"), "rogue");
    PemTls.KeyPair rogueTls = new PemTls.KeyPair(rogueDir.resolve("tls/server.crt"), rogueDir.resolve("tls/server.key"));
    List<X509Certificate> trusted = Pem.certificates(Files.readAllBytes(rogueDir.resolve("tls/ca.crt")));

    // A handshake naming another peer's TLS certificate.
    ByteString otherCertificate = ByteString.copyFrom(Ecdsa.sha256(Pem.readCertificate(
        fabric.peer("org1", 0).resolve("tls/server.crt")).getEncoded()));
    try (RogueGossipClient replayer = RogueGossipClient.of(rogueIdentity, rogueTls, trusted,
        Optional.of(otherCertificate))) {
      replayer.dial(target.spec().gossip());
      Eventually.await(WITHIN, "TLS_CERT_HASH_MISMATCH counted", () -> rejected(target, "TLS_CERT_HASH_MISMATCH") >= 1);
    }

    try (RogueGossipClient rogue = RogueGossipClient.of(rogueIdentity, rogueTls, trusted, Optional.empty())) {
      rogue.dial(target.spec().gossip());
      Eventually.await(WITHIN, "the rogue's handshake is answered", rogue::bound);
      // An alive message in peer0.org1's name (its identity), signed by the rogue.
      SignedGossipMessage realAlive = new EnvelopeSigner(rogueIdentity).sign(GossipMessages.alive(
          PeerIdentity.parse(peer0Identity()).value(), fabric.fabricPeer("org1", 0).toString(),
          PeerTimes.of(System.nanoTime(), 1), ByteString.EMPTY));
      rogue.send(realAlive.envelope());
      Eventually.await(WITHIN, "the forged alive message refused as BAD_SIGNATURE",
          () -> rejected(target, "BAD_SIGNATURE") >= 1);

      // A member of the org in good standing (alive, and its StateInfo), then a block whose
      // signatures are the tip's: sent until the peer has taken the rogue's membership.
      long incarnation = System.currentTimeMillis() * 1_000_000L;
      rogue.send(GossipMessages.alive(rogueIdentity.identity(), "", PeerTimes.of(incarnation, 1), ByteString.EMPTY));
      rogue.send(GossipMessages.stateInfo(rogueIdentity.pkiId(), FabricNetwork.CHANNEL, PeerTimes.of(incarnation, 1),
          1));
      List<Block> chain = blocks(fabric.ordererBlockFile());
      Block forged = TamperingOrderer.forgedAfter(chain.get(chain.size() - 1));
      Eventually.await(WITHIN, Duration.ofMillis(500), "the forged block refused as BAD_ORDERER_SIGNATURE", () -> {
        rogue.send(GossipMessages.dataMessage(FabricNetwork.CHANNEL, forged.getHeader().getNumber(), forged.toByteString()));
        return rejected(target, "BAD_ORDERER_SIGNATURE") >= 1;
      }, () -> target.metrics().orElse(""));
      assertEquals(chain.size(), target.height(), "the forged block was not committed");
    }
  }

  // ---- helpers ----

  private static double rejected(FabricOrgPeer peer, String reason) {
    return metric(peer, "hearsay_messages_rejected_total{reason=\"" + reason + "\"");
  }

  private static double metric(FabricOrgPeer peer, String prefix) {
    return peer.metrics().map(text -> text.lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum()).orElse(0.0);
  }

  private ByteString peer0Identity() throws Exception {
    return PeerIdentity.of("Org1MSP", Pem.readCertificate(fabric.peer("org1", 0).resolve("msp/signcerts")
        .resolve("peer0.org1.example.com-cert.pem"))).serialized();
  }

  /** State requests the Hearsay peers received on the channel, all together. */
  private double stateRequestsReceived() {
    return hearsay.stream().mapToDouble(p -> metric(p,
        "hearsay_messages_received_total{channel=\"mychannel\",type=\"STATE_REQUEST\"")).sum();
  }

  /**
   * Until every Hearsay peer's StateInfo announces its ledger height and the other Hearsay peers
   * hold it, unchanged for a second. Fabric relays a new StateInfo to the endpoints it knows, and a
   * relay queued for a peer being restarted reaches the new process, which may not have learned the
   * author's identity yet and logs "PKIID wasn't found": Fabric's own race (it meets Fabric peers
   * too), not a message of a Hearsay peer that Fabric refused. Fabric peers are restarted when no
   * StateInfo is in flight.
   */
  private void awaitStateInfoSettled() {
    String[] last = {""};
    long[] since = {System.nanoTime()};
    Eventually.await(WITHIN, Duration.ofMillis(200), "the Hearsay peers' StateInfo announced, known and unchanged for 1 s",
        () -> {
          String now = settledStateInfo();
          if (now.isEmpty() || !now.equals(last[0])) {
            last[0] = now;
            since[0] = System.nanoTime();
            return false;
          }
          return System.nanoTime() - since[0] >= Duration.ofSeconds(1).toNanos();
        }, () -> last[0]);
  }

  /** Each alive Hearsay peer's height and StateInfo view, or "" while one has not announced or learned a height. */
  private String settledStateInfo() {
    Map<String, Long> heights = new HashMap<>();
    Map<String, Map<String, Long>> views = new HashMap<>();
    for (FabricOrgPeer peer : hearsay.stream().filter(FabricOrgPeer::alive).toList()) {
      Optional<Map<String, Object>> status = peer.status();
      Optional<Map<String, Object>> channel = peer.channel();
      if (status.isEmpty() || channel.isEmpty()) {
        return "";
      }
      long height = Json.asLong(channel.get().get("height"));
      if (Json.asLong(channel.get().get("publishedHeight")) != height) {
        return "";
      }
      String pkiId = String.valueOf(status.get().get("pkiId"));
      heights.put(pkiId, height);
      views.put(pkiId, ((List<?>) channel.get().get("members")).stream().map(m -> (Map<?, ?>) m).collect(
          Collectors.toMap(m -> String.valueOf(m.get("pkiId")), m -> Json.asLong(m.get("height")))));
    }
    for (Map.Entry<String, Map<String, Long>> view : views.entrySet()) {
      for (Map.Entry<String, Long> other : heights.entrySet()) {
        if (!other.getKey().equals(view.getKey()) && !other.getValue().equals(view.getValue().get(other.getKey()))) {
          return "";
        }
      }
    }
    return new TreeMap<>(views).toString();
  }

  private long ordererHeight() {
    return blocks(fabric.ordererBlockFile()).size();
  }

  /**
   * The orderer at {@code least} or beyond (it writes the last block a little after Broadcast
   * acknowledged its transactions), and every one of {@code peers} at its height.
   */
  private void awaitHearsayAtOrderersHeight(List<FabricOrgPeer> peers, long least) {
    Eventually.await(WITHIN, Duration.ofMillis(200), "the Hearsay peers at the orderer's height",
        () -> ordererHeight() >= least && peers.stream().allMatch(p -> p.height() == ordererHeight()),
        () -> peers.stream().map(p -> p.spec().name() + " " + p.height()).collect(Collectors.joining(", "))
            + ", orderer " + ordererHeight());
  }

  private void awaitFabricPeersAtOrderersHeight(List<String> peers) {
    Eventually.await(WITHIN, "the orderer has cut the transactions sent", () -> ordererHeight() > 0);
    Eventually.await(WITHIN, Duration.ofMillis(300), peers + " at the orderer's height",
        () -> peers.stream().allMatch(p -> fabricHeight(p) == ordererHeight()),
        () -> peers.stream().map(p -> p + " " + fabricHeight(p)).collect(Collectors.joining(", ")) + ", orderer "
            + ordererHeight());
  }

  /** Org1's leader of the channel: a Hearsay peer's name, or the Fabric peer whose log says it leads last. */
  private Optional<String> leaderOfOrg1() {
    List<String> leaders = new ArrayList<>();
    hearsay.stream().filter(FabricOrgPeer::alive).filter(p -> p.channel().map(c -> Boolean.TRUE.equals(c.get("leader")))
        .orElse(false)).forEach(p -> leaders.add(p.spec().name()));
    for (String fabricPeer : List.of("peer0.org1", "peer1.org1")) {
      if (fabricLeads(fabricPeer)) {
        leaders.add(fabricPeer + ".example.com");
      }
    }
    return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
  }

  /** Whether a running Fabric peer's log last said it became leader (and not that it stepped down since). */
  private boolean fabricLeads(String peer) {
    String log = fabricLogSince(peer);
    int became = log.lastIndexOf("Becoming a leader");
    int stopped = Math.max(log.lastIndexOf("Stopped being a leader"), log.lastIndexOf("Started peer with ID"));
    return became > stopped && fabric.fabricPeerAlive(peer);
  }

  /** {@code hearsay tx --json}: n transactions, every one accepted by the real orderer. */
  private void broadcast(int n) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = HearsayCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exit = commandLine.execute("tx", "--orderer", fabric.orderer().toString(), "--channel", FabricNetwork.CHANNEL,
        "--msp", fabric.user("org1", "User1").resolve("msp").toString(), "--msp-id", "Org1MSP",
        "--cafile", fabric.ordererTlsCa().toString(), "--count", String.valueOf(n), "--json");
    assertEquals(0, exit, out + "\n" + err);
    Map<?, ?> outcome = (Map<?, ?>) Json.parse(out.toString());
    assertEquals((long) n, Json.asLong(outcome.get("accepted")), "stdout is one JSON document: " + out);
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
   * endorsements and leaves it as the orderer made it). Compared over the blocks the Hearsay peer
   * holds (its height is awaited before): the orderer may have cut another block since, and the
   * Fabric peer taken it.
   */
  private static void assertSameBlocks(Path expected, Path actual, boolean byteForByte) throws IOException {
    if (byteForByte) {
      byte[] want = Files.readAllBytes(expected);
      byte[] got = Files.readAllBytes(actual);
      assertTrue(got.length > 0 && want.length >= got.length && Arrays.equals(got, Arrays.copyOf(want, got.length)),
          actual + " is " + expected + " byte for byte, as far as it goes (" + got.length + " of " + want.length + " bytes)");
      return;
    }
    List<Block> want = blocks(expected);
    List<Block> got = blocks(actual);
    assertTrue(!got.isEmpty() && want.size() >= got.size(), actual + " holds " + got.size() + " blocks, " + expected
        + " " + want.size());
    for (int i = 0; i < got.size(); i++) {
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
