package io.hearsay.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.runtime.config.ChannelSettingsReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The real channel actors over simulated links: both dissemination profiles bring every peer to
 * the source's chain, Plumtree with one payload copy per peer per block once its tree formed, and
 * it repairs the tree around lost messages, a crashed peer and a healed partition.
 */
class SimulatedNetworkTest {

  private static final int PEERS = 16;

  /** StateInfo every 300 ms; pull and state transfer on Fabric's intervals, or short ones. */
  private static ChannelSettings settings(String dissemination, boolean shortRepairIntervals) throws Exception {
    Map<String, Object> overrides = new HashMap<>(Map.of(
        "peer.gossip.publishStateInfoInterval", "300ms",
        "peer.gossip.requestStateInfoInterval", "300ms",
        "hearsay.channels.dissemination", dissemination));
    if (shortRepairIntervals) {
      overrides.putAll(Map.of("peer.gossip.pullInterval", "1s", "peer.gossip.digestWaitTime", "200ms",
          "peer.gossip.requestWaitTime", "300ms", "peer.gossip.responseWaitTime", "500ms",
          "peer.gossip.state.checkInterval", "1s"));
    }
    return ChannelSettingsReader.read(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()), "test");
  }

  private SimulatedNetwork network(String dissemination, double loss, boolean shortRepairIntervals) throws Exception {
    return SimulatedNetwork.start(new SimulatedNetwork.Settings(PEERS, LinkModel.Links.lan().withLoss(loss), 42,
        settings(dissemination, shortRepairIntervals), SimulatedNetwork.scratchDir("sim-test")));
  }

  @Test
  void fabricPushBringsEveryPeerToTheSourceChain() throws Exception {
    try (SimulatedNetwork network = network("push", 0, true)) {
      DisseminationRun run = new DisseminationRun(network, 0);
      DisseminationRun.Result result = run.run(5, 15, 2, 256, 10, Duration.ofSeconds(60));
      assertTrue(run.allCommitted(20), "every peer holds blocks 1..20");
      assertTrue(result.blocks().stream().allMatch(b -> Double.isFinite(b.allPeersMs())));
    }
  }

  @Test
  void stateInfoSpreadAsRumorsStillProvesMembershipEverywhere() throws Exception {
    ChannelSettings rumors = ChannelSettingsReader.read(ConfigFactory.parseMap(Map.of(
        "peer.gossip.publishStateInfoInterval", "300ms", "peer.gossip.requestStateInfoInterval", "300ms",
        "hearsay.channels.state-info.dissemination", "rumor")).withFallback(ConfigFactory.load()), "test");
    try (SimulatedNetwork network = SimulatedNetwork.start(new SimulatedNetwork.Settings(PEERS, LinkModel.Links.lan(), 42,
        rumors, SimulatedNetwork.scratchDir("sim-test")))) {
      DisseminationRun run = new DisseminationRun(network, 0);
      DisseminationRun.Result result = run.run(10, 10, 2, 256, 5, Duration.ofSeconds(60));
      assertTrue(run.allCommitted(20), "every peer holds blocks 1..20");
      assertTrue(network.traffic().rejections().getOrDefault(RejectionReason.NOT_IN_CHANNEL, 0L) < 50,
          "blocks come from peers already proven members: " + network.traffic().rejections());
      assertTrue(result.blocks().stream().allMatch(b -> Double.isFinite(b.allPeersMs())));
    }
  }

  @Test
  void plumtreeDeliversOneCopyPerPeerOnceItsTreeFormed() throws Exception {
    try (SimulatedNetwork network = network("plumtree", 0, false)) {
      DisseminationRun run = new DisseminationRun(network, 0);
      DisseminationRun.Result result = run.run(20, 20, 2, 256, 5, Duration.ofSeconds(60));
      assertTrue(run.allCommitted(40), "every peer holds blocks 1..40");
      double copies = result.blocks().stream().mapToInt(DisseminationRun.BlockResult::copies).sum()
          / (double) (result.blocks().size() * result.receivers());
      assertTrue(copies < 1.3, "payload copies per peer per block: " + copies + " " + result.copiesByWay() + " " + network.traffic().rejections());
      int byPush = result.blocks().stream().mapToInt(DisseminationRun.BlockResult::firstByPush).sum();
      assertEquals(result.blocks().size() * result.receivers(), byPush, "every peer got every block by push");
    }
  }

  @Test
  void plumtreeRepairsItsTreeAroundLossACrashAndAPartition() throws Exception {
    try (SimulatedNetwork network = network("plumtree", 0.05, true)) {
      DisseminationRun run = new DisseminationRun(network, 0);
      run.run(10, 10, 2, 256, 10, Duration.ofSeconds(60));
      assertTrue(run.allCommitted(20), "5% loss: every peer holds blocks 1..20");

      network.crash(3);
      run.exclude(3);
      run.run(0, 10, 2, 256, 10, Duration.ofSeconds(60));
      assertTrue(run.allCommitted(30), "peer 3 crashed: the others hold blocks 1..30");

      Set<Integer> cutOff = Set.of(12, 13, 14, 15);
      network.partition(cutOff);
      cutOff.forEach(run::exclude);
      run.run(0, 5, 2, 256, 10, Duration.ofSeconds(30));
      assertTrue(run.allCommitted(35));
      assertTrue(cutOff.stream().allMatch(p -> run.committed(p) < 35), "the cut-off side cannot have block 35");
      network.heal();
      IntStream.of(12, 13, 14, 15).forEach(run::include);
      run.run(0, 5, 2, 256, 10, Duration.ofSeconds(60));
      assertTrue(run.allCommitted(40), "after healing every live peer holds blocks 1..40");
    }
  }
}
