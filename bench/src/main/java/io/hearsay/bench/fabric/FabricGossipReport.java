package io.hearsay.bench.fabric;

import com.google.protobuf.ByteString;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.Options;
import io.hearsay.bench.report.Percentile;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.PeerIdentityFiles;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import io.hearsay.runtime.grpc.ClientTls;
import io.hearsay.runtime.orderer.OrdererClient;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.fabric.FabricNetwork;
import io.hearsay.testkit.fabric.FabricOrgPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Does a Hearsay peer in a Fabric network make it faster? ({@code bench/run fabric-gossip})
 *
 * <pre>
 * network    real Fabric v2.4.9 (net.sh): Org1's peer0 (leader, pulls from the orderer) and peer1,
 *            Org2's peer0; two Hearsay peers join Org1 over Fabric's gossip (peer2, peer3)
 * load       a block every ~1 s (bursts of BatchSize transactions), after a warm-up
 * measured   for every block, when the orderer wrote it and when each Org1 peer's block file had
 *            it (files polled every 10 ms): the time to all Fabric followers (peer1) and to all
 *            Hearsay peers; gossip bytes per block on the Hearsay peers (sent and received)
 * profiles   the Hearsay peers on Fabric's defaults, then on the hearsay profile towards each
 *            other (Fabric's peers unchanged)
 * </pre>
 *
 * Writes {@code fabric-gossip.md} and {@code fabric-gossip.json}.
 */
public final class FabricGossipReport {

  private final FabricNetwork fabric;
  private final Path dir;

  private FabricGossipReport(FabricNetwork fabric, Path dir) {
    this.fabric = fabric;
    this.dir = dir;
  }

  /** One profile's run: per-block latencies (ms) to the Fabric follower and to the Hearsay peers. */
  record Run(String profile, List<Double> toFabric, List<Double> toHearsay, double bytesPerBlockPerPeer) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = Options.parse(args, Map.of("--out", "bench/results", "--blocks", "30",
        "--profile", "fabric,hearsay"));
    Optional<String> absent = FabricNetwork.absence();
    if (absent.isPresent()) {
      System.err.println("fabric-gossip: " + absent.get());
      System.exit(2);
    }
    Path dir = Files.createTempDirectory("fabric-gossip");
    try (FabricNetwork fabric = FabricNetwork.up(dir.resolve("fabric"), FabricNetwork.Options.defaults())) {
      FabricGossipReport report = new FabricGossipReport(fabric, dir);
      List<Run> runs = new ArrayList<>();
      for (String profile : o.get("--profile").split(",")) {
        runs.add(report.run(profile, Integer.parseInt(o.get("--blocks"))));
        System.err.println(runs.get(runs.size() - 1));
      }
      write(Path.of(o.get("--out")), runs);
    }
    Directories.deleteRecursively(dir);
  }

  private Run run(String profile, int blocks) throws Exception {
    List<FabricOrgPeer> hearsay = new ArrayList<>();
    try (AtomicBroadcastClient connections = new AtomicBroadcastClient(Optional.of(new ClientTls(
        List.of(fabric.ordererTlsCa()), Optional.of(new PemTls.KeyPair(
        fabric.user("org1", "User1").resolve("tls/client.crt"), fabric.user("org1", "User1").resolve("tls/client.key"))))),
        new AtomicBroadcastClient.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(20)));
        OrdererClient orderer = new OrdererClient(connections, fabric.orderer(), List.of(), Duration.ofSeconds(30))) {
      for (int index = 2; index <= 3; index++) {
        Map<String, Object> keys = new HashMap<>();
        TestConfigs.profile(profile).entrySet().forEach(e -> keys.put(e.getKey(), e.getValue().unwrapped()));
        keys.put("peer.gossip.orgLeader", false);
        keys.put("peer.gossip.useLeaderElection", false);
        hearsay.add(FabricOrgPeer.start(fabric, dir.resolve(profile), new FabricOrgPeer.Spec("org1", index,
            new Endpoint("127.0.0.1", FreePorts.next()), new Endpoint("127.0.0.1", FreePorts.next()),
            List.of(fabric.fabricPeer("org1", 0)), List.of(fabric.channelBlock()), keys, true)));
      }
      SigningIdentity user = PeerIdentityFiles.signingIdentity("Org1MSP", fabric.user("org1", "User1").resolve("msp"),
          "msp");
      // Warm-up: every peer has seen blocks by gossip before anything is timed.
      for (int i = 0; i < 5; i++) {
        block(orderer, user, i);
      }
      awaitAll(hearsay, height(fabric.ordererBlockFile()));
      long bytesBefore = gossipBytes(hearsay);
      Map<String, Path> files = new LinkedHashMap<>();
      files.put("orderer", fabric.ordererBlockFile());
      files.put("peer1.org1", fabric.fabricPeerBlockFile("peer1.org1"));
      hearsay.forEach(p -> files.put(p.spec().name(), p.blockFile()));
      Arrivals arrivals = new Arrivals(files);
      long first = height(fabric.ordererBlockFile());
      Thread poller = new Thread(arrivals, "arrivals");
      poller.start();
      for (int i = 0; i < blocks; i++) {
        block(orderer, user, 1000 + i);
        Thread.sleep(1000);
      }
      long last = first + blocks;
      awaitAll(hearsay, last);
      while (arrivals.seenEverywhere() < last) {
        Thread.sleep(50);
      }
      arrivals.stop();
      poller.join();
      long bytes = gossipBytes(hearsay) - bytesBefore;
      List<Double> toFabric = new ArrayList<>();
      List<Double> toHearsay = new ArrayList<>();
      for (long number = first; number < last; number++) {
        double at = arrivals.at("orderer", number);
        toFabric.add(arrivals.at("peer1.org1", number) - at);
        double latest = 0;
        for (FabricOrgPeer p : hearsay) {
          latest = Math.max(latest, arrivals.at(p.spec().name(), number) - at);
        }
        toHearsay.add(latest);
      }
      return new Run(profile, toFabric, toHearsay, bytes / (double) blocks / hearsay.size());
    } finally {
      for (FabricOrgPeer peer : hearsay) {
        peer.close();
      }
    }
  }

  /** A burst of BatchSize (10) transactions: one block, cut at once. */
  private static void block(OrdererClient orderer, SigningIdentity user, int n) {
    List<CompletableFuture<?>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(orderer.broadcast(KeyValueTransactions.write(user, FabricNetwork.CHANNEL, "bench",
          Map.of("k" + n + "-" + i, ByteString.copyFromUtf8("v")))).toCompletableFuture());
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
  }

  private void awaitAll(List<FabricOrgPeer> hearsay, long height) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!(hearsay.stream().allMatch(p -> p.height() >= height)
        && height(fabric.fabricPeerBlockFile("peer1.org1")) >= height)) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the peers did not reach height " + height);
      }
      Thread.sleep(100);
    }
  }

  private static long gossipBytes(List<FabricOrgPeer> peers) {
    long total = 0;
    for (FabricOrgPeer peer : peers) {
      String metrics = peer.metrics().orElse("");
      total += metrics.lines().filter(l -> l.startsWith("hearsay_messages_sent_bytes_total{")
              || l.startsWith("hearsay_messages_received_bytes_total{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
    return total;
  }

  private static long height(Path blockFile) {
    long[] n = {0};
    try {
      BlockFileScanner.scan(blockFile, 0, e -> n[0]++);
    } catch (IOException e) {
      return 0;
    }
    return n[0];
  }

  /** When each block first appeared in each block file (ms since start), read incrementally. */
  private static final class Arrivals implements Runnable {
    private final Map<String, Path> files;
    private final Map<String, Long> offsets = new HashMap<>();
    private final Map<String, Map<Long, Double>> seen = new HashMap<>();
    private final long start = System.nanoTime();
    private volatile boolean running = true;

    Arrivals(Map<String, Path> files) {
      this.files = files;
      files.keySet().forEach(k -> {
        offsets.put(k, 0L);
        seen.put(k, new HashMap<>());
      });
    }

    @Override
    public void run() {
      while (running) {
        poll();
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
      poll();
    }

    private synchronized void poll() {
      double now = (System.nanoTime() - start) / 1e6;
      files.forEach((name, file) -> {
        try {
          BlockFileScanner.Result result = BlockFileScanner.scan(file, offsets.get(name),
              e -> seen.get(name).putIfAbsent(e.block().getHeader().getNumber(), now));
          offsets.put(name, result.goodEnd());
        } catch (IOException e) {
          // not written yet
        }
      });
    }

    synchronized double at(String file, long number) {
      return seen.get(file).get(number);
    }

    /** The highest height every file has reached. */
    synchronized long seenEverywhere() {
      return seen.values().stream().mapToLong(m -> {
        long h = 0;
        while (m.containsKey(h)) {
          h++;
        }
        return h;
      }).min().orElse(0);
    }

    void stop() {
      running = false;
    }
  }

  private static void write(Path out, List<Run> runs) throws IOException {
    StringBuilder md = new StringBuilder("# Hearsay peers in a Fabric org: does it get faster?\n\n"
        + "A real Fabric v2.4.9 network (`bench/run fabric-gossip`): Org1's peer0 leads and pulls from the orderer,\n"
        + "peer1 (Fabric) and two Hearsay peers get blocks by gossip; Org2's peer0 beside. A block a second (bursts of\n"
        + "10 transactions) after a warm-up; each block file polled every 10 ms. Time from the orderer's block\n"
        + "file to the Fabric follower's, and to the last of the two Hearsay peers'. Fabric's peers run Fabric's\n"
        + "defaults in both runs; the profile is the Hearsay peers' (hearsay: towards each other).\n\n"
        + "Ratios: the Hearsay peers' p50 to the Fabric follower's in the same run (its baseline), and the\n"
        + "Hearsay peers' gossip bytes to those of the first run's.\n\n"
        + "| Hearsay peers' profile | blocks | Fabric follower p50 / p99 (ms) | Hearsay peers p50 / p99 (ms) | "
        + "Hearsay p50 / follower p50 | gossip bytes per block per Hearsay peer | bytes ratio |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    List<Map<String, Object>> runsJson = new ArrayList<>();
    for (Run r : runs) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.0f / %.0f | %.0f / %.0f | %.2f | %.0f | %.2f |%n", r.profile(),
          r.toFabric().size(), Percentile.of(r.toFabric(), 0.5), Percentile.of(r.toFabric(), 0.99),
          Percentile.of(r.toHearsay(), 0.5), Percentile.of(r.toHearsay(), 0.99),
          Percentile.of(r.toHearsay(), 0.5) / Percentile.of(r.toFabric(), 0.5), r.bytesPerBlockPerPeer(),
          r.bytesPerBlockPerPeer() / runs.get(0).bytesPerBlockPerPeer()));
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", r.profile());
      run.put("toFabricFollowerMs", r.toFabric());
      run.put("toHearsayPeersMs", r.toHearsay());
      run.put("gossipBytesPerBlockPerHearsayPeer", Math.round(r.bytesPerBlockPerPeer()));
      runsJson.add(run);
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("fabric-gossip.md"), md);
    JsonFile.write(out.resolve("fabric-gossip.json"), Map.of("runs", runsJson));
    System.out.print(md);
  }
}
