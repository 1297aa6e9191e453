package io.hearsay.runtime.orderer;

import io.hearsay.channels.ChannelStatus;
import static io.hearsay.testkit.TestNetwork.awaitViews;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.config.Ordering;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedded ordering service with real peers: delivery through elected leaders, and bad input. */
class OrderingServiceTest {

  private TestNetwork network;
  private OrdererNode orderer;
  private Block genesis;

  @BeforeEach
  void start() throws Exception {
    network = new TestNetwork(2, 4);
    int port = TestNetwork.freePort();
    genesis = GenesisBlocks.create("mychannel", network.material(), Map.of(),
        new Ordering(List.of("127.0.0.1:" + port), 5, Duration.ofMillis(200)));
    orderer = network.startOrderer(port, List.of(genesis));
  }

  @AfterEach
  void stop() {
    network.close();
  }

  private List<HearsayPeer> startPeers(int count) {
    List<HearsayPeer> peers = network.startOrg(count, TestConfigs.ELECTION_FAST);
    peers.forEach(p -> p.joinChannel(genesis));
    return peers;
  }

  private SigningIdentity client() throws Exception {
    var org = network.material().org("Org1MSP");
    return network.material().signingIdentity(org, org.nodes().get(3));
  }

  private BroadcastResponse broadcast(OrdererClient client, Envelope tx) {
    return client.broadcast(tx).toCompletableFuture().join();
  }

  private Envelope tx(SigningIdentity creator, String channel, int i) {
    return KeyValueTransactions.write(creator, channel, "kv", Map.of("key" + i, ByteString.copyFromUtf8("value " + i)));
  }

  private ChannelStatus ordererTip() {
    return orderer.channelStatus().toCompletableFuture().join().get(0);
  }

  /**
   * The orderer's tip once it stops moving: unchanged over 400 ms, twice its 200 ms BatchTimeout,
   * so the last partial batch has been cut.
   */
  private ChannelStatus settledOrdererTip() {
    ChannelStatus[] last = {ordererTip(), null};
    Eventually.await(Duration.ofSeconds(30), Duration.ofMillis(400), "the orderer's tip stops moving", () -> {
      ChannelStatus now = ordererTip();
      boolean settled = now.equals(last[0]);
      last[0] = now;
      return settled;
    }, () -> "last tip " + last[0]);
    return last[0];
  }

  private static void awaitTip(List<HearsayPeer> peers, ChannelStatus tip, Duration within) {
    awaitViews(peers, within, "every peer at the orderer's tip " + tip.height(), pv -> {
      ChannelLedger.Height h = pv.peer().channelHeight("mychannel").toCompletableFuture().join();
      return h.height() == tip.height() && h.tipHash().equals(tip.tipHash());
    });
  }

  @Test
  void whenTheLeaderCrashesWhileBlocksFlowTheNewLeaderResumesAndEveryPeerHasTheWholeChain() throws Exception {
    List<HearsayPeer> peers = startPeers(4);
    awaitViews(peers, Duration.ofSeconds(30), "a leader", pv -> peers.stream()
        .anyMatch(p -> p.channels().toCompletableFuture().join().get(0).leader()));
    HearsayPeer leader = peers.stream().filter(p -> p.channels().toCompletableFuture().join().get(0).leader())
        .findFirst().orElseThrow();

    OrdererClient client = orderer.client();
    SigningIdentity creator = client();
    for (int i = 0; i < 100; i++) {
      if (i == 40) {
        network.stop(leader);
      }
      assertEquals(Status.SUCCESS, broadcast(client, tx(creator, "mychannel", i)).getStatus());
      Thread.sleep(10);  // a steady transaction rate, so blocks are cut while the leader changes
    }
    List<HearsayPeer> survivors = peers.stream().filter(p -> p != leader).toList();
    awaitTip(survivors, settledOrdererTip(), Duration.ofSeconds(60));
    assertEquals(1, survivors.stream().filter(p -> p.channels().toCompletableFuture().join().get(0).leader()).count(),
        "one survivor leads");
  }

  @Test
  void badTransactionsAreRefusedWithAReasonAndTheStreamContinues() throws Exception {
    List<HearsayPeer> peers = startPeers(2);
    OrdererClient client = orderer.client();
    SigningIdentity creator = client();

    Envelope unsigned = tx(creator, "mychannel", 1).toBuilder().clearSignature().build();
    assertEquals(Status.FORBIDDEN, broadcast(client, unsigned).getStatus());

    Envelope other = tx(creator, "mychannel", 2);
    Envelope wronglySigned = tx(creator, "mychannel", 3).toBuilder().setSignature(other.getSignature()).build();
    assertEquals(Status.FORBIDDEN, broadcast(client, wronglySigned).getStatus());

    assertEquals(Status.NOT_FOUND, broadcast(client, tx(creator, "no-such-channel", 4)).getStatus());

    Envelope garbage = Envelope.newBuilder().setPayload(ByteString.copyFromUtf8("not a payload")).build();
    assertEquals(Status.BAD_REQUEST, broadcast(client, garbage).getStatus());

    var ordererOrg = network.material().org("OrdererMSP");
    SigningIdentity notAWriter = network.material().signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
    assertEquals(Status.FORBIDDEN, broadcast(client, tx(notAWriter, "mychannel", 5)).getStatus());

    Map<RejectionReason, Long> refused = orderer.rejections();
    assertEquals(1L, refused.get(RejectionReason.MISSING_SIGNATURE), refused.toString());
    assertEquals(1L, refused.get(RejectionReason.BAD_SIGNATURE), refused.toString());
    assertEquals(1L, refused.get(RejectionReason.NOT_IN_CHANNEL), refused.toString());
    assertEquals(1L, refused.get(RejectionReason.MALFORMED_PAYLOAD), refused.toString());
    assertEquals(1L, refused.get(RejectionReason.UNKNOWN_ORG), refused.toString());

    // Nothing was ordered; a good transaction still makes a block that reaches the peers.
    assertEquals(1, ordererTip().height());
    assertEquals(Status.SUCCESS, broadcast(client, tx(creator, "mychannel", 6)).getStatus());
    awaitViews(peers, Duration.ofSeconds(10), "one block", pv -> ordererTip().height() == 2);
    awaitTip(peers, ordererTip(), Duration.ofSeconds(30));
  }
}
