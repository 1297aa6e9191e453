package io.hearsay.bench.catchup;

import com.typesafe.config.ConfigFactory;
import io.hearsay.bench.ledger.LedgerReport;
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
 * (blocks from the first state-transfer block to the last commit) is set against the ledger's raw
 * append rate measured in the same JVM on the same file system: a fresh channel ledger appending
 * blocks of the same size in the state transfer's batches. Both profiles. Writes catchup.{json,md}.
 *
 * <p>Usage: {@code CatchupReport [--blocks 10000] [--profile fabric,hearsay] [--seed 2026]}.
 */
public final class CatchupReport {

  record Row(String profile, int blocks, double seconds, double secondsFromHeal, double blocksPerSecond) {}

  private CatchupReport() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.of("--blocks", "10000",
        "--profile", "fabric,hearsay", "--seed", "2026", "--out", "bench/results"));
    int blocks = Integer.parseInt(options.get("--blocks"));
    long seed = Long.parseLong(options.get("--seed"));
    List<Row> rows = new ArrayList<>();
    double[] raw = {0};
    for (String profile : options.get("--profile").split(",")) {
      rows.add(catchUp(profile, blocks, seed, raw));
    }
    write(Path.of(options.get("--out")), rows, raw[0], blocks);
  }

  /** Catches a peer up on one profile; the first call also measures the raw append rate into {@code raw[0]}. */
  private static Row catchUp(String profile, int blocks, long seed, double[] raw) throws Exception {
    ChannelSettings settings = ChannelSettingsReader.read(
        TestConfigs.profile(profile).withFallback(ConfigFactory.load()), "--profile " + profile);
    try (SimulatedNetwork network = SimulatedNetwork.start(new SimulatedNetwork.Settings(3, LinkModel.Links.lan(), seed,
        settings, SimulatedNetwork.scratchDir("catchup")))) {
      if (raw[0] == 0) {
        raw[0] = rawAppendRate(network, blocks);
        System.out.printf("raw append: %.0f blocks/s%n", raw[0]);
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
      firstArrival.set(0);
      network.heal();
      long healed = System.nanoTime();
      while (run.committed(2) < blocks) {
        if (System.nanoTime() - healed > Duration.ofMinutes(20).toNanos()) {
          throw new IllegalStateException("peer 2 reached only " + run.committed(2));
        }
        Thread.sleep(20);
      }
      long done = System.nanoTime();
      double seconds = (done - firstArrival.get()) / 1e9;
      System.out.printf("%s: %d blocks in %.1f s from the first (%.1f s from healing)%n", profile, blocks, seconds,
          (done - healed) / 1e9);
      return new Row(profile, blocks, seconds, (done - healed) / 1e9, blocks / seconds);
    }
  }

  /**
   * Blocks per second a fresh channel ledger appends, 10 per write (Fabric's state batch): the
   * network's genesis block, then blocks like the ones the network carries, signed by its orderer,
   * so the ledger checks the same signatures.
   */
  private static double rawAppendRate(SimulatedNetwork network, int blocks) throws Exception {
    Path dir = SimulatedNetwork.scratchDir("catchup-raw");
    var config = ConfigFactory.load(ConfigFactory.parseMap(Map.of("hearsay.ledger.data-dir", dir.toString(),
        "pekko.loglevel", "WARNING")));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "raw", config);
    try {
      var orderer = DisseminationRun.orderer(network.material());
      List<Block> chain = new ArrayList<>(List.of(network.genesis()));
      for (int b = 0; b < blocks; b++) {
        chain.add(DisseminationRun.next(chain.get(chain.size() - 1), 1, 1024, orderer));
      }
      var ledger = system.systemActorOf(ChannelLedger.create(LedgerSettings.read(config), "raw"), "ledger", Props.empty());
      LedgerReport.appendAll(system, ledger, chain.subList(0, 1), 1);
      long start = System.nanoTime();
      LedgerReport.appendAll(system, ledger, chain.subList(1, chain.size()), 10);
      return blocks / ((System.nanoTime() - start) / 1e9);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      Directories.deleteRecursively(dir);
    }
  }

  private static void write(Path out, List<Row> rows, double raw, int blocks) throws Exception {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Catch-up by state transfer

        A peer %d blocks behind (cut off while two others committed them) catches up on the simulated
        network (`bench/run catchup`), against the channel ledger's raw append rate measured in the same
        run on the same file system (10 blocks per write, as the state transfer's batch). Blocks of one
        1 KiB transaction.

        | profile | blocks/s (first block to last commit) | ratio to raw append (%.0f blocks/s) | seconds from healing |
        | --- | ---: | ---: | ---: |
        """, blocks, raw));
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.1f |%n", r.profile(), r.blocksPerSecond(),
          r.blocksPerSecond() / raw, r.secondsFromHeal()));
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", r.profile());
      run.put("blocksPerSecond", JsonFile.round(r.blocksPerSecond(), 1));
      run.put("ratioToRaw", JsonFile.round(r.blocksPerSecond() / raw, 3));
      run.put("secondsFromHeal", JsonFile.round(r.secondsFromHeal(), 2));
      runs.add(run);
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("catchup.md"), md);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("blocks", blocks);
    document.put("rawAppendBlocksPerSecond", JsonFile.round(raw, 1));
    document.put("runs", runs);
    JsonFile.write(out.resolve("catchup.json"), document);
    System.out.print(md);
  }
}
