package io.hearsay.runtime.channels;

import static io.hearsay.testkit.TestNetwork.awaitViews;

import com.google.protobuf.ByteString;
import io.hearsay.channels.common.BlockDigests;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.config.Ordering;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.TestNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
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
    List<HearsayPeer> peers = network.startOrg(count, overrides);
    awaitViews(peers, Duration.ofSeconds(30), "full view", pv -> pv.seesAlive(peers));
    return peers;
  }

  private static ChannelLedger.Height height(HearsayPeer peer, String channel) {
    return peer.channelHeight(channel).toCompletableFuture().join();
  }

  private void awaitSameTip(List<HearsayPeer> peers, long height, Duration within) {
    awaitSameTip(peers, height, within, "mychannel");
  }

  private void awaitSameTip(List<HearsayPeer> peers, long height, Duration within, String channel) {
    ByteString[] tip = {null};
    try {
      awaitTip(peers, height, within, tip, channel);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; heights "
          + peers.stream().map(p -> height(p, channel).height()).toList(), e);
    }
  }

  private void awaitTip(List<HearsayPeer> peers, long height, Duration within, ByteString[] tip, String channel) {
    awaitViews(peers, within, "every peer at height " + height + " with one tip", pv -> {
      ChannelLedger.Height h = height(pv.peer(), channel);
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
  void aPeerJoiningAfterFiveHundredBlocksCatchesUpByStateTransfer() throws Exception {
    List<HearsayPeer> peers = startPeers(4, Map.of());
    List<HearsayPeer> early = peers.subList(0, 3);
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    early.forEach(p -> p.joinChannel(genesis));
    chain(genesis, 500).forEach(b -> peers.get(0).commitBlock("mychannel", b));
    awaitSameTip(early, 501, Duration.ofSeconds(90));

    HearsayPeer late = peers.get(3);
    late.joinChannel(genesis);
    awaitSameTip(peers, 501, Duration.ofSeconds(90));
    long stateResponses = late.receivedMessages().getOrDefault("STATE_RESPONSE@mychannel", 0L);
    Assertions.assertTrue(stateResponses >= 40,
        "caught up by state transfer in windows of 10: " + late.receivedMessages());
  }

  @Test
  void blocksStatesAndDigestsOfAChannelNeverReachPeersOutsideIt() throws Exception {
    List<HearsayPeer> peers = startPeers(10, Map.of());
    Block channelA = GenesisBlocks.create("channel-a", network.material(), Map.of());
    Block channelB = GenesisBlocks.create("channel-b", network.material(), Map.of());
    List<HearsayPeer> inA = List.of(peers.get(1), peers.get(2));
    List<HearsayPeer> inB = List.of(peers.get(6), peers.get(7));
    inA.forEach(p -> p.joinChannel(channelA));
    inB.forEach(p -> p.joinChannel(channelB));
    chain(channelA, 20).forEach(b -> peers.get(1).commitBlock("channel-a", b));
    chain(channelB, 20).forEach(b -> peers.get(6).commitBlock("channel-b", b));
    awaitSameTip(inA, 21, Duration.ofSeconds(60), "channel-a");
    awaitSameTip(inB, 21, Duration.ofSeconds(60), "channel-b");

    // What reached each peer's comm at all (not only what its router let through).
    Set<String> channelData = Set.of("DATA_MSG", "DATA_DIG", "DATA_REQ", "DATA_UPDATE", "HELLO",
        "STATE_INFO", "STATE_SNAPSHOT", "STATE_REQUEST", "STATE_RESPONSE");
    // Identity pull (Fabric's certificate store) uses the pull messages too, with no channel.
    Set<String> identityPull = Set.of("HELLO", "DATA_DIG", "DATA_REQ", "DATA_UPDATE");
    for (HearsayPeer peer : peers) {
      for (String key : peer.receivedMessages().keySet()) {
        if (!channelData.contains(key.split("@")[0]) || identityPull.contains(key)) {
          continue;
        }
        Assertions.assertTrue(inA.contains(peer) || inB.contains(peer),
            peer.endpoint() + " is in neither channel but received " + key);
        String foreign = inA.contains(peer) ? "@channel-b" : "@channel-a";
        Assertions.assertFalse(key.endsWith(foreign), peer.endpoint() + " received " + key);
      }
    }
  }

  @Test
  void forgedBlocksByPushPullOrStateResponseAreNeverCommitted() throws Exception {
    List<HearsayPeer> peers = startPeers(5, Map.of());
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    peers.forEach(p -> p.joinChannel(genesis));
    List<Block> honest = chain(genesis, 10);
    honest.subList(0, 5).forEach(b -> peers.get(0).commitBlock("mychannel", b));
    awaitSameTip(peers, 6, Duration.ofSeconds(60));

    HearsayPeer rogue = peers.get(4);
    var signer = new EnvelopeSigner(rogue.identity());
    Block unsigned = BlockBuilder.next(honest.get(4), List.of(ByteString.copyFromUtf8("forged")));
    var blockPayload = Payload.newBuilder().setSeqNum(6)
        .setData(unsigned.toByteString()).build();
    var push = signer.sign(GossipMessages.dataMessage("mychannel", 6, unsigned.toByteString()));
    var pullResponse = signer.sign(GossipMessages.update("mychannel", 77, List.of(push.envelope())));
    var stateResponse = signer.sign(GossipMessages.remoteStateResponse("mychannel", 78,
        List.of(blockPayload)));
    var hugeRange = signer.sign(GossipMessages.digest("mychannel", 79,
        List.of(ByteString.copyFromUtf8("0-9223372036854775806"))));
    var unsolicitedRequest = signer.sign(GossipMessages.request("mychannel", 80,
        BlockDigests.list(List.of(3L))));
    for (HearsayPeer victim : peers.subList(1, 4)) {
      rogue.sendEnvelope(victim.endpoint(), push.envelope());
      rogue.sendEnvelope(victim.endpoint(), pullResponse.envelope());
      rogue.sendEnvelope(victim.endpoint(), stateResponse.envelope());
      rogue.sendEnvelope(victim.endpoint(), hugeRange.envelope());
      rogue.sendEnvelope(victim.endpoint(), unsolicitedRequest.envelope());
    }
    awaitViews(peers.subList(1, 4), Duration.ofSeconds(20), "the forged block was refused by the ledger, the "
        + "unsolicited responses by their nonces and the pull digest naming 2^63 blocks as malformed",
        pv -> pv.peer().rejections().getOrDefault(
            RejectionReason.MISSING_ORDERER_SIGNATURE, 0L) >= 1
            && pv.peer().rejections().getOrDefault(RejectionReason.UNSOLICITED_MESSAGE, 0L) >= 3
            && pv.peer().rejections().getOrDefault(RejectionReason.MALFORMED_PAYLOAD, 0L) >= 1);

    honest.subList(5, 10).forEach(b -> peers.get(0).commitBlock("mychannel", b));
    awaitSameTip(peers, 11, Duration.ofSeconds(60));
    Assertions.assertEquals(BlockHashes.headerHash(honest.get(9).getHeader()),
        height(peers.get(2), "mychannel").tipHash(), "the honest chain");
  }

  @Test
  void aFiveMegabyteBlockAndABurstOfAThousandBlocksReachAllTenPeers() throws Exception {
    // Fabric's response windows: moving 5 MB takes longer than the scaled-down 80 ms, and a
    // window that closes before the block arrives only makes peers ask again and again.
    List<HearsayPeer> peers = startPeers(10, Map.of("peer.gossip.responseWaitTime", "2s",
        "peer.gossip.state.responseTimeout", "3s"));
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    peers.forEach(p -> p.joinChannel(genesis));
    CryptoMaterial.Org ordererOrg = network.material().org("OrdererMSP");
    SigningIdentity orderer = network.material().signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
    // 5 MB: twenty times Artery's 256 KiB frame, so it must take the large-message lane.
    byte[] large = new byte[5 * 1024 * 1024];
    new Random(5).nextBytes(large);
    Block big = OrdererSignatures.sign(BlockBuilder.next(genesis, List.of(ByteString.copyFrom(large))), orderer);
    peers.get(0).commitBlock("mychannel", big);
    awaitSameTip(peers, 2, Duration.ofSeconds(60));

    chain(big, 1000).forEach(b -> peers.get(0).commitBlock("mychannel", b));
    awaitSameTip(peers, 1002, Duration.ofSeconds(120));
  }

  @Test
  void blocksSignedByRotatedOrdererCertificatesAreCommittedAfterTheConfigBlockThatRotatesThem() throws Exception {
    Path dir = Files.createTempDirectory("rotated-orderer");
    try {
      CryptoMaterial rotated = CryptoMaterialGenerator.generate(
          new CryptoMaterialGenerator.Request(dir, 1, 1, true, false));
      CryptoMaterial.Org newOrg = rotated.org("OrdererMSP");
      SigningIdentity newOrderer = rotated.signingIdentity(newOrg, newOrg.nodes().get(0));
      CryptoMaterial.Org oldOrg = network.material().org("OrdererMSP");
      SigningIdentity oldOrderer = network.material().signingIdentity(oldOrg, oldOrg.nodes().get(0));

      List<HearsayPeer> peers = startPeers(3, Map.of());
      Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
      peers.forEach(p -> p.joinChannel(genesis));
      Block before = chain(genesis, 1).get(0);
      Block rotation = OrdererSignatures.sign(GenesisBlocks.next(before, "mychannel", network.material(), rotated,
          Map.of(), Ordering.FABRIC_DEFAULTS), oldOrderer);
      List<Block> after = new ArrayList<>();
      Block previous = rotation;
      for (int i = 0; i < 5; i++) {
        previous = OrdererSignatures.sign(BlockBuilder.next(previous, List.of(ByteString.copyFromUtf8("after " + i))),
            newOrderer);
        after.add(previous);
      }
      // The first peer is the channel's source: it checks every block before passing it on.
      peers.get(0).commitBlock("mychannel", before);
      peers.get(0).commitBlock("mychannel", rotation);
      after.forEach(b -> peers.get(0).commitBlock("mychannel", b));
      awaitSameTip(peers, 8, Duration.ofSeconds(60));
      for (HearsayPeer peer : peers) {
        Assertions.assertEquals(0L, peer.rejections().getOrDefault(
            RejectionReason.BAD_ORDERER_SIGNATURE, 0L), peer.endpoint() + ": " + peer.rejections());
      }
    } finally {
      Directories.deleteQuietly(dir);
    }
  }

  @Test
  void pullAloneBringsFivePeersToTheSameTip() throws Exception {
    pullAloneBringsFivePeersToTheSameTip(Map.of());
  }

  @Test
  void targetedPullAloneBringsFivePeersToTheSameTip() throws Exception {
    pullAloneBringsFivePeersToTheSameTip(Map.of("peer.gossip.publishStateInfoInterval", "500ms",
        "peer.gossip.pullInterval", "1h", "hearsay.channels.pull.mode", "targeted",
        "hearsay.channels.pull.targeted-interval", "300ms"));
  }

  /** No push and no state transfer: only the pull {@code overrides} configure moves blocks. */
  private void pullAloneBringsFivePeersToTheSameTip(Map<String, Object> overrides) throws Exception {
    Map<String, Object> settings = new HashMap<>(overrides);
    settings.put("peer.gossip.propagateIterations", 0);
    settings.put("peer.gossip.state.checkInterval", "1h");
    List<HearsayPeer> peers = startPeers(5, settings);
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    peers.forEach(p -> p.joinChannel(genesis));
    List<Block> blocks = chain(genesis, 8);
    blocks.forEach(b -> peers.get(0).commitBlock("mychannel", b));

    awaitSameTip(peers, 9, Duration.ofSeconds(60));
  }
}
