package io.hearsay.runtime.membership;

import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MembershipConvergenceTest {

  private final TestNetwork network = new TestNetwork(1, 10);

  @AfterEach
  void stop() {
    network.close();
  }

  @Test
  void tenPeersWithOneBootstrapConvergeToAFullView() {
    List<HearsayPeer> peers = new ArrayList<>();
    HearsayPeer bootstrap = network.start(1, 0, List.of());
    peers.add(bootstrap);
    for (int i = 1; i < 10; i++) {
      peers.add(network.start(1, i, List.of(bootstrap.endpoint())));
    }
    TestNetwork.awaitViews(peers, Duration.ofSeconds(20), "every peer sees the 9 others alive",
        pv -> pv.seesAlive(peers) && pv.view().alive().size() == 9);
  }
}
