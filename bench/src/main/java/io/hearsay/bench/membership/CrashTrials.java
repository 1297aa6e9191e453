package io.hearsay.bench.membership;

import com.typesafe.config.Config;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerConfigs;
import io.hearsay.runtime.membership.MembershipView;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** What the membership benchmarks do to real peers: wait on their views, crash one and time its detection. */
final class CrashTrials {

  private CrashTrials() {}

  /** Starts peer {@code index} of {@code org} on a free port with {@code config} on top; it joins {@code running}. */
  static HearsayPeer start(CryptoMaterial material, CryptoMaterial.Org org, int index, List<Endpoint> bootstrap,
      Config config, List<HearsayPeer> running) throws ConfigError {
    String node = org.nodes().get(index);
    HearsayPeer peer = HearsayPeer.start(PeerConfigs.forNode(material, org, node, new Endpoint("127.0.0.1", 0),
        bootstrap, Map.of()).withFallback(config).withFallback(TestConfigs.MANY_PEERS_PER_JVM), node, Map.of());
    running.add(peer);
    return peer;
  }

  /** Stops every peer in {@code running} and waits for them. */
  static void stopAll(List<HearsayPeer> running) {
    running.forEach(HearsayPeer::stop);
    running.forEach(p -> p.system().getWhenTerminated().toCompletableFuture().join());
    running.clear();
  }

  static MembershipView view(HearsayPeer peer) {
    return peer.membership().toCompletableFuture().join();
  }

  /** Waits, polling every 10 ms (the resolution of the times measured), until every peer's view satisfies {@code condition}. */
  static void await(List<HearsayPeer> peers, Predicate<MembershipView> condition, Duration within) {
    Eventually.await(within, Duration.ofMillis(10), "every peer's view", () -> peers.stream()
        .allMatch(p -> condition.test(view(p))), () -> "");
  }

  /**
   * Stops {@code victim} (one of {@code peers}, and of {@code running}, which forgets it) and
   * returns the milliseconds until every other peer holds it dead.
   */
  static long crashUntilDead(HearsayPeer victim, List<HearsayPeer> peers, List<HearsayPeer> running, Duration within) {
    List<HearsayPeer> others = new ArrayList<>(peers);
    others.remove(victim);
    long crashed = System.nanoTime();
    victim.close();
    running.remove(victim);
    await(others, v -> v.deadPkiIds().contains(victim.pkiId()), within);
    return (System.nanoTime() - crashed) / 1_000_000;
  }
}
