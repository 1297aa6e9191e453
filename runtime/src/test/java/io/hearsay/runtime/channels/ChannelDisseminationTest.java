package io.hearsay.runtime.channels;

import static io.hearsay.runtime.testing.TestNetwork.awaitViews;

import com.google.protobuf.ByteString;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.testing.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Blocks committed at one peer reach every peer of the channel (intervals scaled down). */
class ChannelDisseminationTest {

  private final TestNetwork network = new TestNetwork(1, 10);

  @AfterEach
  void stop() {
    network.close();
  }

  private List<Block> chain(Block genesis, int count) throws Exception {
    CryptoMaterial material = network.material();
    CryptoMaterial.Org ordererOrg = material.org("OrdererMSP");
    SigningIdentity orderer = material.signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
    List<Block> blocks = new ArrayList<>();
    Block previous = genesis;
    for (int i = 0; i < count; i++) {
      previous = OrdererSignatures.sign(BlockBuilder.next(previous, List.of(ByteString.copyFromUtf8("tx " + i))), orderer);
      blocks.add(previous);
    }
    return blocks;
  }

  private List<HearsayPeer> startPeers(int count, Map<String, Object> overrides) {
    List<HearsayPeer> peers = new ArrayList<>();
    HearsayPeer first = network.start(network.config(1, 0, List.of(), overrides));
    peers.add(first);
    for (int i = 1; i < count; i++) {
      peers.add(network.start(network.config(1, i, List.of(first.endpoint()), overrides)));
    }
    awaitViews(peers, Duration.ofSeconds(30), "full view", pv -> pv.seesAlive(peers));
    return peers;
  }

  private static ChannelLedger.Height height(HearsayPeer peer) {
    return peer.channelHeight("mychannel").toCompletableFuture().join();
  }

  private void awaitSameTip(List<HearsayPeer> peers, long height, Duration within) {
    ByteString[] tip = {null};
    try {
      awaitTip(peers, height, within, tip);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; heights " + peers.stream().map(p -> height(p).height()).toList(), e);
    }
  }

  private void awaitTip(List<HearsayPeer> peers, long height, Duration within, ByteString[] tip) {
    awaitViews(peers, within, "every peer at height " + height + " with one tip", pv -> {
      ChannelLedger.Height h = height(pv.peer());
      if (h.height() != height) {
        return false;
      }
      if (tip[0] == null) {
        tip[0] = h.tipHash();
      }
      return tip[0].equals(h.tipHash());
    });
  }

  @Test
  void hundredBlocksFromOnePeerReachAllTenPeers() throws Exception {
    List<HearsayPeer> peers = startPeers(10, Map.of());
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    peers.forEach(p -> p.joinChannel(genesis));
    List<Block> blocks = chain(genesis, 100);
    blocks.forEach(b -> peers.get(0).commitBlock("mychannel", b));

    awaitSameTip(peers, 101, Duration.ofSeconds(60));
  }

  @Test
  void pullAloneBringsFivePeersToTheSameTip() throws Exception {
    List<HearsayPeer> peers = startPeers(5, Map.of("peer.gossip.propagateIterations", 0,
        "peer.gossip.state.checkInterval", "1h"));
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    peers.forEach(p -> p.joinChannel(genesis));
    List<Block> blocks = chain(genesis, 8);
    blocks.forEach(b -> peers.get(0).commitBlock("mychannel", b));

    awaitSameTip(peers, 9, Duration.ofSeconds(60));
  }
}
