package io.hearsay.bench.election;

import io.hearsay.runtime.admin.AdminClient;
import io.hearsay.runtime.network.LocalNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Leader failover on the {@code fabric} profile, with real peer processes: one org of
 * {@code rounds + 1} peers in one channel with Fabric's default election timings
 * (startupGracePeriod 15 s, leaderAliveThreshold 10 s, leaderElectionDuration 5 s). Each round
 * waits a random 0–10 s (so the kill falls anywhere in the followers' 10 s windows), SIGKILLs the
 * current leader and times how long until another peer reports itself leader on its admin
 * endpoint (polled every 50 ms). Killed peers are not restarted: a restarted peer that has not yet
 * heard a declaration proposes itself at once and would win early, which is not failover.
 * Prints and writes {@code failover.md} and {@code failover.json}.
 */
public final class FailoverReport {

  private FailoverReport() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of("bench/results");
    int rounds = 5;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--out")) {
        out = Path.of(args[i + 1]);
      } else if (args[i].equals("--rounds")) {
        rounds = Integer.parseInt(args[i + 1]);
      }
    }
    Path dir = Files.createTempDirectory("hearsay-failover");
    LocalNetwork network = LocalNetwork.create(dir, 1, rounds + 1, 1);
    java.util.Random random = new java.util.Random(42);
    List<Double> seconds = new ArrayList<>();
    try {
      for (LocalNetwork.Node node : network.peers()) {
        network.start(node);
      }
      LocalNetwork.Node leader = awaitLeader(network, p -> true, 120);
      for (int round = 1; round <= rounds; round++) {
        leader = awaitOnlyLeader(network, 120);
        Thread.sleep(random.nextInt(10_000));
        ProcessHandle process = ProcessHandle.of(network.pid(leader).orElseThrow()).orElseThrow();
        process.destroyForcibly();
        long killed = System.nanoTime();
        process.onExit().get(10, TimeUnit.SECONDS);
        LocalNetwork.Node dead = leader;
        LocalNetwork.Node next = awaitLeader(network, p -> !p.equals(dead) && ProcessHandle.of(network.pid(p).orElse(-1L))
            .map(ProcessHandle::isAlive).orElse(false), 120);
        double s = (System.nanoTime() - killed) / 1e9;
        seconds.add(s);
        System.out.printf("round %d: %s killed, %s leads after %.2f s%n", round, leader.name(), next.name(), s);
        leader = next;
      }
    } finally {
      network.stopAll();
    }
    List<Double> sorted = seconds.stream().sorted().toList();
    double median = sorted.get(sorted.size() / 2);
    double max = sorted.get(sorted.size() - 1);
    String json = String.format("{\"profile\": \"fabric\", \"peers\": " + (rounds + 1) + ", \"rounds\": %d, \"failoverSeconds\": %s,"
        + " \"medianSeconds\": %.2f, \"maxSeconds\": %.2f}%n", rounds, seconds, median, max);
    String md = "# Leader failover, fabric profile\n\n"
        + "One org of " + (rounds + 1) + " peer processes, one channel, Fabric's election defaults (leaderAliveThreshold\n"
        + "10 s, leaderElectionDuration 5 s). After a random 0-10 s the leader is SIGKILLed; time until another\n"
        + "peer reports itself leader (admin endpoint polled every 50 ms). `bench/run failover`.\n\n"
        + String.format("| rounds | median | max | each |%n| --- | --- | --- | --- |%n| %d | %.2f s | %.2f s | %s |%n",
            rounds, median, max, seconds.stream().map(v -> String.format("%.2f", v)).toList());
    Files.createDirectories(out);
    Files.writeString(out.resolve("failover.json"), json);
    Files.writeString(out.resolve("failover.md"), md);
    System.out.print(md);
  }

  /** The leader once exactly one alive peer has reported itself leader for 12 s running (a leader's term is settled). */
  private static LocalNetwork.Node awaitOnlyLeader(LocalNetwork network, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    LocalNetwork.Node settled = null;
    long since = 0;
    while (System.nanoTime() < deadline) {
      List<LocalNetwork.Node> leaders = new ArrayList<>();
      for (LocalNetwork.Node peer : network.running()) {
        if (!peer.orderer() && isLeader(peer)) {
          leaders.add(peer);
        }
      }
      LocalNetwork.Node only = leaders.size() == 1 ? leaders.get(0) : null;
      if (only == null || !only.equals(settled)) {
        settled = only;
        since = System.nanoTime();
      } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(12)) {
        return settled;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no single settled leader within " + seconds + " s");
  }

  @SuppressWarnings("unchecked")
  private static boolean isLeader(LocalNetwork.Node peer) {
    try {
      var channels = (List<Map<String, Object>>) AdminClient.status(peer.admin()).get("channels");
      return !channels.isEmpty() && Boolean.TRUE.equals(channels.get(0).get("leader"));
    } catch (IOException notUp) {
      return false;
    }
  }

  /** A peer accepted by {@code candidate} that reports itself leader, waiting up to {@code seconds}. */
  private static LocalNetwork.Node awaitLeader(LocalNetwork network,
      java.util.function.Predicate<LocalNetwork.Node> candidate, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (LocalNetwork.Node peer : network.peers()) {
        if (!candidate.test(peer)) {
          continue;
        }
        if (isLeader(peer)) {
          return peer;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no leader within " + seconds + " s");
  }
}
