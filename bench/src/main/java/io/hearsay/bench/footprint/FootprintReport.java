package io.hearsay.bench.footprint;

import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.network.LocalNetwork;
import io.hearsay.testkit.fabric.FabricNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a peer process costs the machine, from the OS: resident memory, threads and idle CPU of a
 * Hearsay peer joined to one channel and to {@code --channels} channels (a local network of one
 * org, one peer and an orderer, each a process as {@code network up} starts them), against a
 * Fabric v2.4.9 peer joined to one channel (net.sh's peer0.org1), started in the same run, and
 * the stack's floor ({@link BareActorSystem}).
 * Each is measured after {@code --settle} seconds of quiet, its CPU over {@code --window} seconds.
 * Writes {@code results/footprint.md} and {@code .json}. Usage: {@code [--channels 100]
 * [--settle 20] [--window 20] [--out DIR]}.
 */
public final class FootprintReport {

  private FootprintReport() {}

  public static void main(String[] args) throws Exception {
    List<String> list = List.of(args);
    int channels = intArg(list, "--channels", 100);
    Duration settle = Duration.ofSeconds(intArg(list, "--settle", 20));
    Duration window = Duration.ofSeconds(intArg(list, "--window", 20));
    int outIndex = list.indexOf("--out");
    Path out = Path.of(outIndex >= 0 ? args[outIndex + 1] : "bench/results");
    Path dir = Files.createTempDirectory("hearsay-footprint");

    Optional<ProcessFootprint> fabric = Optional.empty();
    if (FabricNetwork.absence().isPresent()) {
      System.err.println("no Fabric peer to compare with: " + FabricNetwork.absence().get());
    } else {
      try (FabricNetwork network = FabricNetwork.up(dir.resolve("fabric"), FabricNetwork.Options.defaults())) {
        long pid = network.pid("peer0.org1.example.com").orElseThrow();
        Thread.sleep(settle.toMillis());
        fabric = Optional.of(ProcessFootprint.of(pid, window));
        System.err.println("Fabric peer: " + fabric.get());
      }
    }
    ProcessFootprint bare = bare(dir.resolve("bare.log"), settle, window);
    System.err.println("Bare Pekko ActorSystem with Artery: " + bare);
    ProcessFootprint one = hearsay(dir.resolve("hearsay-1"), 1, settle, window);
    System.err.println("Hearsay peer, 1 channel: " + one);
    ProcessFootprint many = hearsay(dir.resolve("hearsay-" + channels), channels, settle, window);
    System.err.println("Hearsay peer, " + channels + " channels: " + many);
    write(out, fabric, bare, one, many, channels);
  }

  /** The stack's floor ({@link BareActorSystem}) in a JVM started as a peer's, once it is up. */
  private static ProcessFootprint bare(Path log, Duration settle, Duration window) throws Exception {
    Process process = BareActorSystem.start(log);
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (!Files.exists(log) || !Files.readString(log).contains("up at")) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("the bare ActorSystem did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
        }
        Thread.sleep(200);
      }
      Thread.sleep(settle.toMillis());
      return ProcessFootprint.of(process.pid(), window);
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** A Hearsay peer of a one-org, one-peer local network of {@code channels} channels, once they all run. */
  private static ProcessFootprint hearsay(Path dir, int channels, Duration settle, Duration window) throws Exception {
    LocalNetwork network = LocalNetwork.create(dir, 1, 1, channels);
    try {
      for (LocalNetwork.Node node : network.nodes()) {
        network.start(node);
      }
      LocalNetwork.Node peer = network.peers().get(0);
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!allRunning(network, peer, channels)) {
        if (System.nanoTime() > deadline) {
          throw new IOException("the peer did not run its " + channels + " channel(s) within 5 minutes");
        }
        Thread.sleep(500);
      }
      Thread.sleep(settle.toMillis());
      return ProcessFootprint.of(network.pid(peer).orElseThrow(), window);
    } finally {
      network.stopAll();
    }
  }

  private static boolean allRunning(LocalNetwork network, LocalNetwork.Node peer, int channels) {
    try {
      List<?> running = (List<?>) network.status(peer).get("channels");
      return running.size() == channels && running.stream().allMatch(c -> Json.asLong(((Map<?, ?>) c).get("height")) >= 1);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void write(Path out, Optional<ProcessFootprint> fabric, ProcessFootprint bare, ProcessFootprint one,
      ProcessFootprint many, int channels) throws IOException {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # A peer's footprint, from the OS

        Resident memory (VmRSS), threads and CPU while idle (percent of one core) of a peer process
        after a quiet settle period: a Hearsay peer as `network up` starts it (one org, one peer, an
        orderer; its JVM options are `NodeLauncher.SMALL`) joined to 1 and to %d channels, and a
        Fabric v2.4.9 peer joined to one channel (net.sh's peer0.org1), in the same run; and the
        stack's floor, a bare Pekko ActorSystem with Artery remoting and nothing else, in a JVM
        started with the peer's options (`BareActorSystem`).

        | process | RSS MB | threads | idle CPU %% |
        | --- | ---: | ---: | ---: |
        """, channels));
    fabric.ifPresent(f -> md.append(row("Fabric peer, 1 channel", f)));
    md.append(row("bare Pekko ActorSystem with Artery", bare));
    md.append(row("Hearsay peer, 1 channel", one));
    md.append(row("Hearsay peer, " + channels + " channels", many));
    md.append('\n');
    fabric.ifPresent(f -> md.append(String.format(Locale.ROOT, "- Hearsay / Fabric RSS at one channel: %.2f (goal ≤ 2); "
        + "the bare ActorSystem alone is %.2f of the Fabric peer%n", one.rssMb() / f.rssMb(), bare.rssMb() / f.rssMb())));
    md.append(String.format(Locale.ROOT, "- Hearsay peer at one channel above the bare ActorSystem: %.0f MB, %d threads%n",
        one.rssMb() - bare.rssMb(), one.threads() - bare.threads()));
    md.append(String.format(Locale.ROOT, "- Hearsay at %d channels / at one: %.2f RSS (goal ≤ 2), idle CPU per channel "
        + "%.3f %% of a core%n", channels, many.rssMb() / one.rssMb(), many.cpuPercent() / channels));
    Map<String, Object> document = new LinkedHashMap<>();
    fabric.ifPresent(f -> document.put("fabricOneChannel", f));
    document.put("bareActorSystem", bare);
    document.put("hearsayOneChannel", one);
    document.put("channels", channels);
    document.put("hearsayManyChannels", many);
    fabric.ifPresent(f -> document.put("rssRatioToFabric", Math.round(one.rssMb() / f.rssMb() * 1000) / 1000.0));
    fabric.ifPresent(f -> document.put("bareRssRatioToFabric", Math.round(bare.rssMb() / f.rssMb() * 1000) / 1000.0));
    document.put("rssRatioManyToOne", Math.round(many.rssMb() / one.rssMb() * 1000) / 1000.0);
    Files.createDirectories(out);
    Files.writeString(out.resolve("footprint.md"), md);
    Files.writeString(out.resolve("footprint.json"), Json.write(document) + "\n");
    System.out.print(md);
  }

  private static String row(String name, ProcessFootprint f) {
    return String.format(Locale.ROOT, "| %s | %.0f | %d | %.2f |%n", name, f.rssMb(), f.threads(), f.cpuPercent());
  }

  private static int intArg(List<String> args, String name, int fallback) {
    int i = args.indexOf(name);
    return i >= 0 ? Integer.parseInt(args.get(i + 1)) : fallback;
  }
}
