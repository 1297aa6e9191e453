package io.hearsay.bench.dissemination;

import com.typesafe.config.ConfigFactory;
import io.hearsay.bench.report.LineChart;
import io.hearsay.bench.report.Options;
import io.hearsay.bench.report.Percentile;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.config.ChannelSettingsReader;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.sim.DisseminationRun;
import io.hearsay.testkit.sim.LinkModel;
import io.hearsay.testkit.sim.OrdererEgress;
import io.hearsay.testkit.sim.SimulatedNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Hearsay against what a Fabric v3 operator runs instead: {@code deliver-all}, every peer
 * delivering from the orderer with no block gossip, against {@code hearsay}, the org's leader
 * delivering and Plumtree spreading, on the simulated network with the real channel actors, for
 * each peer count and block size, in one JVM with one seed. The orderer's uplink is capped
 * ({@code --egress}, 100 Mbit/s) and shared by its deliver streams, like every peer's uplink.
 * Blocks are cut at a rate the deliver-all orderer can keep up with (half its egress, at most 2
 * per second), so deliver-all's times are its serialization, not a growing queue; the first
 * {@code --warmup} blocks, and at least 20 s of them, are not measured. Reported per
 * run: all-peer delivery p50/p99 from the cut, orderer egress bytes per block and gossip bytes per
 * block; per block size, the smallest peer count at which Hearsay's p99 is the lower. Writes
 * crossover.{md,json,svg}.
 *
 * <p>Usage: {@code [--peers 10,30,100] [--sizes 10240,102400,1048576] [--blocks 10] [--warmup 5]
 * [--egress 12500000] [--seed 2026] [--out bench/results]}.
 */
public final class CrossoverReport {

  record Run(String profile, int peers, int blockBytes, double rate, double p50, double p99, double ordererBytesPerBlock,
      double gossipBytesPerBlock) {}

  private CrossoverReport() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.of("--peers", "10,30,100", "--sizes",
        "10240,102400,1048576", "--blocks", "10", "--warmup", "5", "--egress", "12500000", "--seed", "2026",
        "--out", "bench/results"));
    int blocks = Integer.parseInt(options.get("--blocks"));
    int warmup = Integer.parseInt(options.get("--warmup"));
    long egress = Long.parseLong(options.get("--egress"));
    long seed = Long.parseLong(options.get("--seed"));
    List<Run> runs = new ArrayList<>();
    for (String sizeText : options.get("--sizes").split(",")) {
      for (String peersText : options.get("--peers").split(",")) {
        int size = Integer.parseInt(sizeText);
        int peers = Integer.parseInt(peersText);
        double rate = Math.min(2, 0.5 * egress / ((double) peers * size));
        // At least 20 s of warm-up blocks: membership proofs (StateInfo every 4 s) and the push tree settle.
        int warm = Math.max(warmup, (int) Math.ceil(20 * rate));
        for (String profile : List.of("deliver-all", "hearsay")) {
          runs.add(run(profile, peers, size, rate, blocks, warm, egress, seed));
        }
      }
    }
    write(Path.of(options.get("--out")), runs, egress, blocks, warmup, seed);
  }

  private static Run run(String profile, int peers, int size, double rate, int blocks, int warmup, long egress,
      long seed) throws Exception {
    ChannelSettings settings = ChannelSettingsReader.read(TestConfigs.profile(profile).withFallback(ConfigFactory.load()),
        "--profile " + profile);
    System.err.printf(Locale.ROOT, "%s, %d peers, %d KB blocks, %.3f blocks/s%n", profile, peers, size / 1024, rate);
    LinkModel.Links links = LinkModel.Links.lan();
    try (SimulatedNetwork network = SimulatedNetwork.start(new SimulatedNetwork.Settings(peers, links, seed, settings,
        SimulatedNetwork.scratchDir("crossover"), TestConfigs.profile(profile)))) {
      DisseminationRun.Delivery delivery = profile.equals("deliver-all") ? DisseminationRun.Delivery.EVERY_PEER
          : DisseminationRun.Delivery.LEADER;
      DisseminationRun.Result result = new DisseminationRun(network, 0, delivery,
          Optional.of(new OrdererEgress(egress, links, seed))).run(warmup, blocks, 10, size / 10, rate,
          Duration.ofSeconds(120));
      double[] allPeers = result.blocks().stream().mapToDouble(DisseminationRun.BlockResult::allPeersMs).sorted().toArray();
      int measured = result.blocks().size();
      Run run = new Run(profile, peers, size, rate, Percentile.ofSorted(allPeers, 0.5), Percentile.ofSorted(allPeers, 0.99),
          result.ordererBytes() / (double) measured, result.bytesSent() / (double) measured);
      System.err.printf(Locale.ROOT, "  p50 %.0f ms, p99 %.0f ms, orderer %.0f KB/block, gossip %.0f KB/block%n",
          run.p50(), run.p99(), run.ordererBytesPerBlock() / 1024, run.gossipBytesPerBlock() / 1024);
      return run;
    }
  }

  private static void write(Path out, List<Run> runs, long egress, int blocks, int warmup, long seed) throws Exception {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Hearsay against deliver-all (Fabric v3's default)

        `deliver-all`: every peer delivers from the orderer, no block gossip. `hearsay`: the org's
        leader delivers, Plumtree spreads. Simulated network, real channel actors, links of 10 ms +
        up to 10 ms jitter at 100 Mbit/s per uplink, the orderer's uplink capped at %.0f Mbit/s and
        shared by its deliver streams. %d blocks measured after at least %d (and 20 s) of warm-up, 10 transactions each, cut at
        half the rate the deliver-all orderer could sustain (at most 2/s). Times from the cut to the
        last peer holding the block. Seed %d.

        | block | peers | profile | blocks/s | all-peer p50 | p99 | orderer egress per block | gossip per block |
        | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |
        """, egress * 8 / 1e6, blocks, warmup, seed));
    for (Run r : runs) {
      md.append(String.format(Locale.ROOT, "| %d KB | %d | %s | %.3f | %.0f ms | %.0f ms | %.0f KB | %.0f KB |%n",
          r.blockBytes() / 1024, r.peers(), r.profile(), r.rate(), r.p50(), r.p99(), r.ordererBytesPerBlock() / 1024,
          r.gossipBytesPerBlock() / 1024));
    }
    md.append("\n| block | peers | hearsay p99 / deliver-all p99 | orderer egress hearsay / deliver-all |\n"
        + "| ---: | ---: | ---: | ---: |\n");
    Map<String, Object> crossovers = new LinkedHashMap<>();
    List<LineChart.Series> series = new ArrayList<>();
    for (int size : runs.stream().mapToInt(Run::blockBytes).distinct().toArray()) {
      Integer crossover = null;
      List<double[]> hearsayPoints = new ArrayList<>();
      List<double[]> deliverPoints = new ArrayList<>();
      for (Run d : runs) {
        if (d.blockBytes() != size || !d.profile().equals("deliver-all")) {
          continue;
        }
        Run h = runs.stream().filter(r -> r.blockBytes() == size && r.peers() == d.peers() && r.profile().equals("hearsay"))
            .findFirst().orElseThrow();
        md.append(String.format(Locale.ROOT, "| %d KB | %d | %.3f | %.3f |%n", size / 1024, d.peers(), h.p99() / d.p99(),
            h.ordererBytesPerBlock() / d.ordererBytesPerBlock()));
        if (crossover == null && h.p99() < d.p99()) {
          crossover = d.peers();
        }
        hearsayPoints.add(new double[] {d.peers(), h.p99()});
        deliverPoints.add(new double[] {d.peers(), d.p99()});
      }
      crossovers.put(size / 1024 + " KB", crossover);
      series.add(new LineChart.Series("hearsay, " + size / 1024 + " KB", hearsayPoints));
      series.add(new LineChart.Series("deliver-all, " + size / 1024 + " KB", deliverPoints));
    }
    md.append("\nWhere Hearsay's p99 is first the lower, per block size (smallest peer count measured): ")
        .append(crossovers).append('\n');
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("ordererEgressBytesPerSecond", egress);
    document.put("blocks", blocks);
    document.put("warmup", warmup);
    document.put("seed", seed);
    document.put("runs", runs);
    document.put("crossoverPeersByBlockSize", crossovers);
    Files.createDirectories(out);
    Files.writeString(out.resolve("crossover.md"), md);
    Files.writeString(out.resolve("crossover.json"), Json.write(document) + "\n");
    Files.writeString(out.resolve("crossover.svg"), LineChart.svg("All-peer p99 against peers: hearsay and deliver-all",
        "peers", "p99 ms from the cut to the last peer", series));
    System.out.print(md);
    System.err.println(Arrays.toString(new Object[] {"written", out.resolve("crossover.md")}));
  }
}
