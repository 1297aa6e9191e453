package io.hearsay.bench.membership;

import com.typesafe.config.Config;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.Options;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.comm.LinkFaults;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.testkit.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Crash detection and false suspicions, {@code fabric} profile (Fabric's real intervals: alive
 * every 5 s, dead after 25 s of silence) against {@code hearsay} (hearsay-profile.conf: alive every
 * 500 ms, φ accrual), on real peers (one ActorSystem each, Artery on 127.0.0.1) whose every link
 * drops 10% of messages. First a quiet period in which no peer crashes: every 100 ms every view
 * is read, and a live peer seen dead anywhere is a false positive. Then crash trials: one peer
 * stops, and the time until every other peer holds it dead is its detection time.
 * Writes failure.{json,md}.
 *
 * <p>Usage: {@code FailureReport [--peers 8] [--quiet 120] [--trials 5] [--loss 0.1] [--profile fabric,hearsay]}.
 */
public final class FailureReport {

  record Row(String profile, int falsePositives, long quietSeconds, List<Long> detectionsMs) {}

  private final CryptoMaterial material;
  private final CryptoMaterial.Org org;
  private final List<HearsayPeer> running = new ArrayList<>();
  private final double loss;
  private Config profile;

  private FailureReport(CryptoMaterial material, double loss) {
    this.material = material;
    this.org = material.org("Org1MSP");
    this.loss = loss;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.of("--peers", "8", "--quiet", "120",
        "--trials", "5", "--loss", "0.1", "--profile", "fabric,hearsay", "--out", "bench/results"));
    int peers = Integer.parseInt(options.get("--peers"));
    int quiet = Integer.parseInt(options.get("--quiet"));
    int trials = Integer.parseInt(options.get("--trials"));
    double loss = Double.parseDouble(options.get("--loss"));
    Path dir = Files.createTempDirectory("hearsay-failure-bench");
    CryptoMaterial material = CryptoMaterialGenerator.generate(new CryptoMaterialGenerator.Request(
        dir.resolve("crypto"), 1, peers, false, false));
    FailureReport report = new FailureReport(material, loss);
    List<Row> rows = new ArrayList<>();
    try {
      for (String name : options.get("--profile").split(",")) {
        report.profile = TestConfigs.profile(name);
        System.out.printf("profile %s: %d peers, %.0f%% loss on every link, %d s quiet, %d crashes%n",
            name, peers, loss * 100, quiet, trials);
        rows.add(report.run(name, peers, quiet, trials));
        report.stopAll();
      }
    } finally {
      report.stopAll();
      Directories.deleteRecursively(dir);
    }
    write(Path.of(options.get("--out")), rows, peers, loss);
  }

  private Row run(String name, int n, int quietSeconds, int trials) throws Exception {
    List<HearsayPeer> peers = new ArrayList<>();
    peers.add(start(0, List.of()));
    for (int i = 1; i < n; i++) {
      peers.add(start(i, List.of(peers.get(0).endpoint())));
    }
    CrashTrials.await(peers, v -> v.alive().size() == n - 1, Duration.ofSeconds(120));
    applyLoss(peers);
    Set<PkiId> live = new HashSet<>();
    peers.forEach(p -> live.add(p.pkiId()));
    int falsePositives = 0;
    // One false positive per (observer, suspect) episode: counted when it appears, not per poll.
    Set<String> suspectedBefore = Set.of();
    long end = System.nanoTime() + quietSeconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      Set<String> suspected = new HashSet<>();
      for (HearsayPeer peer : peers) {
        CrashTrials.view(peer).deadPkiIds().stream().filter(live::contains).forEach(dead -> suspected.add(peer.pkiId() + ">" + dead));
      }
      for (String episode : suspected) {
        if (!suspectedBefore.contains(episode)) {
          falsePositives++;
          System.out.println("  false positive: " + episode);
        }
      }
      suspectedBefore = suspected;
      Thread.sleep(100);
    }
    List<Long> detections = new ArrayList<>();
    for (int trial = 0; trial < trials; trial++) {
      int index = 1 + trial % (n - 1);
      detections.add(CrashTrials.crashUntilDead(peers.get(index), peers, running, Duration.ofSeconds(120)));
      System.out.printf("  %s crash %d: dead everywhere after %d ms%n", name, trial + 1, detections.get(detections.size() - 1));
      HearsayPeer restarted = start(index, List.of(peers.get(0).endpoint()));
      peers.set(index, restarted);
      CrashTrials.await(peers, v -> v.alive().size() == n - 1, Duration.ofSeconds(120));
      applyLoss(peers);
    }
    return new Row(name, falsePositives, quietSeconds, detections);
  }

  /** Every peer drops the given fraction of what it sends to every other peer. */
  private void applyLoss(List<HearsayPeer> peers) {
    for (HearsayPeer peer : peers) {
      LinkFaults faults = LinkFaults.none();
      for (HearsayPeer other : peers) {
        if (other != peer) {
          faults = faults.dropFraction(other.endpoint(), loss);
        }
      }
      peer.setFaults(faults);
    }
  }

  private HearsayPeer start(int index, List<Endpoint> bootstrap) throws ConfigError {
    return CrashTrials.start(material, org, index, bootstrap, profile, running);
  }

  private void stopAll() {
    CrashTrials.stopAll(running);
  }

  private static void write(Path out, List<Row> rows, int peers, double loss) throws Exception {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Crash detection: fabric against hearsay

        %d real peers (one ActorSystem each, Artery TCP on 127.0.0.1), every link dropping %.0f%% of
        messages (`bench/run failure`). fabric: alive every 5 s, dead after 25 s of silence (Fabric's
        defaults). hearsay: hearsay-profile.conf (alive every 500 ms, phi accrual, a suspicion
        confirmed by probe rounds or by another peer's verdict).

        | profile | false positives in the quiet period | crash to dead everywhere, median | max | trials |
        | --- | ---: | ---: | ---: | ---: |
        """, peers, loss * 100));
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Row r : rows) {
      List<Long> sorted = r.detectionsMs().stream().sorted().toList();
      long median = sorted.get(sorted.size() / 2);
      long max = sorted.get(sorted.size() - 1);
      md.append(String.format(Locale.ROOT, "| %s | %d in %d s | %d ms | %d ms | %d |%n", r.profile(), r.falsePositives(),
          r.quietSeconds(), median, max, sorted.size()));
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", r.profile());
      run.put("falsePositives", r.falsePositives());
      run.put("quietSeconds", r.quietSeconds());
      run.put("detectionMs", r.detectionsMs());
      run.put("detectionMedianMs", median);
      run.put("detectionMaxMs", max);
      runs.add(run);
    }
    md.append("\nWith a handful of trials the max stands in for the p99.\n");
    Files.createDirectories(out);
    Files.writeString(out.resolve("failure.md"), md);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("peers", peers);
    document.put("loss", JsonFile.round(loss, 3));
    document.put("runs", runs);
    JsonFile.write(out.resolve("failure.json"), document);
    System.out.print(md);
  }
}
