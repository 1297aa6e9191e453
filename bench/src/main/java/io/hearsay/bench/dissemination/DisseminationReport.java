package io.hearsay.bench.dissemination;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.bench.report.BusyCore;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.LineChart;
import io.hearsay.bench.report.MachineSpeed;
import io.hearsay.bench.report.Options;
import io.hearsay.bench.report.Percentile;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.config.ChannelSettingsReader;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.sim.DisseminationRun;
import io.hearsay.testkit.sim.LinkModel;
import io.hearsay.testkit.sim.SimulatedNetwork;
import io.hearsay.testkit.sim.Slowdown;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Block dissemination, {@code fabric} profile (Fabric's infect-and-die push, fanout 3) against
 * {@code hearsay} (Plumtree), over the simulated network, every profile and loss rate in the
 * same JVM with the same seed. Both run Fabric's default intervals otherwise (pull every 4 s,
 * StateInfo every 4 s, state transfer every 10 s). Per profile: all-peer delivery time per block
 * (p50/p99/max, from the source holding it to the last peer holding it), payload copies received
 * per peer per block, bytes sent per block (every message of every kind), and the fraction of
 * (peer, block) pairs whose first copy did not come by push. Writes dissemination.{json,md} and
 * dissemination-cdf.svg.
 *
 * <p>Usage: {@code DisseminationReport [--peers 100] [--blocks 60] [--warmup 60] [--loss 0,0.01]
 * [--profile fabric,hearsay] [--rate 2] [--seed 2026] [--out bench/results] [--json] [--slowdown 1]
 * [--set "key = value, key = value"] [--name dissemination-...] [--busy 0]}: {@code --set} overrides
 * keys of every profile run (HOCON), {@code --name} the results' file name, {@code --busy} keeps that
 * fraction of one core busy through the runs (a slower or shared machine). Every report states the
 * machine's speed (one raw verify, timed before and after the runs), the JVM's heap and collector
 * options, and the collector's time: a run of 1000 peers on two cores turns on how much CPU the
 * machine has, and every peer stops while the one JVM they share collects.
 */
public final class DisseminationReport {

  /** One profile at one loss rate. */
  record Row(String profile, double loss, double p50, double p99, double max, double copies, double bytesPerBlock,
      double notByPush, double[] sortedAllPeersMs, Map<String, Long> copiesByWay, double minimumBytesPerBlock,
      Map<String, Long> bytesPerBlockByType, double[] allPeersMsInBlockOrder, int[] notByPushInBlockOrder) {}

  private DisseminationReport() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.ofEntries(Map.entry("--peers", "100"),
        Map.entry("--blocks", "60"), Map.entry("--warmup", "60"), Map.entry("--loss", "0,0.01"),
        Map.entry("--profile", "fabric,hearsay"), Map.entry("--rate", "2"), Map.entry("--seed", "2026"),
        Map.entry("--out", "bench/results"), Map.entry("--slowdown", "1"), Map.entry("--set", ""), Map.entry("--busy", "0")));
    boolean json = options.containsKey("--json");
    int peers = Integer.parseInt(options.get("--peers"));
    int blocks = Integer.parseInt(options.get("--blocks"));
    int warmup = Integer.parseInt(options.get("--warmup"));
    double rate = Double.parseDouble(options.get("--rate"));
    long seed = Long.parseLong(options.get("--seed"));
    Path out = Path.of(options.get("--out"));
    int slowdown = Integer.parseInt(options.get("--slowdown"));
    Config overrides = ConfigFactory.parseString(options.get("--set"));
    double busy = Double.parseDouble(options.get("--busy"));
    double verifyMicrosBefore = MachineSpeed.verifyMicros();
    List<Row> rows = new ArrayList<>();
    long gcMillisBefore = gcMillis();
    try (BusyCore core = new BusyCore(busy)) {
      for (String lossText : options.get("--loss").split(",")) {
        double loss = Double.parseDouble(lossText);
        for (String profile : options.get("--profile").split(",")) {
          rows.add(run(profile, overrides, peers, blocks, warmup, rate, loss, seed, slowdown));
        }
      }
    }
    // Every simulated peer stops while this JVM's collector does: its pauses are the harness's, not the peers'.
    long gcMillis = gcMillis() - gcMillisBefore;
    // Again after: a shared machine's speed moves during a run of minutes.
    double[] verifyMicros = {verifyMicrosBefore, MachineSpeed.verifyMicros()};
    String jsonText = json(rows, peers, blocks, warmup, rate, seed, slowdown, verifyMicros, busy, gcMillis);
    String md = markdown(rows, peers, blocks, warmup, rate, seed, slowdown)
        + String.format(Locale.ROOT, "%nThis machine: %d cores, one raw ECDSA P-256 verify of 1 KiB %.1f µs before the runs and %.1f µs after.%s%n",
            Runtime.getRuntime().availableProcessors(), verifyMicros[0], verifyMicros[1], busy == 0 ? "" : String.format(Locale.ROOT,
                " A thread kept %.0f%% of one core busy through the runs (`--busy %s`).", busy * 100, options.get("--busy")))
        + String.format(Locale.ROOT, "%nThe collector of the one JVM all peers share took %.1f s over the runs, every peer"
            + " stopped meanwhile (JVM options: `%s`).%n", gcMillis / 1000.0, String.join(" ", jvmOptions()))
        + (overrides.isEmpty() ? "" : String.format(Locale.ROOT, "%nWith `--set %s`.%n", options.get("--set")));
    String name = options.getOrDefault("--name", "dissemination" + (peers == 100 ? "" : "-" + peers));
    Files.createDirectories(out);
    Files.writeString(out.resolve(name + ".json"), jsonText);
    Files.writeString(out.resolve(name + ".md"), md);
    List<LineChart.Series> series = new ArrayList<>();
    for (Row row : rows) {
      series.add(LineChart.Series.cdf(String.format(Locale.ROOT, "%s, %.0f%% loss", row.profile(), row.loss() * 100),
          row.sortedAllPeersMs()));
    }
    Files.writeString(out.resolve(name + "-cdf.svg"), LineChart.svg(
        "All-peer delivery time per block, " + peers + " peers (CDF)", "ms from the source to the last peer", "fraction of blocks",
        series));
    System.out.print(json ? jsonText : md);
  }

  private static Row run(String profile, Config overrides, int peers, int blocks, int warmup, double rate, double loss,
      long seed, int slowdown) throws Exception {
    Config profileConfig = overrides.withFallback(TestConfigs.profile(profile));
    ChannelSettings settings = ChannelSettingsReader.read(Slowdown.apply(
        profileConfig.withFallback(ConfigFactory.load()), slowdown, "peer.gossip", "hearsay.channels"),
        "--profile " + profile);
    System.err.printf("profile %s, %.1f%% loss%n", profile, loss * 100);
    try (SimulatedNetwork network = SimulatedNetwork.start(new SimulatedNetwork.Settings(peers,
        Slowdown.apply(LinkModel.Links.lan().withLoss(loss), slowdown), seed, settings,
        SimulatedNetwork.scratchDir("dissemination"), profileConfig))) {
      DisseminationRun.Result result = new DisseminationRun(network, 0)
          .run(warmup, blocks, 10, 1024, rate / slowdown, Duration.ofSeconds(120L * slowdown));
      List<DisseminationRun.BlockResult> blocksInOrder = result.blocks().stream()
          .sorted(Comparator.comparingLong(DisseminationRun.BlockResult::number)).toList();
      double[] inBlockOrder = blocksInOrder.stream().mapToDouble(b -> b.allPeersMs() / slowdown).toArray();
      double[] allPeers = Arrays.stream(inBlockOrder).sorted().toArray();
      int[] notByPushInBlockOrder = blocksInOrder.stream().mapToInt(b -> result.receivers() - b.firstByPush()).toArray();
      double pairs = (double) result.blocks().size() * result.receivers();
      double copies = result.blocks().stream().mapToInt(DisseminationRun.BlockResult::copies).sum() / pairs;
      double byPush = result.blocks().stream().mapToInt(DisseminationRun.BlockResult::firstByPush).sum() / pairs;
      System.err.printf("  rejections %s%n", network.traffic().rejections());
      network.traffic().rejectionSamples().forEach((reason, details) ->
          details.forEach(detail -> System.err.printf("    e.g. %s: %s%n", reason, detail)));
      Map<String, Long> byType = new LinkedHashMap<>();
      result.bytesByType().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> byType.put(e.getKey(), e.getValue() / result.blocks().size()));
      return new Row(profile, loss, Percentile.ofSorted(allPeers, 0.5), Percentile.ofSorted(allPeers, 0.99), allPeers[allPeers.length - 1],
          copies, result.bytesSent() / (double) result.blocks().size(), 1 - byPush, allPeers, result.copiesByWay(),
          result.minimumBytesPerBlock(), byType, inBlockOrder, notByPushInBlockOrder);
    }
  }

  /** Milliseconds this JVM's collectors have taken so far. */
  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
  }

  /** The heap and collector options this JVM was started with. */
  private static List<String> jvmOptions() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(o -> o.startsWith("-Xm") || o.startsWith("-XX:")).toList();
  }

  private static String markdown(List<Row> rows, int peers, int blocks, int warmup, double rate, long seed,
      int slowdown) {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Block dissemination: fabric against hearsay

        %d peers of one org in one channel on the simulated network (`bench/run dissemination`): the real
        channel actors and ledgers, links of 10 ms + up to 10 ms jitter at 100 Mbit/s, per-link order kept.
        One peer gets %d blocks (10 transactions of 1 KiB each) at %.1f blocks/s; the first %d settle
        membership proofs and the push tree and are not measured. Seed %d. Fabric's default intervals in both
        profiles; `fabric` pushes each block to 3 random peers (infect-and-die), `hearsay` runs Plumtree.
        A time of "inf" means a peer never got the block within the run's 120 s settle time.%s

        Bytes / minimum: every message's bytes per block against one copy of the serialized block to
        each other peer (`minimumBytesPerBlock`).

        | profile | loss | all-peer p50 | p99 | max | copies per peer per block | bytes sent per block | bytes / minimum | pairs not reached by push | copies by way |
        | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
        """, peers, warmup + blocks, rate, warmup, seed, slowdown == 1 ? "" : String.format(Locale.ROOT,
        "%nEvery interval and latency ran %d times slower and every rate (links, byte budgets) as many times lower"
            + " (`--slowdown %d`); times are in the network's own time.",
        slowdown, slowdown)));
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f%% | %.0f ms | %.0f ms | %.0f ms | %.2f | %.0f KiB | %.2f | %.3f%% | %s |%n",
          r.profile(), r.loss() * 100, r.p50(), r.p99(), r.max(), r.copies(), r.bytesPerBlock() / 1024,
          r.bytesPerBlock() / r.minimumBytesPerBlock(), r.notByPush() * 100, r.copiesByWay()));
    }
    md.append("\nBytes sent per block by message type (KiB):\n\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "- %s, %.0f%% loss: %s%n", r.profile(), r.loss() * 100,
          r.bytesPerBlockByType().entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(),
              e.getValue() / 1024.0)).toList()));
    }
    md.append("\n| loss | hearsay p99 / fabric p99 | copies hearsay / fabric | bytes hearsay / fabric |\n| --- | ---: | ---: | ---: |\n");
    for (Row fabric : rows) {
      rows.stream().filter(h -> h.profile().equals("hearsay") && fabric.profile().equals("fabric") && h.loss() == fabric.loss())
          .forEach(h -> md.append(String.format(Locale.ROOT, "| %.0f%% | %.3f | %.3f | %.3f |%n", fabric.loss() * 100,
              h.p99() / fabric.p99(), h.copies() / fabric.copies(), h.bytesPerBlock() / fabric.bytesPerBlock())));
    }
    return md.toString();
  }

  private static String json(List<Row> rows, int peers, int blocks, int warmup, double rate, long seed, int slowdown,
      double[] verifyMicros, double busy, long gcMillis) {
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", r.profile());
      run.put("loss", JsonFile.round(r.loss(), 4));
      run.put("allPeersP50Ms", JsonFile.round(r.p50(), 1));
      run.put("allPeersP99Ms", JsonFile.round(r.p99(), 1));
      run.put("allPeersMaxMs", JsonFile.round(r.max(), 1));
      run.put("copiesPerPeerPerBlock", JsonFile.round(r.copies(), 4));
      run.put("bytesPerBlock", Math.round(r.bytesPerBlock()));
      run.put("minimumBytesPerBlock", Math.round(r.minimumBytesPerBlock()));
      run.put("bytesRatioToMinimum", JsonFile.round(r.bytesPerBlock() / r.minimumBytesPerBlock(), 3));
      run.put("bytesPerBlockByType", r.bytesPerBlockByType());
      run.put("fractionNotByPush", JsonFile.round(r.notByPush(), 6));
      // A block a peer never got (infinite time) is null.
      run.put("allPeersMs", Arrays.stream(r.sortedAllPeersMs())
          .mapToObj(v -> Double.isInfinite(v) ? null : JsonFile.round(v, 1)).toList());
      // The same times block by block, to tie a slow block to what else the run was doing then.
      run.put("allPeersMsInBlockOrder", Arrays.stream(r.allPeersMsInBlockOrder())
          .mapToObj(v -> Double.isInfinite(v) ? null : JsonFile.round(v, 1)).toList());
      // How many peers got each block first another way than push (pull, state transfer), block by block.
      run.put("notByPushInBlockOrder", Arrays.stream(r.notByPushInBlockOrder()).boxed().toList());
      runs.add(run);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("peers", peers);
    document.put("blocks", blocks);
    document.put("warmup", warmup);
    document.put("rate", JsonFile.round(rate, 2));
    document.put("seed", seed);
    document.put("slowdown", slowdown);
    document.put("verifyMicrosBefore", JsonFile.round(verifyMicros[0], 1));
    document.put("verifyMicrosAfter", JsonFile.round(verifyMicros[1], 1));
    document.put("busyFractionOfOneCore", JsonFile.round(busy, 2));
    document.put("gcMillis", gcMillis);
    document.put("jvmOptions", jvmOptions());
    document.put("runs", runs);
    return Json.write(document) + "\n";
  }
}
