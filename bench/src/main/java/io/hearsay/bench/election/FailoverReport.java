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
 * (leaderAliveThreshold 10 s, leaderElectionDuration 5 s) or hearsay-profile.conf's (300 ms after
 * the last declaration, the next peer in line taking over at once). Each round waits a random
 * part of one leaderAliveThreshold (so the kill falls anywhere in the followers' windows), SIGKILLs
 * the current leader and times how long until another peer's deliver client runs, by its admin
 * endpoint (polled every 20 ms), and whether that peer was next in line (the lowest PKI-ID alive).
 * Killed peers are not restarted: a restarted peer that has not yet heard a declaration proposes
 * itself at once and would win early, which is not failover; {@code --networks} repeats the whole
 * run on fresh networks for more failovers. Prints and writes {@code failover.md} and
 * {@code failover.json}.
 */
public final class FailoverReport {

  private FailoverReport() {}

  /**
   * One profile's rounds: failover seconds, how many new leaders were next in line, and polls that
   * saw two live leaders at once.
   */
  record Row(String profile, List<Double> seconds, int nextInLine, int dualLeaderPolls, int dualDeliveringPolls,
      int startupDualLeaderPolls, int startupDualDeliveringPolls) {
    Row plus(Row other) {
      List<Double> all = new ArrayList<>(seconds);
      all.addAll(other.seconds());
      return new Row(profile, all, nextInLine + other.nextInLine(), dualLeaderPolls + other.dualLeaderPolls(),
          dualDeliveringPolls + other.dualDeliveringPolls(), startupDualLeaderPolls + other.startupDualLeaderPolls(),
          startupDualDeliveringPolls + other.startupDualDeliveringPolls());
    }
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of("bench/results");
    int rounds = 5;
    int networks = 1;
    String profiles = "fabric,hearsay";
    for (int i = 0; i < args.length - 1; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--profile" -> profiles = args[i + 1];
        case "--networks" -> networks = Integer.parseInt(args[i + 1]);
        default -> { }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (String profile : profiles.split(",")) {
      Row row = null;
      for (int n = 0; n < networks; n++) {
        Row one = run(LocalNetwork.Profile.valueOf(profile.toUpperCase(Locale.ROOT)), rounds, 42 + n);
        row = row == null ? one : row.plus(one);
      }
      rows.add(row);
    }
    List<Map<String, Object>> runs = new ArrayList<>();
    StringBuilder md = new StringBuilder("# Leader failover, fabric against hearsay\n\n"
        + networks + " network(s) of one org of " + (rounds + 1) + " peer processes, one channel, " + rounds
        + " failovers each (`bench/run failover`). fabric: Fabric's election\n"
        + "defaults (leaderAliveThreshold 10 s, leaderElectionDuration 5 s); hearsay: hearsay-profile.conf (a follower\n"
        + "takes the leader for gone 300 ms after its last declaration, declarations every 120 ms; the next peer in line\n"
        + "leads and delivers at once, the others' 200 ms elections end on its declaration). After a random\n"
        + "wait of up to one leaderAliveThreshold the leader is SIGKILLed; time until another peer's deliver client runs\n"
        + "(admin endpoints polled every 20 ms). Next in line: the new leader was the lowest PKI-ID alive.\n"
        + "Two-leader and two-delivering polls: status polls after a failover, while the next settled leader was awaited,\n"
        + "in which two live peers both reported themselves leader, or both had their deliver client running; start-up:\n"
        + "the same from the peers' start until the first settled leader (all peers started at once).\n\n"
        + "| profile | failovers | median | p99 | max | next in line | two-leader polls | two-delivering polls "
        + "| start-up two-leader | start-up two-delivering |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row row : rows) {
      List<Double> sorted = row.seconds().stream().sorted().toList();
      double median = sorted.get(sorted.size() / 2);
      double p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.99 * sorted.size()) - 1));
      double max = sorted.get(sorted.size() - 1);
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", row.profile());
      run.put("failoverSeconds", row.seconds());
      run.put("medianSeconds", JsonFile.round(median, 3));
      run.put("p99Seconds", JsonFile.round(p99, 3));
      run.put("maxSeconds", JsonFile.round(max, 3));
      run.put("nextInLine", row.nextInLine());
      run.put("dualLeaderPolls", row.dualLeaderPolls());
      run.put("dualDeliveringPolls", row.dualDeliveringPolls());
      run.put("startupDualLeaderPolls", row.startupDualLeaderPolls());
      run.put("startupDualDeliveringPolls", row.startupDualDeliveringPolls());
      runs.add(run);
      md.append(String.format(Locale.ROOT, "| %s | %d | %.2f s | %.2f s | %.2f s | %d of %d | %d | %d | %d | %d |%n",
          row.profile(), sorted.size(), median, p99, max, row.nextInLine(), sorted.size(),
          row.dualLeaderPolls(), row.dualDeliveringPolls(), row.startupDualLeaderPolls(), row.startupDualDeliveringPolls()));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("networks", networks);
    document.put("peers", rounds + 1);
    document.put("rounds", rounds);
    document.put("runs", runs);
    Files.createDirectories(out);
    JsonFile.write(out.resolve("failover.json"), document);
    Files.writeString(out.resolve("failover.md"), md);
    System.out.print(md);
  }

  private static Row run(LocalNetwork.Profile profile, int rounds, long seed) throws Exception {
    boolean hearsay = profile == LocalNetwork.Profile.HEARSAY;
    int threshold = hearsay ? 300 : 10_000;
    Path dir = Files.createTempDirectory("hearsay-failover");
    LocalNetwork network = LocalNetwork.create(dir, 1, rounds + 1, 1, profile);
    Random random = new Random(seed);
    List<Double> seconds = new ArrayList<>();
    int nextInLine = 0;
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
        boolean inLine = pkiId(network, next).equals(network.running().stream().filter(p -> !p.orderer())
            .map(p -> pkiId(network, p)).sorted().findFirst().orElse(""));
        nextInLine += inLine ? 1 : 0;
        System.out.printf("%s round %d: %s killed, %s leads after %.2f s%s%n", profile, round, leader.name(), next.name(), s,
            inLine ? " (next in line)" : "");
        leader = next;
      }
      awaitOnlyLeader(network, 120, hearsay ? 3 : 12, dualPolls);
    } finally {
      network.stopAll();
    }
    return new Row(profile.name().toLowerCase(Locale.ROOT), seconds, nextInLine, dualPolls[0], dualPolls[1],
        startupPolls[0], startupPolls[1]);
  }

  /** A peer's PKI-ID as its admin status shows it ("" when it does not answer). */
  private static String pkiId(LocalNetwork network, LocalNetwork.Node peer) {
    try {
      return String.valueOf(network.status(peer).get("pkiId"));
    } catch (IOException notUp) {
      return "";
    }
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
      Thread.sleep(20);
    }
    throw new IllegalStateException("no leader within " + seconds + " s");
  }
}
