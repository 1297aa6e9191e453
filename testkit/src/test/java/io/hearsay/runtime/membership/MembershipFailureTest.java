package io.hearsay.runtime.membership;

import static io.hearsay.testkit.TestNetwork.awaitViews;

import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.comm.LinkFaults;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Crashes, restarts, a lost bridge and a partition, with intervals scaled down 25 times. */
class MembershipFailureTest {

  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private final TestNetwork network = new TestNetwork(1, 13);

  @AfterEach
  void stop() {
    network.close();
  }

  private List<HearsayPeer> startOneOrg(int count) {
    List<HearsayPeer> peers = new ArrayList<>();
    HearsayPeer bootstrap = network.start(1, 0, List.of());
    peers.add(bootstrap);
    for (int i = 1; i < count; i++) {
      peers.add(network.start(1, i, List.of(bootstrap.endpoint())));
    }
    awaitViews(peers, CONVERGE, "full view", pv -> pv.seesAlive(peers));
    return peers;
  }

  @Test
  void stoppedPeersAreMarkedDeadAndARestartedOneIsAliveAgainEverywhere() {
    List<HearsayPeer> peers = startOneOrg(8);
    HearsayPeer stopped1 = peers.get(6);
    HearsayPeer stopped2 = peers.get(7);
    List<HearsayPeer> survivors = peers.subList(0, 6);

    network.stop(stopped1);
    network.stop(stopped2);
    awaitViews(survivors, Duration.ofSeconds(10), "both stopped peers dead",
        pv -> pv.seesDead(List.of(stopped1, stopped2)) && pv.seesAlive(survivors));

    // Same identity, new incarnation number, new port. A restart at the same host:port right after
    // a graceful stop was occasionally left unreachable by the others' Artery associations in the
    // scenario benchmark (about 1 restart in 40); that is under investigation, see the issue note.
    HearsayPeer restarted = network.start(1, 6, List.of(peers.get(0).endpoint()));
    List<HearsayPeer> withRestarted = new ArrayList<>(survivors);
    withRestarted.add(restarted);
    awaitViews(withRestarted, CONVERGE, "restarted peer alive everywhere, stopped one still dead",
        pv -> pv.seesAlive(withRestarted) && (pv.peer() == restarted || pv.seesDead(List.of(stopped2))));
  }

  @Test
  void groupsJoinedOnlyThroughABridgeStillKnowEachOtherAfterTheBridgeStops() {
    HearsayPeer bridge = network.start(1, 0, List.of());
    List<HearsayPeer> others = new ArrayList<>();
    for (int group = 0; group < 3; group++) {
      HearsayPeer first = network.start(1, 1 + group * 4, List.of(bridge.endpoint()));
      others.add(first);
      for (int i = 1; i < 4; i++) {
        others.add(network.start(1, 1 + group * 4 + i, List.of(first.endpoint())));
      }
    }
    List<HearsayPeer> all = new ArrayList<>(others);
    all.add(bridge);
    awaitViews(all, CONVERGE, "full view through the bridge", pv -> pv.seesAlive(all));

    network.stop(bridge);

    awaitViews(others, CONVERGE, "the bridge is dead and the 12 others still alive to each other",
        pv -> pv.seesDead(List.of(bridge)) && pv.seesAlive(others));
  }

  @Test
  void partitionedHalvesSeeEachOtherDeadAndRejoinAfterHealing() {
    List<HearsayPeer> peers = startOneOrg(8);
    List<HearsayPeer> left = peers.subList(0, 4);
    List<HearsayPeer> right = peers.subList(4, 8);
    Set<Endpoint> leftEndpoints = left.stream().map(HearsayPeer::endpoint).collect(Collectors.toSet());
    Set<Endpoint> rightEndpoints = right.stream().map(HearsayPeer::endpoint).collect(Collectors.toSet());

    left.forEach(p -> p.setFaults(LinkFaults.none().partitionFrom(rightEndpoints)));
    right.forEach(p -> p.setFaults(LinkFaults.none().partitionFrom(leftEndpoints)));
    awaitViews(left, Duration.ofSeconds(15), "left sees right dead", pv -> pv.seesDead(right) && pv.seesAlive(left));
    awaitViews(right, Duration.ofSeconds(15), "right sees left dead", pv -> pv.seesDead(left) && pv.seesAlive(right));

    peers.forEach(p -> p.setFaults(LinkFaults.none()));
    awaitViews(peers, CONVERGE, "full view after healing", pv -> pv.seesAlive(peers));
  }
}
