package io.hearsay.bench.membership;

import com.typesafe.config.ConfigFactory;
import io.hearsay.bench.report.BarChart;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.Options;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.testkit.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Fabric membership baseline, measured on real peers (one ActorSystem each, Artery on
 * 127.0.0.1) with Fabric's intervals scaled down 25 times: how long after a peer crashes every
 * other peer marks it dead, over many trials, and how long 20 peers take to converge to a full
 * view. Times are reported in milliseconds and as multiples of the configured interval they
 * depend on (the expiry, the alive interval), the baseline of the same run.
 * Usage: {@code MembershipReport [--trials 20] [--peers 8] [--converge 20] [--scale 25] [--out DIR]}.
 */
public final class MembershipReport {

  private final int scale;
  private final int convergeScale;
  private final CryptoMaterial material;
  private final CryptoMaterial.Org org;
  private Map<String, Object> intervals;
  private final List<HearsayPeer> running = new ArrayList<>();

  private MembershipReport(CryptoMaterial material, int scale, int convergeScale) {
    this.scale = scale;
    this.convergeScale = convergeScale;
    this.material = material;
    this.org = material.org("Org1MSP");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.of());
    int trials = Integer.parseInt(options.getOrDefault("--trials", "20"));
    int peers = Integer.parseInt(options.getOrDefault("--peers", "8"));
    int converge = Integer.parseInt(options.getOrDefault("--converge", "20"));
    Path out = Path.of(options.getOrDefault("--out", "bench/results"));
    Path dir = Files.createTempDirectory("hearsay-membership-bench");
    CryptoMaterial material = CryptoMaterialGenerator.generate(new CryptoMaterialGenerator.Request(
        dir.resolve("crypto"), 1, Math.max(peers, converge), false, false));
    MembershipReport report = new MembershipReport(material,
        Integer.parseInt(options.getOrDefault("--scale", "25")),
        Integer.parseInt(options.getOrDefault("--converge-scale", "10")));
    try {
      long[] convergenceMs = report.convergence(converge);
      report.stopAll();
      List<Long> detections = report.crashDetection(peers, trials);
      report.write(out, convergenceMs, converge, detections, peers);
    } finally {
      report.stopAll();
    }
  }

  /**
   * Milliseconds until every view of {@code n} peers (one bootstrap) is full, counted from the
   * first peer's start and from the last one's (starting a peer takes a while here).
   */
  private long[] convergence(int n) throws ConfigError {
    intervals = TestConfigs.fabricIntervalsScaledDown(convergeScale);
    long start = System.nanoTime();
    HearsayPeer bootstrap = start(0, List.of());
    List<HearsayPeer> peers = new ArrayList<>(List.of(bootstrap));
    for (int i = 1; i < n; i++) {
      peers.add(start(i, List.of(bootstrap.endpoint())));
    }
    long lastStarted = System.nanoTime();
    CrashTrials.await(peers, v -> v.alive().size() == n - 1, Duration.ofSeconds(120));
    long done = System.nanoTime();
    return new long[] {(done - start) / 1_000_000, (done - lastStarted) / 1_000_000};
  }

  /** Per trial, milliseconds from a peer's crash until every other peer marks it dead. */
  private List<Long> crashDetection(int n, int trials) throws ConfigError {
    intervals = TestConfigs.fabricIntervalsScaledDown(scale);
    HearsayPeer bootstrap = start(0, List.of());
    List<HearsayPeer> peers = new ArrayList<>(List.of(bootstrap));
    for (int i = 1; i < n; i++) {
      peers.add(start(i, List.of(bootstrap.endpoint())));
    }
    CrashTrials.await(peers, v -> v.alive().size() == n - 1, Duration.ofSeconds(60));
    List<Long> detections = new ArrayList<>();
    for (int trial = 0; trial < trials; trial++) {
      int index = 1 + trial % (n - 1);
      detections.add(CrashTrials.crashUntilDead(peers.get(index), peers, running, Duration.ofSeconds(60)));
      // Restarted with a new incarnation on a new port: see the note on same-address restarts in
      // MembershipFailureTest.
      HearsayPeer restarted = start(index, List.of(bootstrap.endpoint()));
      peers.set(index, restarted);
      CrashTrials.await(peers, v -> v.alive().size() == n - 1, Duration.ofSeconds(60));
    }
    return detections;
  }

  private HearsayPeer start(int index, List<Endpoint> bootstrap) throws ConfigError {
    return CrashTrials.start(material, org, index, bootstrap, ConfigFactory.parseMap(intervals), running);
  }

  private void stopAll() {
    CrashTrials.stopAll(running);
  }

  private void write(Path out, long[] convergenceMs, int convergePeers, List<Long> detections, int peers)
      throws IOException {
    long expiryMs = 25000 / scale;
    long aliveMs = 5000 / scale;
    List<Long> sorted = detections.stream().sorted().toList();
    long median = sorted.get(sorted.size() / 2);
    long max = sorted.get(sorted.size() - 1);
    long min = sorted.get(0);
    String md = String.format(Locale.ROOT, """
        # Membership: the Fabric baseline

        Real peers (one ActorSystem each, Artery TCP on 127.0.0.1) with Fabric's default intervals
        scaled down %d times: alive %d ms, expiry %d ms (checked every %d ms), pull %d ms.

        | measure | ms | in units of |
        | --- | ---: | --- |
        | crash to dead everywhere, median of %d trials (%d peers) | %d | %.2f x expiry |
        | crash to dead everywhere, min | %d | %.2f x expiry |
        | crash to dead everywhere, max | %d | %.2f x expiry |

        Fabric's own detection bound is expiry + one check (1.1 x expiry); at Fabric's real
        intervals the median above corresponds to %.1f s.

        Convergence, intervals scaled down %d times (alive %d ms, pull %d ms):

        | measure | ms | in units of |
        | --- | ---: | --- |
        | %d peers, one bootstrap: first start to full view everywhere | %d | %.1f x alive interval |
        | %d peers: last start to full view everywhere | %d | %.1f x alive interval |
        """, scale, aliveMs, expiryMs, expiryMs / 10, 4000 / scale, detections.size(), peers, median,
        median / (double) expiryMs, min, min / (double) expiryMs, max, max / (double) expiryMs,
        median * (double) scale / 1000, convergeScale, 5000 / convergeScale, 4000 / convergeScale,
        convergePeers, convergenceMs[0], convergenceMs[0] / (5000.0 / convergeScale),
        convergePeers, convergenceMs[1], convergenceMs[1] / (5000.0 / convergeScale));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("scale", scale);
    document.put("expiryMs", expiryMs);
    document.put("detectionMs", detections);
    document.put("detectionMedianMs", median);
    document.put("detectionMaxMs", max);
    document.put("convergenceScale", convergeScale);
    document.put("convergencePeers", convergePeers);
    document.put("convergenceFromFirstStartMs", convergenceMs[0]);
    document.put("convergenceFromLastStartMs", convergenceMs[1]);
    Files.createDirectories(out);
    Files.writeString(out.resolve("membership.md"), md);
    JsonFile.write(out.resolve("membership.json"), document);
    List<BarChart.Bar> bars = new ArrayList<>();
    for (int i = 0; i < detections.size(); i++) {
      bars.add(new BarChart.Bar("trial " + (i + 1), detections.get(i) / (double) expiryMs,
          String.format(Locale.ROOT, "%d ms (%.2f x expiry)", detections.get(i), detections.get(i) / (double) expiryMs)));
    }
    Files.writeString(out.resolve("membership.svg"), BarChart.svg("Crash to dead everywhere, per trial", bars));
    System.out.println(md);
  }
}
