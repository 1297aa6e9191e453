package io.hearsay.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hearsay.runtime.membership.MembershipView;
import io.hearsay.testkit.Eventually;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The real membership actors over simulated links: a network converges, a join spreads, a crash is detected. */
class SimulatedMembershipTest {

  private static final int PEERS = 30;

  @Test
  void peersConvergeAJoinSpreadsAndACrashedPeerIsDeclaredDeadUnderTenPercentLoss() throws Exception {
    var gossip = ConfigFactory.parseMap(Map.of(
        "peer.gossip.aliveTimeInterval", "300ms",
        "peer.gossip.aliveExpirationTimeout", "20s",
        "peer.gossip.pullInterval", "500ms",
        "hearsay.membership.failure-detector", "accrual",
        "hearsay.membership.accrual.acceptable-heartbeat-pause", "600ms"));
    try (SimulatedMembership network = new SimulatedMembership(PEERS, LinkModel.Links.lan().withLoss(0.1), 7, gossip,
        SimulatedNetwork.scratchDir("membership-test"))) {
      IntStream.range(0, PEERS - 1).forEach(network::start);
      await(network, PEERS - 1, view -> view.alive().size() == PEERS - 2, "the first peers converge");

      network.start(PEERS - 1);
      var joined = network.pkiId(PEERS - 1);
      await(network, PEERS, view -> view.alive().size() == PEERS - 1, "the joiner is known everywhere, and knows everyone");

      network.crash(5);
      var crashed = network.pkiId(5);
      long start = System.nanoTime();
      await(network, PEERS, view -> view.deadPkiIds().contains(crashed),
          "the crashed peer is dead everywhere");
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds < 15, "the accrual detector took " + seconds + " s, the fixed expiry is 20 s");
      for (int i = 0; i < PEERS; i++) {
        if (i != 5) {
          MembershipView view = network.view(i).toCompletableFuture().join();
          assertTrue(view.alivePkiIds().contains(joined) || i == PEERS - 1, "no live peer was declared dead");
          assertTrue(view.dead().size() == 1, "peer " + i + " holds only the crashed peer dead: " + view.deadPkiIds());
        }
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"push", "push-pull"})
  void peersConvergeAndAJoinSpreadsWithEveryAntiEntropyExchange(String exchange) throws Exception {
    int peers = 16;
    var gossip = ConfigFactory.parseMap(Map.of(
        // Alive messages go out every 30 s, to one peer: within the test only the anti-entropy
        // rounds spread what a peer learned, so a mode that exchanged nothing would not converge.
        "peer.gossip.aliveTimeInterval", "30s",
        "peer.gossip.aliveExpirationTimeout", "150s",
        "peer.gossip.propagatePeerNum", 1,
        "peer.gossip.pullInterval", "500ms",
        "hearsay.membership.anti-entropy", exchange));
    try (SimulatedMembership network = new SimulatedMembership(peers, LinkModel.Links.lan(), 11, gossip,
        SimulatedNetwork.scratchDir("membership-test"))) {
      IntStream.range(0, peers - 1).forEach(network::start);
      await(network, peers - 1, view -> view.alive().size() == peers - 2, exchange + ": the first peers converge");
      network.start(peers - 1);
      await(network, peers, view -> view.alive().size() == peers - 1, exchange + ": the joiner is known everywhere");
      assertTrue(network.traffic().rejections().isEmpty(), network.traffic().rejections().toString());
    }
  }

  private static void await(SimulatedMembership network, int started, Predicate<MembershipView> condition,
      String what) {
    Eventually.await(Duration.ofSeconds(60), what, () -> IntStream.range(0, started).filter(network::isRunning)
        .allMatch(i -> condition.test(network.view(i).toCompletableFuture().join())));
  }
}
