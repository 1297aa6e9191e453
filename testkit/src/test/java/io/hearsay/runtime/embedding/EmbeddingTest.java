package io.hearsay.runtime.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.Peer;
import io.hearsay.runtime.membership.MembershipView;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A plain Pekko application embeds two peers and follows their membership from its own actors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingTest {

  private final TestNetwork network = new TestNetwork(1, 2);
  private final ActorTestKit application = ActorTestKit.create("application");

  @AfterAll
  void stop() {
    network.close();
    application.shutdownTestKit();
  }

  @Test
  void applicationStartsPeersFromConfigAndReadsTheirMembership() throws Exception {
    Config first = network.config(1, 0, List.of(), Map.of());
    HearsayPeer a = HearsayPeer.start(first, "embedded config", Map.of());
    HearsayPeer b = HearsayPeer.start(network.config(1, 1, List.of(a.endpoint()), Map.of()), "embedded config", Map.of());
    try {
      TestProbe<MembershipView> views = application.createTestProbe();
      a.ref().tell(new Peer.SubscribeMembership(views.getRef()));
      views.fishForMessage(Duration.ofSeconds(20), view ->
          view.alivePkiIds().contains(b.pkiId())
              ? FishingOutcomes.complete()
              : FishingOutcomes.continueAndIgnore());

      MembershipView asked = a.membership().toCompletableFuture().get();
      assertEquals(b.endpoint(), asked.member(b.pkiId()).orElseThrow().internalEndpoint().orElseThrow());
    } finally {
      a.close();
      b.close();
    }
  }
}
