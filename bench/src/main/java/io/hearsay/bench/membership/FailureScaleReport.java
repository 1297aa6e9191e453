package io.hearsay.bench.membership;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.LineChart;
import io.hearsay.bench.report.Options;
import io.hearsay.bench.report.Percentile;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.runtime.membership.MembershipView;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.sim.LinkModel;
import io.hearsay.testkit.sim.SimulatedMembership;
import io.hearsay.testkit.sim.SimulatedNetwork;
import io.hearsay.testkit.sim.Slowdown;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Crash detection at scale on the simulated network: the real membership actors of {@code --peers}
 * peers (real signatures), every link dropping {@code --loss} of messages, for each profile. First
 * a quiet period of {@code --quiet} seconds (network time) in which no peer crashes: a live peer
 * that any peer's view holds dead is a false positive. Then {@code --trials} crashes, one at a
 * time: the time from the crash until every running peer holds the crashed one dead. Views are
 * subscribed to, so every change is timed when it happens, not when polled.
 *
 * <p>{@code --slowdown k} runs every interval and latency k times slower (times are reported in
 * the network's own time). {@code --burst s} keeps one core busy for s seconds of the quiet period
 * (from 10 s in), as another process sharing the machine does. Writes failure-scale.{md,json,svg}.
 *
 * <p>Usage: {@code FailureScaleReport [--peers 100] [--quiet 600] [--trials 20] [--loss 0.1]
 * [--profile fabric,hearsay] [--slowdown 1] [--seed 2026] [--burst 0]}.
 */
public final class FailureScaleReport {

  record Row(String profile, int falsePositives, double quietSeconds, int burstSeconds, List<Double> everywhereMs,
      List<Double> perObserverMs, double bytesPerPeerPerSecond, double membershipRequestsPerSecond,
      double cpuMsPerPeerPerSecond) {}

  private FailureScaleReport() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.of("--peers", "100", "--quiet", "600", "--trials", "20",
        "--loss", "0.1", "--profile", "fabric,hearsay", "--slowdown", "1", "--seed", "2026", "--burst", "0", "--out", "bench/results"));
    int n = Integer.parseInt(options.get("--peers"));
    double loss = Double.parseDouble(options.get("--loss"));
    int k = Integer.parseInt(options.get("--slowdown"));
    List<Row> rows = new ArrayList<>();
    for (String profile : options.get("--profile").split(",")) {
      rows.add(run(profile, n, Integer.parseInt(options.get("--quiet")), Integer.parseInt(options.get("--trials")),
          loss, k, Long.parseLong(options.get("--seed")), Integer.parseInt(options.get("--burst"))));
    }
    write(Path.of(options.get("--out")), rows, n, loss, k);
  }

  /** What the subscribed views showed: false positives as they appear, and when each crash was seen. */
  private static final class Watch {
    final Map<PkiId, Long> crashedAt = new ConcurrentHashMap<>();
    /** Per crashed peer: when each observer first held it dead. */
    final Map<PkiId, Map<Integer, Long>> seenDead = new ConcurrentHashMap<>();
    final Map<Integer, Set<PkiId>> deadBefore = new ConcurrentHashMap<>();
    final AtomicInteger falsePositives = new AtomicInteger();

    void onView(int observer, MembershipView view) {
      long now = System.nanoTime();
      Set<PkiId> dead = view.deadPkiIds();
      Set<PkiId> before = deadBefore.getOrDefault(observer, Set.of());
      for (PkiId peer : dead) {
        if (before.contains(peer)) {
          continue;
        }
        if (crashedAt.containsKey(peer)) {
          seenDead.computeIfAbsent(peer, p -> new ConcurrentHashMap<>()).putIfAbsent(observer, now);
        } else {
          falsePositives.incrementAndGet();
          System.out.printf("  false positive: peer %d holds %s dead%n", observer, peer);
        }
      }
      deadBefore.put(observer, Set.copyOf(dead));
    }
  }

  private static Row run(String profile, int n, int quietSeconds, int trials, double loss, int k, long seed,
      int burstSeconds) throws Exception {
    Config gossip = Slowdown.apply(TestConfigs.profile(profile).withFallback(ConfigFactory.load()), k,
        "peer.gossip", "hearsay.membership");
    LinkModel.Links links = Slowdown.apply(LinkModel.Links.lan().withLoss(loss), k);
    System.out.printf("profile %s: %d peers, %.0f%% loss, %d s quiet, %d crashes, slowdown %d%n", profile, n,
        loss * 100, quietSeconds, trials, k);
    try (SimulatedMembership network = new SimulatedMembership(n, links, seed, gossip,
        SimulatedNetwork.scratchDir("failure-scale"))) {
      for (int i = 0; i < n; i++) {
        network.start(i);
        Thread.sleep(20);
      }
      Set<Integer> notYet = new HashSet<>();
      for (int i = 0; i < n; i++) {
        notYet.add(i);
      }
      Eventually.await(Duration.ofMinutes(10), Duration.ofSeconds(1), "every peer's view", () -> {
        notYet.removeIf(i -> network.view(i).toCompletableFuture().join().alive().size() == n - 1);
        return notYet.isEmpty();
      }, () -> notYet.size() + " peers do not see all others alive");
      Watch watch = new Watch();
      for (int i = 0; i < n; i++) {
        int observer = i;
        network.subscribe(i, view -> watch.onView(observer, view));
      }
      long bytesBefore = network.traffic().bytesSent().sum();
      long requestsBefore = network.traffic().messagesByType().getOrDefault("MEM_REQ", 0L);
      long quietStart = System.nanoTime();
      long cpuBefore = processCpuNanos();
      long burstCpu = 0;
      if (burstSeconds > 0) {
        Thread.sleep(Duration.ofSeconds(10L * k).toMillis());
        burstCpu = busy(Duration.ofSeconds((long) burstSeconds * k));
      }
      Thread.sleep(Math.max(0, Duration.ofSeconds((long) quietSeconds * k).toMillis()
          - (System.nanoTime() - quietStart) / 1_000_000));
      double quiet = (System.nanoTime() - quietStart) / 1e9 / k;
      double cpuPerPeer = (processCpuNanos() - cpuBefore - burstCpu) / 1e6 / quiet / n;
      double bytesPerPeer = (network.traffic().bytesSent().sum() - bytesBefore) / quiet / n;
      double requests = (network.traffic().messagesByType().getOrDefault("MEM_REQ", 0L) - requestsBefore) / quiet;
      int falsePositives = watch.falsePositives.get();
      System.out.printf("  quiet %.0f s: %d false positives, %.0f B/s per peer, %.1f membership requests/s, "
          + "%.1f ms CPU per peer per second%n", quiet, falsePositives, bytesPerPeer, requests, cpuPerPeer);

      List<Double> everywhere = new ArrayList<>();
      List<Double> perObserver = new ArrayList<>();
      Set<Integer> running = new HashSet<>();
      for (int i = 0; i < n; i++) {
        running.add(i);
      }
      for (int trial = 0; trial < trials; trial++) {
        int victim = 1 + trial % (n - 1);
        PkiId crashed = network.pkiId(victim);
        running.remove(victim);
        long at = System.nanoTime();
        watch.crashedAt.put(crashed, at);
        network.crash(victim);
        Eventually.await(Duration.ofSeconds(120L * k), Duration.ofMillis(10), "every running peer holds it dead",
            () -> watch.seenDead.getOrDefault(crashed, Map.of()).keySet().containsAll(running),
            () -> watch.seenDead.getOrDefault(crashed, Map.of()).size() + " of " + running.size());
        Map<Integer, Long> seen = watch.seenDead.get(crashed);
        double last = 0;
        for (int observer : running) {
          double ms = (seen.get(observer) - at) / 1e6 / k;
          perObserver.add(ms);
          last = Math.max(last, ms);
        }
        everywhere.add(last);
        System.out.printf("  crash %d: dead everywhere after %.0f ms%n", trial + 1, last);
      }
      return new Row(profile, falsePositives, quiet, burstSeconds, everywhere, perObserver, bytesPerPeer, requests,
          cpuPerPeer);
    }
  }

  /**
   * Takes one of the machine's cores away from the peers for {@code length}, as a compile sharing
   * the machine does: a peer process slowed as a whole, observers and suspects at once.
   */
  private static long busy(Duration length) throws InterruptedException {
    System.out.printf("  one core busy for %d s%n", length.toSeconds());
    long end = System.nanoTime() + length.toNanos();
    long[] cpu = new long[1];
    Thread spinner = new Thread(() -> {
      while (System.nanoTime() < end) {
        // spin: the clock call keeps the loop, and the core, busy
      }
      cpu[0] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }, "cpu-burst");
    spinner.start();
    spinner.join();
    return cpu[0];
  }

  /** CPU time of this process: all the simulated peers, and the network between them. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void write(Path out, List<Row> rows, int n, double loss, int k) throws Exception {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Crash detection at scale

        %d simulated peers running the real membership actor (real signatures), links of 10 ms + up
        to 10 ms jitter, every link dropping %.0f%% of messages (`bench/run failure-scale`)%s. fabric:
        alive every 5 s, dead after 25 s of silence. hearsay: hearsay-profile.conf (alive every
        500 ms to four watchers on a ring, phi accrual, a suspicion confirmed by probe rounds, a
        death two watchers agree on spread as a rumor). A false positive is a live peer
        that some peer's view holds dead; a crash is timed until every running peer holds it dead.
        With `--burst s`, a thread of the same process spins on one of the machine's cores for s
        seconds from 10 s into the quiet period, as a compile sharing the machine does. CPU per peer:
        the process's CPU time over the quiet period (the busy core's left out) per peer per second
        of network time.

        | profile | false positives | quiet period | of it one core busy | crash to dead everywhere, median | p99 | max | trials | per observer, median | bytes per peer per second | membership requests per second | CPU per peer (ms per second) |
        | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        """, n, loss * 100, k == 1 ? "" : String.format(Locale.ROOT,
        ", every interval and latency %d times slower (times in the network's own time)", k)));
    List<Map<String, Object>> runs = new ArrayList<>();
    List<LineChart.Series> series = new ArrayList<>();
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.0f s | %d s | %.0f ms | %.0f ms | %.0f ms | %d | %.0f ms | %.0f | %.1f | %.1f |%n",
          r.profile(), r.falsePositives(), r.quietSeconds(), r.burstSeconds(), Percentile.of(r.everywhereMs(), 0.5),
          Percentile.of(r.everywhereMs(), 0.99), Percentile.of(r.everywhereMs(), 1), r.everywhereMs().size(),
          Percentile.of(r.perObserverMs(), 0.5), r.bytesPerPeerPerSecond(), r.membershipRequestsPerSecond(),
          r.cpuMsPerPeerPerSecond()));
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", r.profile());
      run.put("falsePositives", r.falsePositives());
      run.put("quietSeconds", JsonFile.round(r.quietSeconds(), 1));
      run.put("oneCoreBusySeconds", r.burstSeconds());
      run.put("deadEverywhereMs", r.everywhereMs().stream().map(ms -> JsonFile.round(ms, 1)).toList());
      run.put("deadEverywhereMedianMs", JsonFile.round(Percentile.of(r.everywhereMs(), 0.5), 1));
      run.put("deadEverywhereP99Ms", JsonFile.round(Percentile.of(r.everywhereMs(), 0.99), 1));
      run.put("perObserverMedianMs", JsonFile.round(Percentile.of(r.perObserverMs(), 0.5), 1));
      run.put("bytesPerPeerPerSecond", Math.round(r.bytesPerPeerPerSecond()));
      run.put("membershipRequestsPerSecond", JsonFile.round(r.membershipRequestsPerSecond(), 2));
      run.put("cpuMsPerPeerPerSecond", JsonFile.round(r.cpuMsPerPeerPerSecond(), 2));
      runs.add(run);
      series.add(LineChart.Series.cdf(r.profile(), r.perObserverMs().stream().mapToDouble(Double::doubleValue).toArray()));
    }
    md.append("\nThe p99 of a few dozen trials is their largest but one; the plot is the CDF of every observer's time.\n");
    Files.createDirectories(out);
    Files.writeString(out.resolve("failure-scale.md"), md);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("peers", n);
    document.put("loss", JsonFile.round(loss, 3));
    document.put("slowdown", k);
    document.put("runs", runs);
    JsonFile.write(out.resolve("failure-scale.json"), document);
    Files.writeString(out.resolve("failure-scale.svg"), LineChart.svg("Crash to dead, per observer, " + n
        + " peers, " + Math.round(loss * 100) + "% loss (CDF)", "ms from the crash", "fraction of observers", series));
    System.out.print(md);
  }
}
