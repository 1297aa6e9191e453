package io.hearsay.runtime.channels;

import io.hearsay.channels.ChannelStatus;
import static io.hearsay.testkit.TestNetwork.awaitViews;

import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.config.Ordering;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import java.util.HashMap;
import org.junit.jupiter.api.Assertions;

/**
 * Fabric's election over real Artery (timings divided by 10): the scenarios that depend on real
 * message timing. The rest (staggered starts, merging groups, partitions) run on the plain
 * algorithm in ElectionStateTest.
 */
class LeaderElectionTest {

  private TestNetwork network;

  @AfterEach
  void stop() {
    network.close();
  }

  private List<HearsayPeer> startPeers(int count, Map<String, Object> overrides) {
    return network.startOrg(count, overrides);
  }

  static boolean isLeader(HearsayPeer peer, String channel) {
    return peer.channels().toCompletableFuture().join().stream()
        .anyMatch(s -> s.channel().equals(channel) && s.leader());
  }

  /** Waits until {@code expected} is the only leader among {@code peers}. */
  static void awaitOnlyLeader(List<HearsayPeer> peers, HearsayPeer expected, Duration within) {
    try {
      awaitViews(peers, within, "only " + expected.endpoint() + " leads", pv -> isLeader(pv.peer(), "mychannel")
          == (pv.peer() == expected));
    } catch (AssertionError e) {
      StringBuilder why = new StringBuilder(e.getMessage());
      for (HearsayPeer p : peers) {
        why.append("\n  ").append(p.endpoint()).append(" leader=").append(isLeader(p, "mychannel"))
            .append(" rejections=").append(p.rejections()).append(" received=").append(p.receivedMessages());
      }
      throw new AssertionError(why.toString(), e);
    }
  }

  @Test
  void tenPeersStartingTogetherElectTheLowestPkiIdAndAnotherTakesOverWhenItStops() throws Exception {
    network = new TestNetwork(1, 10);
    List<HearsayPeer> peers = startPeers(10, TestConfigs.ELECTION_FAST);
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    peers.forEach(p -> p.joinChannel(genesis));
    List<HearsayPeer> byPkiId = peers.stream().sorted(Comparator.comparing(HearsayPeer::pkiId)).toList();

    awaitOnlyLeader(peers, byPkiId.get(0), Duration.ofSeconds(30));

    network.stop(byPkiId.get(0));
    List<HearsayPeer> survivors = byPkiId.subList(1, byPkiId.size());
    // Followers' timeouts are not synchronised, so the first to propose may win and then keep its
    // leadership as an incumbent (Fabric's rule): any one survivor, but only one.
    awaitViews(survivors, Duration.ofSeconds(30), "exactly one survivor leads",
        pv -> survivors.stream().filter(p -> isLeader(p, "mychannel")).count() == 1);
  }

  @Test
  void withSuccessionTheNextLowestLeadsAndDeliversWithoutItsLeaseWhenTheLeaderStops() throws Exception {
    network = new TestNetwork(1, 4);
    Map<String, Object> overrides = new HashMap<>(TestConfigs.ELECTION_FAST);
    overrides.put("hearsay.channels.leader-watch", "last-declaration");
    overrides.put("hearsay.channels.succession", true);
    // A lease no test waits out: a successor delivers at once, an elected leader would not.
    overrides.put("hearsay.channels.delivery-lease", "1h");
    List<HearsayPeer> peers = startPeers(4, overrides);
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    peers.forEach(p -> p.joinChannel(genesis));
    List<HearsayPeer> byPkiId = peers.stream().sorted(Comparator.comparing(HearsayPeer::pkiId)).toList();
    awaitOnlyLeader(peers, byPkiId.get(0), Duration.ofSeconds(30));
    Assertions.assertFalse(delivering(byPkiId.get(0)), "elected at start-up, the leader waits its lease");

    network.stop(byPkiId.get(0));
    List<HearsayPeer> survivors = byPkiId.subList(1, byPkiId.size());
    awaitOnlyLeader(survivors, byPkiId.get(1), Duration.ofSeconds(30));
    awaitViews(survivors, Duration.ofSeconds(30), "the successor delivers, its lease not waited",
        pv -> delivering(pv.peer()) == (pv.peer() == byPkiId.get(1)));
  }

  @Test
  void anElectedLeaderDeliversOnlyOnceItHasLedForTheDeliveryLease() throws Exception {
    network = new TestNetwork(1, 3);
    Map<String, Object> overrides = new HashMap<>(TestConfigs.ELECTION_FAST);
    overrides.put("hearsay.channels.delivery-lease", "5s");
    List<HearsayPeer> peers = startPeers(3, overrides);
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of());
    peers.forEach(p -> p.joinChannel(genesis));
    HearsayPeer lowest = peers.stream().min(Comparator.comparing(HearsayPeer::pkiId)).orElseThrow();
    awaitOnlyLeader(peers, lowest, Duration.ofSeconds(30));
    // Leadership is seen within a poll of being won, well inside the 5 s lease.
    Assertions.assertFalse(delivering(lowest), "a new leader does not deliver during its lease");
    awaitViews(peers, Duration.ofSeconds(30), "the leader delivers once its lease ran out",
        pv -> delivering(pv.peer()) == (pv.peer() == lowest));
    for (HearsayPeer follower : peers) {
      if (follower != lowest) {
        Assertions.assertFalse(delivering(follower), "a follower never delivers");
      }
    }
  }

  static boolean delivering(HearsayPeer peer) {
    return peer.channels().toCompletableFuture().join().stream().anyMatch(ChannelStatus::delivering);
  }

  @Test
  void aLeaderThatCannotReachTheOrdererYieldsToAnotherPeer() throws Exception {
    network = new TestNetwork(1, 3);
    Map<String, Object> overrides = new HashMap<>(TestConfigs.ELECTION_FAST);
    overrides.put("peer.deliveryclient.reconnectTotalTimeThreshold", "1s");
    List<HearsayPeer> peers = startPeers(3, overrides);
    // An orderer address where nothing listens.
    Block genesis = GenesisBlocks.create("mychannel", network.material(), Map.of(),
        new Ordering(List.of("127.0.0.1:" + TestNetwork.freePort()), 10, Duration.ofSeconds(2)));
    peers.forEach(p -> p.joinChannel(genesis));
    List<HearsayPeer> byPkiId = peers.stream().sorted(Comparator.comparing(HearsayPeer::pkiId)).toList();
    awaitOnlyLeader(peers, byPkiId.get(0), Duration.ofSeconds(30));

    // The first leader yields (and abstains for 6 x leaderAliveThreshold): the next lowest leads.
    awaitOnlyLeader(peers, byPkiId.get(1), Duration.ofSeconds(30));
    List<ChannelStatus> status = byPkiId.get(0).channels().toCompletableFuture().join();
    Assertions.assertFalse(status.get(0).leader());
  }
}
