package io.hearsay.runtime.channels;

import static io.hearsay.testkit.TestNetwork.awaitViews;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.channels.config.AnchorPeer;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.testing.FabricTestData;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class ChannelOrgsAndFabricDataTest {

  private TestNetwork network;

  @AfterEach
  void stop() {
    if (network != null) {
      network.close();
    }
  }

  private static long height(HearsayPeer peer, String channel) {
    return peer.channelHeight(channel).toCompletableFuture().join().height();
  }

  /**
   * Fabric's v2.0 testchannel names Org1MSP with Fabric's own CA; these peers are of an Org1MSP
   * with another CA, so the channel's config does not recognize them: the join is refused, naming
   * both CAs, and nothing of the channel starts. (Hearsay peers serve a real Fabric channel when
   * their certificates come from its CAs: the Fabric interop tests use net.sh's spare peer
   * certificates for that.)
   */
  @Test
  void aRealFabricChannelWhoseOrg1MspHasOtherCasIsNotJoined() throws Exception {
    network = new TestNetwork(1, 1);
    List<Block> fabric = new ArrayList<>();
    BlockFileScanner.scan(FabricTestData.ledger("v2.0-testchannel.blockfile"), 0, e -> fabric.add(e.block()));
    HearsayPeer peer = network.start(1, 0, List.of());
    peer.joinChannel(fabric.get(0));
    peer.joinChannel(GenesisBlocks.create("mychannel", network.material(), Map.of()));
    awaitViews(List.of(peer), Duration.ofSeconds(30), "its own channel joined",
        pv -> pv.peer().channels().toCompletableFuture().join().size() == 1);
    assertEquals(List.of("mychannel"), peer.channels().toCompletableFuture().join().stream()
        .map(ChannelStatus::channel).toList(), "testchannel was refused");
    assertEquals(1L, peer.rejections().get(RejectionReason.CONFLICTING_MSP), "and counted");
  }

  @Test
  void joiningAChannelTeachesTheOtherOrgsMspsAndDialsTheirAnchorPeers() throws Exception {
    network = new TestNetwork(2, 2);
    Map<String, Endpoint> anchors = Map.of("Org1MSP", new Endpoint("127.0.0.1", TestNetwork.freePort()),
        "Org2MSP", new Endpoint("127.0.0.1", TestNetwork.freePort()));
    List<HearsayPeer> peers = new ArrayList<>();
    for (int org = 1; org <= 2; org++) {
      Endpoint anchor = anchors.get("Org" + org + "MSP");
      for (int i = 0; i < 2; i++) {
        Endpoint endpoint = i == 0 ? anchor : new Endpoint("127.0.0.1", TestNetwork.freePort());
        // No hearsay.orgs: other orgs are known only from the channel's config block.
        peers.add(network.start(network.config(org, i, i == 0 ? List.of() : List.of(anchor), Map.of(
            "hearsay.orgs", List.of(), "peer.gossip.endpoint", endpoint.toString(),
            "peer.gossip.externalEndpoint", endpoint.toString()))));
      }
    }
    List<HearsayPeer> org1 = peers.subList(0, 2);
    List<HearsayPeer> org2 = peers.subList(2, 4);
    awaitViews(org1, Duration.ofSeconds(20), "org 1 sees itself", pv -> pv.seesAlive(org1));
    awaitViews(org2, Duration.ofSeconds(20), "org 2 sees itself", pv -> pv.seesAlive(org2));
    for (HearsayPeer peer : org1) {
      Assertions.assertTrue(TestNetwork.view(peer).member(org2.get(0).pkiId()).isEmpty(),
          "before the channel, org 2 is unknown to org 1");
    }

    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of(
        "Org1MSP", List.of(new AnchorPeer("127.0.0.1", anchors.get("Org1MSP").port())),
        "Org2MSP", List.of(new AnchorPeer("127.0.0.1", anchors.get("Org2MSP").port()))));
    peers.forEach(p -> p.joinChannel(genesis));

    awaitViews(peers, Duration.ofSeconds(30), "every peer sees every peer of both orgs", pv -> pv.seesAlive(peers));
  }

  @Test
  void blocksStayInsideEachOrgWhileStateInfoCrossesOrgs() throws Exception {
    network = new TestNetwork(2, 3);
    Map<Integer, Endpoint> anchors = Map.of(1, new Endpoint("127.0.0.1", TestNetwork.freePort()),
        2, new Endpoint("127.0.0.1", TestNetwork.freePort()));
    Map<Integer, List<HearsayPeer>> byOrg = new HashMap<>();
    for (int org = 1; org <= 2; org++) {
      List<HearsayPeer> peers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Endpoint endpoint = i == 0 ? anchors.get(org) : new Endpoint("127.0.0.1", TestNetwork.freePort());
        var config = network.config(org, i, i == 0 ? List.of() : List.of(anchors.get(org)), Map.of(
            "peer.gossip.endpoint", endpoint.toString(), "peer.gossip.externalEndpoint", endpoint.toString()));
        CryptoMaterial material = network.material();
        String other = "Org" + (3 - org) + "MSP";
        config = ConfigFactory.parseMap(Map.of("hearsay.orgs", List.of(Map.of("mspId", other,
            "mspDir", material.orgDir(material.org(other)).resolve("msp").toString(),
            "anchorPeers", List.of(anchors.get(3 - org).toString()))))).withFallback(config);
        peers.add(network.start(config));
      }
      byOrg.put(org, peers);
    }
    List<HearsayPeer> all = new ArrayList<>(byOrg.get(1));
    all.addAll(byOrg.get(2));
    awaitViews(all, Duration.ofSeconds(30), "everyone sees everyone", pv -> pv.seesAlive(all));

    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    all.forEach(p -> p.joinChannel(genesis));
    CryptoMaterial.Org ordererOrg = network.material().org("OrdererMSP");
    var orderer = network.material().signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
    Block previous = genesis;
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      previous = OrdererSignatures.sign(BlockBuilder.next(previous, List.of(ByteString.copyFromUtf8("tx" + i))), orderer);
      blocks.add(previous);
    }
    blocks.forEach(b -> byOrg.get(1).get(0).commitBlock("mychannel", b));

    awaitViews(byOrg.get(1), Duration.ofSeconds(60), "org 1 has the blocks", pv -> height(pv.peer(), "mychannel") == 11);
    // StateInfo crossed: org 2 peers know org 1 is ahead, yet no block crossed the org boundary.
    awaitViews(byOrg.get(2), Duration.ofSeconds(30), "org 2 heard org 1's StateInfo",
        pv -> pv.peer().receivedMessages().getOrDefault("STATE_SNAPSHOT@mychannel", 0L) > 0
            || pv.peer().receivedMessages().getOrDefault("STATE_INFO", 0L) > 0);
    for (HearsayPeer peer : byOrg.get(2)) {
      assertEquals(1, height(peer, "mychannel"), peer.endpoint() + " of org 2 got org 1's blocks");
      assertEquals(0L, (long) peer.receivedMessages().getOrDefault("DATA_MSG@mychannel", 0L));
    }

    blocks.forEach(b -> byOrg.get(2).get(0).commitBlock("mychannel", b));
    awaitViews(byOrg.get(2), Duration.ofSeconds(60), "org 2's own source feeds org 2",
        pv -> height(pv.peer(), "mychannel") == 11);
  }
}
