package io.hearsay.runtime.comm;

import static io.hearsay.testkit.TestNetwork.awaitViews;

import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.List;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Artery drops frames silently when an outbound queue (3072 messages) is full; Hearsay counts
 * every such drop per message type, so a burst that overflows is seen in the metrics.
 */
class SendQueueOverflowTest {

  private final TestNetwork network = new TestNetwork(1, 1);

  @AfterEach
  void stop() {
    network.close();
  }

  @Test
  void framesArteryDropsForAFullSendQueueAreCounted() {
    HearsayPeer peer = network.start(1, 0, List.of());
    Endpoint nobody = new Endpoint("127.0.0.1", TestNetwork.freePort());
    Envelope hello = new EnvelopeSigner(peer.identity()).sign(GossipMessages.hello("mychannel", 1)).envelope();
    for (int i = 0; i < 5000; i++) {
      peer.sendEnvelope(nobody, hello);
    }
    awaitViews(List.of(peer), Duration.ofSeconds(30), "drops counted",
        pv -> peer.droppedMessages().getOrDefault("HELLO@mychannel", 0L) > 0);
  }
}
