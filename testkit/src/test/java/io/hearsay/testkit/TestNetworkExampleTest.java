package io.hearsay.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hearsay.runtime.HearsayPeer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's example: what a Pekko application's own test of a Hearsay network looks like. */
class TestNetworkExampleTest {

  @Test
  void fivePeersOfTwoOrgsAgreeOnTheirChannelAndKeepAgreeingWithALinkCutAndAPeerStopped() {
    try (TestNetwork network = new TestNetwork(2, 3)) {
      List<HearsayPeer> peers = network.startChannel("mychannel", 3, 2);   // Org1: 3 peers, Org2: 2
      TestNetwork.awaitViews(peers, Duration.ofSeconds(30), "every peer sees the other four",
          view -> view.seesAlive(peers));

      network.order("mychannel", 10);                                       // each org's leader gets them
      TestNetwork.awaitHeight(peers, "mychannel", 11, Duration.ofSeconds(30));

      network.cut(peers.get(0), peers.get(1));                              // Org1's leader and its neighbour
      network.stop(peers.get(4));                                           // one peer of Org2 goes away
      List<HearsayPeer> running = peers.subList(0, 4);
      network.order("mychannel", 5);
      TestNetwork.awaitHeight(running, "mychannel", 16, Duration.ofSeconds(30));
      assertEquals(16, peers.get(1).channelHeight("mychannel").toCompletableFuture().join().height(),
          "the cut-off peer caught up through the third peer of its org");
    }
  }
}
