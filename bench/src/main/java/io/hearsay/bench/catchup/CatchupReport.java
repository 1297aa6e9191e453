package io.hearsay.bench.catchup;

import com.typesafe.config.ConfigFactory;
import io.hearsay.bench.ledger.LedgerReport;
import io.hearsay.bench.report.BarChart;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.Options;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.protocol.files.Directories;
import io.hearsay.runtime.config.ChannelSettingsReader;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.sim.DisseminationRun;
import io.hearsay.testkit.sim.LinkModel;
import io.hearsay.testkit.sim.SimulatedNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Catch-up by state transfer: on the simulated network, peer 2 is cut off while peers 0 and 1
 * commit {@code --blocks} blocks, then the partition heals and peer 2 fetches them all. Its rate
 * (blocks from the first state-transfer block to the last commit) is set against two baselines
 * measured in the same JVM on the same file system with the same blocks: the physical one, the
 * same framed bytes appended to a plain file with one fsync per state-transfer batch
 * ({@code peer.gossip.state.batchSize} of the profile), and the channel ledger appending them in
 * those batches. Three cases per profile: clean links; 1% loss on every link; and a slow serving
 * peer (peer 1's uplink at a hundredth of the others'), whose windows hold up every window after
 * them until they come or are asked of peer 0. Writes catchup.{json,md,svg}.
 *
 * The links' floor, what the serving peers' uplinks can carry, is reported beside them.
 *
 * <p>Usage: {@code CatchupReport [--blocks 10000] [--profile fabric,hearsay] [--cases clean,loss,slow] [--seed 2026]
 * [--mbit 100]}.
 */
public final class CatchupReport {

  record Row(String profile, String catchUpCase, int blocks, double seconds, double secondsFromHeal,
      double blocksPerSecond, int batch, double rawFile, double ledger, double linkFloor, double responseCopies,
      long requests) {}

  /** The baselines of one profile's batches: raw file and ledger appends, and the blocks' mean size. */
  private record Baselines(double rawFile, double ledger, double blockBytes) {}

  private CatchupReport() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.of("--blocks", "10000",
        "--profile", "fabric,hearsay", "--cases", "clean,loss,slow", "--seed", "2026", "--mbit", "100",
        "--out", "bench/results"));
    int blocks = Integer.parseInt(options.get("--blocks"));
    long seed = Long.parseLong(options.get("--seed"));
    List<Row> rows = new ArrayList<>();
    long bytesPerSecond = Long.parseLong(options.get("--mbit")) * 1_000_000 / 8;
    Map<String, Baselines> baselines = new HashMap<>();
    for (String profile : options.get("--profile").split(",")) {
      for (String catchUpCase : options.get("--cases").split(",")) {
        rows.add(catchUp(profile, catchUpCase, blocks, seed, bytesPerSecond, baselines));
      }
    }
    write(Path.of(options.get("--out")), rows, blocks, options.get("--mbit"));
  }

  /** Catches a peer up on one profile in one case; baselines are measured once per profile. */
  private static Row catchUp(String profile, String catchUpCase, int blocks, long seed, long bytesPerSecond,
      Map<String, Baselines> baselines) throws Exception {
    ChannelSettings settings = ChannelSettingsReader.read(
        TestConfigs.profile(profile).withFallback(ConfigFactory.load()), "--profile " + profile);
    int batch = settings.stateTransfer().batchSize();
    LinkModel.Links lan = LinkModel.Links.lan();
    lan = new LinkModel.Links(lan.latency(), lan.jitter(), lan.loss(), bytesPerSecond);
    LinkModel.Links links = catchUpCase.equals("loss") ? lan.withLoss(0.01) : lan;
    // On the disk, not tmpfs: three peers do not contend for it, and the baseline must be a real fsync.
    try (SimulatedNetwork network = SimulatedNetwork.start(new SimulatedNetwork.Settings(3, links, seed,
        settings, Files.createTempDirectory("catchup"), TestConfigs.profile(profile)))) {
      Baselines baseline = baselines.get(profile);
      if (baseline == null) {
        baseline = baselines(network, profile, blocks, batch);
        baselines.put(profile, baseline);
        System.out.printf("%s, batches of %d: raw file %.0f blocks/s, ledger %.0f blocks/s, %.0f bytes a block%n", profile,
            batch, baseline.rawFile(), baseline.ledger(), baseline.blockBytes());
      }
      AtomicLong firstArrival = new AtomicLong();
      network.listen((peer, event) -> {
        if (peer == 2 && event instanceof ChannelGossip.BlockArrived) {
          firstArrival.compareAndSet(0, System.nanoTime());
        }
      });
      DisseminationRun run = new DisseminationRun(network, 0);
      network.partition(Set.of(2));
      run.exclude(2);
      run.run(0, blocks, 1, 1024, 1e9, Duration.ofMinutes(10));
      if (!run.allCommitted(blocks)) {
        throw new IllegalStateException("peers 0 and 1 did not commit " + blocks + " blocks");
      }
      long slowUplink = bytesPerSecond / 100;
      if (catchUpCase.equals("slow")) {
        network.slowUplink(1, slowUplink);
      }
      // The links' floor: every block crosses one of the two serving peers' uplinks once.
      double linkFloor = (bytesPerSecond + (catchUpCase.equals("slow") ? slowUplink : bytesPerSecond))
          / baseline.blockBytes();
      firstArrival.set(0);
      Map<String, Long> before = network.traffic().bytesByType();
      long requestsBefore = network.traffic().messagesByType().getOrDefault("STATE_REQUEST", 0L);
      network.heal();
      long healed = System.nanoTime();
      while (run.committed(2) < blocks) {
        if (System.nanoTime() - healed > Duration.ofMinutes(20).toNanos()) {
          throw new IllegalStateException("peer 2 reached only " + run.committed(2));
        }
        Thread.sleep(20);
      }
      long done = System.nanoTime();
      // Blocks state responses carried per block caught up: above 1, windows were asked and sent twice.
      long responseBytes = network.traffic().bytesByType().getOrDefault("STATE_RESPONSE", 0L)
          - before.getOrDefault("STATE_RESPONSE", 0L);
      double copies = responseBytes / (baseline.blockBytes() * blocks);
      long requests = network.traffic().messagesByType().getOrDefault("STATE_REQUEST", 0L) - requestsBefore;
      double seconds = (done - firstArrival.get()) / 1e9;
      System.out.printf("%s, %s: %d blocks in %.1f s from the first (%.1f s from healing)%n", profile, catchUpCase,
          blocks, seconds, (done - healed) / 1e9);
      return new Row(profile, catchUpCase, blocks, seconds, (done - healed) / 1e9, blocks / seconds, batch,
          baseline.rawFile(), baseline.ledger(), linkFloor, copies, requests);
    }
  }

  /**
   * Blocks per second appended in batches of {@code batch}: to a plain file with an fsync per
   * batch (the physical baseline), and by a fresh channel ledger of the profile (validation,
   * journal, world state), after a warm-up and taking turns with the file; and their mean
   * serialized size. The blocks are like the ones the network carries, signed by its orderer, so
   * the ledger checks the same signatures.
   */
  private static Baselines baselines(SimulatedNetwork network, String profile, int blocks, int batch) throws Exception {
    Path dir = Files.createTempDirectory("catchup-raw");
    var config = ConfigFactory.load(ConfigFactory.parseMap(Map.of("hearsay.ledger.data-dir", dir.toString(),
        "pekko.loglevel", "WARNING")).withFallback(TestConfigs.profile(profile)));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "raw", config);
    try {
      var orderer = DisseminationRun.orderer(network.material());
      List<Block> chain = new ArrayList<>(List.of(network.genesis()));
      for (int b = 0; b < blocks; b++) {
        chain.add(DisseminationRun.next(chain.get(chain.size() - 1), 1, 1024, orderer));
      }
      // The JIT compiles the append path on a ledger of its own first; then the ledger and the
      // plain file take turns, batch by batch, so the disk is as fast for the one as for the other.
      var warm = system.systemActorOf(ChannelLedger.create(LedgerSettings.read(config), "warm"), "warm", Props.empty());
      LedgerReport.appendAll(system, warm, chain, batch);
      var ledger = system.systemActorOf(ChannelLedger.create(LedgerSettings.read(config), "raw"), "ledger", Props.empty());
      LedgerReport.appendAll(system, ledger, chain.subList(0, 1), 1);
      Files.createDirectories(dir.resolve("plain"));
      long[] nanos = LedgerReport.alternate(system, ledger, dir.resolve("plain").resolve("raw"),
          chain.subList(1, chain.size()), batch);
      return new Baselines(blocks / (nanos[1] / 1e9), blocks / (nanos[0] / 1e9),
          chain.stream().skip(1).mapToInt(Block::getSerializedSize).average().orElse(0));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      Directories.deleteRecursively(dir);
    }
  }

  private static void write(Path out, List<Row> rows, int blocks, String mbit) throws Exception {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Catch-up by state transfer

        A peer %d blocks behind (cut off while two others committed them) catches up on the simulated
        network (`bench/run catchup --mbit %s`; links of 10 ms + up to 10 ms jitter at %s Mbit/s; ledgers
        on the disk). Baselines measured in the same run on the same disk with the same blocks (one 1 KiB
        transaction each), in the profile's state-transfer batches: **raw file**, the framed bytes
        appended to a plain file, each batch in one gathered write and one fsync (the physical floor of
        the disk); **ledger**,
        the profile's channel ledger appending them, after a warm-up and taking turns with the file
        batch by batch (the disk's speed varies from second to second here); **links**, the blocks per second the two serving
        peers' uplinks can carry at all (every block crosses one of them once). Cases: clean links; 1%%
        loss on every link; a slow server (peer 1 of the two serving peers sends at a hundredth of the
        others' rate).

        | profile | case | batch | blocks/s (first block to last commit) | ratio to raw file | ratio to ledger append | ratio to the links' floor | seconds from healing | state requests | copies sent per block |
        | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        """, blocks, mbit, mbit));
    List<Map<String, Object>> runs = new ArrayList<>();
    List<BarChart.Bar> bars = new ArrayList<>();
    for (Row r : rows) {
      bars.add(new BarChart.Bar(r.profile() + ", " + r.catchUpCase(), r.blocksPerSecond() / r.linkFloor(),
          String.format(Locale.ROOT, "%.0f blocks/s, %.2f of the links, %.3f of the disk", r.blocksPerSecond(),
              r.blocksPerSecond() / r.linkFloor(), r.blocksPerSecond() / r.rawFile())));
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.3f (of %.0f) | %.2f (of %.0f) | %.2f (of %.0f) | %.1f | %d | %.2f |%n",
          r.profile(), r.catchUpCase(), r.batch(), r.blocksPerSecond(), r.blocksPerSecond() / r.rawFile(), r.rawFile(),
          r.blocksPerSecond() / r.ledger(), r.ledger(), r.blocksPerSecond() / r.linkFloor(), r.linkFloor(),
          r.secondsFromHeal(), r.requests(), r.responseCopies()));
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", r.profile());
      run.put("case", r.catchUpCase());
      run.put("batch", r.batch());
      run.put("blocksPerSecond", JsonFile.round(r.blocksPerSecond(), 1));
      run.put("rawFileBlocksPerSecond", JsonFile.round(r.rawFile(), 1));
      run.put("ledgerAppendBlocksPerSecond", JsonFile.round(r.ledger(), 1));
      run.put("ratioToRawFile", JsonFile.round(r.blocksPerSecond() / r.rawFile(), 3));
      run.put("ratioToLedgerAppend", JsonFile.round(r.blocksPerSecond() / r.ledger(), 3));
      run.put("linkFloorBlocksPerSecond", JsonFile.round(r.linkFloor(), 1));
      run.put("ratioToLinkFloor", JsonFile.round(r.blocksPerSecond() / r.linkFloor(), 3));
      run.put("secondsFromHeal", JsonFile.round(r.secondsFromHeal(), 2));
      run.put("stateRequests", r.requests());
      run.put("responseCopiesPerBlock", JsonFile.round(r.responseCopies(), 3));
      runs.add(run);
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("catchup.md"), md);
    Files.writeString(out.resolve("catchup.svg"), BarChart.svg("Catch-up of " + blocks
        + " blocks: blocks/s over what the serving uplinks carry", bars));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("blocks", blocks);
    document.put("linkMbitPerSecond", Integer.parseInt(mbit));
    document.put("runs", runs);
    JsonFile.write(out.resolve("catchup.json"), document);
    System.out.print(md);
  }
}
