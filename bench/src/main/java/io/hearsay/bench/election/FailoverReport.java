package io.hearsay.bench.election;

import io.hearsay.bench.report.JsonFile;
import io.hearsay.runtime.network.LocalNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Leader failover, {@code fabric} profile against {@code hearsay}, with real peer processes: one
 * org of {@code rounds + 1} peers in one channel, with Fabric's default election timings
 * (leaderAliveThreshold 10 s, leaderElectionDuration 5 s) or hearsay-profile.conf's (500 ms after
 * the last declaration, 200 ms, a 200 ms delivery lease). Each round waits a random part of one leaderAliveThreshold (so the kill falls anywhere
 * in the followers' windows), SIGKILLs the
 * current leader and times how long until another peer reports itself leader on its admin
 * endpoint (polled every 50 ms). Killed peers are not restarted: a restarted peer that has not yet
 * heard a declaration proposes itself at once and would win early, which is not failover.
 * Prints and writes {@code failover.md} and {@code failover.json}.
 */
public final class FailoverReport {

  private FailoverReport() {}

  /** One profile's rounds: failover seconds, and polls that saw two live leaders at once. */
  record Row(String profile, List<Double> seconds, int dualLeaderPolls, int dualDeliveringPolls,
      int startupDualLeaderPolls, int startupDualDeliveringPolls) {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of("bench/results");
    int rounds = 5;
    String profiles = "fabric,hearsay";
    for (int i = 0; i < args.length - 1; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--profile" -> profiles = args[i + 1];
        default -> { }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (String profile : profiles.split(",")) {
      rows.add(run(LocalNetwork.Profile.valueOf(profile.toUpperCase(Locale.ROOT)), rounds));
    }
    List<Map<String, Object>> runs = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Leader failover, fabric against hearsay\n\n"
        + "One org of " + (rounds + 1) + " peer processes, one channel (`bench/run failover`). fabric: Fabric's election\n"
        + "defaults (leaderAliveThreshold 10 s, leaderElectionDuration 5 s); hearsay: hearsay-profile.conf (a follower\n"
        + "elects 500 ms after the last declaration, declarations every 200 ms, elections of 200 ms). After a random\n"
        + "wait of up to one leaderAliveThreshold the leader is SIGKILLed; time until another peer's deliver client runs\n"
        + "(admin endpoint polled every 50 ms; hearsay's leader waits a 200 ms delivery lease).\n"
        + "Two-leader and two-delivering polls: status polls after a failover, while the next settled leader was awaited,\n"
        + "in which two live peers both reported themselves leader, or both had their deliver client running; start-up:\n"
        + "the same from the peers' start until the first settled leader (all peers started at once).\n\n"
        + "| profile | median | max | each | two-leader polls | two-delivering polls | start-up two-leader | start-up two-delivering |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row row : rows) {
      List<Double> sorted = row.seconds().stream().sorted().toList();
      double median = sorted.get(sorted.size() / 2);
      double max = sorted.get(sorted.size() - 1);
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", row.profile());
      run.put("failoverSeconds", row.seconds());
      run.put("medianSeconds", JsonFile.round(median, 3));
      run.put("maxSeconds", JsonFile.round(max, 3));
      run.put("dualLeaderPolls", row.dualLeaderPolls());
      run.put("dualDeliveringPolls", row.dualDeliveringPolls());
      run.put("startupDualLeaderPolls", row.startupDualLeaderPolls());
      run.put("startupDualDeliveringPolls", row.startupDualDeliveringPolls());
      runs.add(run);
      md.append(String.format(Locale.ROOT, "| %s | %.2f s | %.2f s | %s | %d | %d | %d | %d |%n", row.profile(),
          median, max, row.seconds().stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList(),
          row.dualLeaderPolls(), row.dualDeliveringPolls(), row.startupDualLeaderPolls(), row.startupDualDeliveringPolls()));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("peers", rounds + 1);
    document.put("rounds", rounds);
    document.put("runs", runs);
    Files.createDirectories(out);
    JsonFile.write(out.resolve("failover.json"), document);
    Files.writeString(out.resolve("failover.md"), md);
    System.out.print(md);
  }

  private static Row run(LocalNetwork.Profile profile, int rounds) throws Exception {
    boolean hearsay = profile == LocalNetwork.Profile.HEARSAY;
    int threshold = hearsay ? 500 : 10_000;
    Path dir = Files.createTempDirectory("hearsay-failover");
    LocalNetwork network = LocalNetwork.create(dir, 1, rounds + 1, 1, profile);
    Random random = new Random(42);
    List<Double> seconds = new ArrayList<>();
    int[] dualPolls = {0, 0};
    int[] startupPolls = {0, 0};
    try {
      for (LocalNetwork.Node node : network.peers()) {
        network.start(node);
      }
      LocalNetwork.Node leader = awaitLeader(network, p -> true, 120);
      for (int round = 1; round <= rounds; round++) {
        // Start-up's elections, among peers that have not yet proven membership to each other,
        // are not failover: two-leader polls are counted from the first settled leader on.
        leader = awaitOnlyLeader(network, 120, hearsay ? 3 : 12, round == 1 ? startupPolls : dualPolls);
        Thread.sleep(random.nextInt(threshold));
        ProcessHandle process = ProcessHandle.of(network.pid(leader).orElseThrow()).orElseThrow();
        process.destroyForcibly();
        long killed = System.nanoTime();
        process.onExit().get(10, TimeUnit.SECONDS);
        LocalNetwork.Node dead = leader;
        LocalNetwork.Node next = awaitLeader(network, p -> !p.equals(dead) && ProcessHandle.of(network.pid(p).orElse(-1L))
            .map(ProcessHandle::isAlive).orElse(false), 120);
        double s = (System.nanoTime() - killed) / 1e9;
        seconds.add(s);
        System.out.printf("%s round %d: %s killed, %s leads after %.2f s%n", profile, round, leader.name(), next.name(), s);
        leader = next;
      }
      awaitOnlyLeader(network, 120, hearsay ? 3 : 12, dualPolls);
    } finally {
      network.stopAll();
    }
    return new Row(profile.name().toLowerCase(Locale.ROOT), seconds, dualPolls[0], dualPolls[1],
        startupPolls[0], startupPolls[1]);
  }

  /**
   * The leader once exactly one alive peer has reported itself leader for {@code settleSeconds}
   * running (a leader's term is settled); polls that saw two leaders, and two delivering, are
   * counted in {@code dualPolls}.
   */
  private static LocalNetwork.Node awaitOnlyLeader(LocalNetwork network, int seconds, int settleSeconds,
      int[] dualPolls) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    LocalNetwork.Node settled = null;
    long since = 0;
    while (System.nanoTime() < deadline) {
      List<LocalNetwork.Node> leaders = new ArrayList<>();
      int delivering = 0;
      for (LocalNetwork.Node peer : network.running()) {
        if (!peer.orderer() && flag(network, peer, "leader")) {
          leaders.add(peer);
          delivering += flag(network, peer, "delivering") ? 1 : 0;
        }
      }
      dualPolls[0] += leaders.size() > 1 ? 1 : 0;
      dualPolls[1] += delivering > 1 ? 1 : 0;
      LocalNetwork.Node only = leaders.size() == 1 ? leaders.get(0) : null;
      if (only == null || !only.equals(settled)) {
        settled = only;
        since = System.nanoTime();
      } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(settleSeconds)) {
        return settled;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no single settled leader within " + seconds + " s");
  }

  @SuppressWarnings("unchecked")
  /** A flag of the peer's first channel in its admin status ("leader", "delivering"). */
  private static boolean flag(LocalNetwork network, LocalNetwork.Node peer, String name) {
    try {
      var channels = (List<Map<String, Object>>) network.status(peer).get("channels");
      return !channels.isEmpty() && Boolean.TRUE.equals(channels.get(0).get(name));
    } catch (IOException notUp) {
      return false;
    }
  }

  /** A peer accepted by {@code candidate} whose deliver client runs, waiting up to {@code seconds}. */
  private static LocalNetwork.Node awaitLeader(LocalNetwork network,
      Predicate<LocalNetwork.Node> candidate, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (LocalNetwork.Node peer : network.peers()) {
        if (!candidate.test(peer)) {
          continue;
        }
        if (flag(network, peer, "delivering")) {
          return peer;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no leader within " + seconds + " s");
  }
}
