package io.hearsay.bench.membership;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.Options;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.runtime.membership.MembershipView;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.sim.LinkModel;
import io.hearsay.testkit.sim.SimulatedMembership;
import io.hearsay.testkit.sim.SimulatedNetwork;
import io.hearsay.testkit.sim.Slowdown;
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
import java.util.function.Predicate;

/**
 * Membership at scale on the simulated network: the real membership actors of {@code --peers}
 * peers (Fabric's intervals: alive every 5 s, membership pull every 4 s from 3 peers), all but
 * one started and converged; then the last one starts, and the time until 99.9% of the others
 * hold it alive is its join time. Bytes each peer sends per second are measured over the
 * converged network before the join.
 *
 * <p>{@code --slowdown k} runs every interval and link latency k times slower, so a 2-core machine
 * keeps up with a thousand peers; times are reported divided by k, i.e. in the network's own
 * time (which then assumes peers k times faster than this machine's share of a core).
 *
 * <p>Usage: {@code MembershipScaleReport [--peers 1000] [--slowdown 16] [--stagger 20] [--seed 2026]}.
 */
public final class MembershipScaleReport {

  private MembershipScaleReport() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.of("--peers", "1000",
        "--slowdown", "16", "--seed", "2026", "--out", "bench/results", "--stagger", "20",
        "--profile", "fabric"));
    int n = Integer.parseInt(options.get("--peers"));
    int k = Integer.parseInt(options.get("--slowdown"));
    // Milliseconds between peer starts (real time); 0 starts them in one burst.
    long stagger = Long.parseLong(options.get("--stagger"));
    long seed = Long.parseLong(options.get("--seed"));
    String profile = options.get("--profile");
    Config gossip = Slowdown.apply(TestConfigs.profile(profile).withFallback(ConfigFactory.load()), k,
        "peer.gossip", "hearsay.membership");
    LinkModel.Links links = Slowdown.apply(LinkModel.Links.lan(), k);
    long startedAt = System.nanoTime();
    try (SimulatedMembership network = new SimulatedMembership(n, links, seed, gossip,
        SimulatedNetwork.scratchDir("membership-scale"))) {
      System.out.printf("identities ready after %.1f s%n", (System.nanoTime() - startedAt) / 1e9);
      List<Integer> first = new ArrayList<>();
      for (int i = 0; i < n - 1; i++) {
        network.start(i);
        first.add(i);
        Thread.sleep(stagger);
      }
      int quorum = (int) Math.ceil(0.999 * (n - 2));
      long convergeStart = System.nanoTime();
      awaitAll(network, first, view -> view.alive().size() >= quorum, Duration.ofMinutes(30));
      double convergeSeconds = (System.nanoTime() - convergeStart) / 1e9 / k;
      System.out.printf("%d peers converged after %.1f s (network time)%n", n - 1, convergeSeconds);

      long bytesBefore = network.traffic().bytesSent().sum();
      long windowStart = System.nanoTime();
      Thread.sleep(Duration.ofSeconds(8L * k).toMillis());
      double windowSeconds = (System.nanoTime() - windowStart) / 1e9 / k;
      double bytesPerPeerPerSecond = (network.traffic().bytesSent().sum() - bytesBefore) / windowSeconds / (n - 1);

      int joiner = n - 1;
      PkiId joined = network.pkiId(joiner);
      long joinStart = System.nanoTime();
      network.start(joiner);
      int needed = (int) Math.ceil(0.999 * (n - 1));
      // Reading a thousand full views is itself heavy: once per real second (1/k s of network
      // time), and only the views of peers not yet known to hold the joiner.
      Set<Integer> notYet = new HashSet<>(first);
      while (first.size() - notYet.size() < needed) {
        if (System.nanoTime() - joinStart > Duration.ofMinutes(60).toNanos()) {
          throw new IllegalStateException("the join reached " + (first.size() - notYet.size()) + " of " + needed + " peers");
        }
        Thread.sleep(1000);
        notYet.removeIf(i -> network.view(i).toCompletableFuture().join().alivePkiIds().contains(joined));
      }
      double joinSeconds = (System.nanoTime() - joinStart) / 1e9 / k;
      write(Path.of(options.get("--out")), profile, n, k, seed, stagger, convergeSeconds, joinSeconds, bytesPerPeerPerSecond,
          network.traffic().rejections());
    }
  }

  /** Waits until every peer's view met {@code condition} once; views already seen meeting it are not read again. */
  private static void awaitAll(SimulatedMembership network, List<Integer> peers,
      Predicate<MembershipView> condition, Duration within) {
    Set<Integer> notYet = new HashSet<>(peers);
    Eventually.await(within, Duration.ofSeconds(1), "every peer's view", () -> {
      notYet.removeIf(i -> condition.test(network.view(i).toCompletableFuture().join()));
      return notYet.isEmpty();
    }, () -> (peers.size() - notYet.size()) + " of " + peers.size() + " peers reached the condition");
  }

  private static void write(Path out, String profile, int n, int k, long seed, long stagger, double converge, double join, double bytes,
      Map<?, Long> rejections) throws Exception {
    String md = String.format(Locale.ROOT, """
        # Membership at scale (%s profile)

        %d simulated peers running the real membership actor (the profile's intervals; fabric: alive every
        5 s, pull every 4 s from 3 peers), links 10 ms + up to 10 ms jitter, every interval and latency run %d times slower
        and reported in the network's own time (`bench/run membership-scale`). Seed %d.

        | measure | value |
        | --- | ---: |
        | %d peers started %d ms apart: from the last start until every one sees 99.9%% of the others | %.1f s |
        | a joining peer known alive by 99.9%% of the others | %.1f s |
        | bytes sent per peer per second, converged | %.0f B/s |
        | rejections | %s |
        """, profile, n, k, seed, n - 1, stagger, converge, join, bytes, rejections);
    Files.createDirectories(out);
    String name = "membership-scale" + (profile.equals("fabric") ? "" : "-" + profile.replaceAll("[^A-Za-z0-9.=-]+", "_"));
    Files.writeString(out.resolve(name + ".md"), md);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("profile", profile);
    document.put("peers", n);
    document.put("slowdown", k);
    document.put("seed", seed);
    document.put("convergeSeconds", JsonFile.round(converge, 2));
    document.put("joinSeconds", JsonFile.round(join, 2));
    document.put("bytesPerPeerPerSecond", Math.round(bytes));
    JsonFile.write(out.resolve(name + ".json"), document);
    System.out.print(md);
  }
}
