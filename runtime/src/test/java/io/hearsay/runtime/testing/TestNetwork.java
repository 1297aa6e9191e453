package io.hearsay.runtime.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.membership.MembershipView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Starts real peers (one ActorSystem each, Artery TCP on 127.0.0.1, port 0) from generated crypto
 * material, with Fabric's intervals scaled down for tests, and stops them all on close.
 */
public final class TestNetwork implements AutoCloseable {

  /** Fabric's ratios (alive 5s, expiry 25s, reconnect 25s, pull 4s) scaled down 25 times. */
  public static final Map<String, Object> FAST = Map.of(
      "peer.gossip.aliveTimeInterval", "200ms",
      "peer.gossip.aliveExpirationTimeout", "1s",
      "peer.gossip.reconnectInterval", "1s",
      "peer.gossip.pullInterval", "160ms");

  private final Path dir;
  private final CryptoMaterial material;
  private final List<HearsayPeer> running = new ArrayList<>();

  public TestNetwork(int orgs, int peersPerOrg) {
    try {
      dir = Files.createTempDirectory("hearsay-network");
      material = CryptoMaterialGenerator.generate(
          new CryptoMaterialGenerator.Request(dir.resolve("crypto"), orgs, peersPerOrg, false, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public CryptoMaterial material() {
    return material;
  }

  /** The config of peer {@code peer} (0-based) of org {@code org} (1-based). */
  public Config config(int org, int peer, List<Endpoint> bootstrap, Map<String, Object> overrides) {
    CryptoMaterial.Org o = material.org("Org" + org + "MSP");
    String node = o.nodes().get(peer);
    Map<String, Object> values = new HashMap<>(FAST);
    values.put("peer.id", node);
    values.put("peer.localMspId", o.mspId());
    values.put("peer.mspConfigPath", material.nodeDir(o, node).resolve("msp").toString());
    values.put("peer.gossip.endpoint", "127.0.0.1:0");
    values.put("peer.gossip.bootstrap", bootstrap.stream().map(Endpoint::toString).toList());
    List<Map<String, Object>> orgs = new ArrayList<>();
    for (CryptoMaterial.Org other : material.orgs()) {
      if (!other.equals(o)) {
        orgs.add(Map.of("mspId", other.mspId(), "mspDir", material.orgDir(other).resolve("msp").toString()));
      }
    }
    values.put("hearsay.orgs", orgs);
    values.putAll(overrides);
    return ConfigFactory.parseMap(values, "test config of " + node).withFallback(SMALL_SYSTEM);
  }

  /** Two cores run many peers: keep each ActorSystem's thread pools small. */
  private static final Config SMALL_SYSTEM = ConfigFactory.parseString("""
      pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 2 }
      pekko.actor.internal-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 2 }
      pekko.remote.default-remote-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 1 }
      pekko.loglevel = WARNING
      pekko.remote.artery.advanced.outbound-message-queue-size = 3072
      pekko.coordinated-shutdown.phases.actor-system-terminate.timeout = 5s
      """);

  public HearsayPeer start(int org, int peer, List<Endpoint> bootstrap) {
    return start(config(org, peer, bootstrap, Map.of()));
  }

  public HearsayPeer start(Config config) {
    try {
      HearsayPeer started = HearsayPeer.start(config, "test", Map.of());
      synchronized (running) {
        running.add(started);
      }
      return started;
    } catch (ConfigError e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops a peer and waits until its ActorSystem has terminated. */
  public void stop(HearsayPeer peer) {
    peer.close();
    synchronized (running) {
      running.remove(peer);
    }
  }

  /** A port free right now on 127.0.0.1, for peers whose endpoint must be known before they start. */
  public static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static MembershipView view(HearsayPeer peer) {
    return peer.membership().toCompletableFuture().join();
  }

  /** Asserts, retrying until {@code within}, that every peer's view satisfies {@code condition}. */
  public static void awaitViews(List<HearsayPeer> peers, Duration within, String what,
      Predicate<PeerView> condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      List<String> failing = new ArrayList<>();
      for (HearsayPeer peer : peers) {
        if (!condition.test(new PeerView(peer, view(peer)))) {
          failing.add(peer.endpoint().toString());
        }
      }
      if (failing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not true after " + within + " for " + failing);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A peer together with its current view. */
  public record PeerView(HearsayPeer peer, MembershipView view) {
    public boolean seesAlive(List<HearsayPeer> others) {
      return view.alivePkiIds().containsAll(others.stream().filter(o -> o != peer)
          .map(HearsayPeer::pkiId).collect(Collectors.toSet()));
    }

    public boolean seesDead(List<HearsayPeer> others) {
      return view.deadPkiIds().containsAll(others.stream().map(HearsayPeer::pkiId).collect(Collectors.toSet()));
    }
  }

  @Override
  public void close() {
    List<HearsayPeer> toStop;
    synchronized (running) {
      toStop = new ArrayList<>(running);
      running.clear();
    }
    toStop.forEach(p -> p.stop());
    toStop.forEach(p -> p.system().getWhenTerminated().toCompletableFuture().join());
    TestCrypto.deleteQuietly(dir);
  }
}
