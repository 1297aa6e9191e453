package io.hearsay.runtime.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerConfigs;
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

  /** Fabric's intervals scaled down 25 times, as every membership test uses them. */
  public static final Map<String, Object> FAST = PeerConfigs.fabricIntervalsScaledDown(25);

  /** Channel intervals scaled down as {@link #FAST} does, so tests run in seconds. */
  public static final Map<String, Object> CHANNEL_FAST = Map.of(
      "peer.gossip.publishStateInfoInterval", "160ms",
      "peer.gossip.requestStateInfoInterval", "160ms",
      "peer.gossip.digestWaitTime", "40ms",
      "peer.gossip.requestWaitTime", "60ms",
      "peer.gossip.responseWaitTime", "80ms",
      "peer.gossip.state.checkInterval", "400ms",
      "peer.gossip.state.responseTimeout", "120ms");

  private final Path dir;
  private final CryptoMaterial material;
  private final List<HearsayPeer> running = new ArrayList<>();
  private final List<io.hearsay.runtime.orderer.OrdererNode> orderers = new ArrayList<>();

  /**
   * Leader election with Fabric's timings divided by 5, except the membership sample interval
   * (Fabric's 1s / 2): it must exceed the channel's StateInfo interval, or the view of channel
   * members looks stable while it is still growing and peers propose before they see each other.
   */
  public static final Map<String, Object> ELECTION_FAST = Map.of(
      "peer.gossip.orgLeader", false,
      "peer.gossip.useLeaderElection", true,
      "peer.gossip.election.startupGracePeriod", "5s",
      "peer.gossip.election.membershipSampleInterval", "500ms",
      "peer.gossip.election.leaderAliveThreshold", "2s",
      "peer.gossip.election.leaderElectionDuration", "1s",
      "peer.deliveryclient.connTimeout", "300ms");

  /**
   * Starts the orderer node of the orderer org on {@code port} (the address the channels' config
   * blocks name), serving the channels of {@code genesis}.
   */
  public io.hearsay.runtime.orderer.OrdererNode startOrderer(int port, List<org.hyperledger.fabric.protos.common.Block> genesis) {
    try {
      CryptoMaterial.Org org = material.org("OrdererMSP");
      String node = org.nodes().get(0);
      List<String> files = new ArrayList<>();
      for (var block : genesis) {
        Path file = Files.createTempFile(dir, "genesis", ".block");
        Files.write(file, block.toByteArray());
        files.add(file.toString());
      }
      Map<String, Object> values = new HashMap<>();
      values.put("orderer.id", node);
      values.put("orderer.localMspId", org.mspId());
      values.put("orderer.mspConfigPath", material.nodeDir(org, node).resolve("msp").toString());
      values.put("orderer.endpoint", "127.0.0.1:" + port);
      values.put("orderer.channels", files);
      values.put("hearsay.ledger.data-dir", dir.resolve("ledgers").resolve(node).toString());
      Config config = com.typesafe.config.ConfigFactory.parseMap(values).withFallback(PeerConfigs.MANY_PEERS_PER_JVM);
      var orderer = io.hearsay.runtime.orderer.OrdererNode.start(config, "test orderer", Map.of());
      synchronized (orderers) {
        orderers.add(orderer);
      }
      return orderer;
    } catch (IOException | ConfigError e) {
      throw new IllegalStateException(e);
    }
  }

  public TestNetwork(int orgs, int peersPerOrg) {
    try {
      dir = Files.createTempDirectory("hearsay-network");
      material = CryptoMaterialGenerator.generate(
          new CryptoMaterialGenerator.Request(dir.resolve("crypto"), orgs, peersPerOrg, true, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public CryptoMaterial material() {
    return material;
  }

  /** The ledger data directory of peer {@code peer} (0-based) of org {@code org} (1-based). */
  public Path ledgerDir(int org, int peer) {
    return dir.resolve("ledgers").resolve(material.org("Org" + org + "MSP").nodes().get(peer));
  }

  /** Writes {@code block} to a file of this network's directory (for hearsay.channels.join). */
  public Path write(String name, org.hyperledger.fabric.protos.common.Block block) {
    try {
      return Files.write(dir.resolve(name), block.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config of peer {@code peer} (0-based) of org {@code org} (1-based). */
  public Config config(int org, int peer, List<Endpoint> bootstrap, Map<String, Object> overrides) {
    CryptoMaterial.Org o = material.org("Org" + org + "MSP");
    Map<String, Object> values = new HashMap<>(FAST);
    values.putAll(CHANNEL_FAST);
    values.put("hearsay.ledger.data-dir", dir.resolve("ledgers").resolve(o.nodes().get(peer)).toString());
    // Tests feed channels themselves unless they start an orderer and choose a leadership mode.
    values.put("peer.gossip.orgLeader", false);
    values.putAll(overrides);
    return PeerConfigs.forNode(material, o, o.nodes().get(peer), new Endpoint("127.0.0.1", 0), bootstrap, values)
        .withFallback(PeerConfigs.MANY_PEERS_PER_JVM);
  }

  /** Starts the first {@code count} peers of org 1, all bootstrapping from the first. */
  public List<HearsayPeer> startOrg(int count, Map<String, Object> overrides) {
    List<HearsayPeer> peers = new ArrayList<>();
    HearsayPeer first = start(config(1, 0, List.of(), overrides));
    peers.add(first);
    for (int i = 1; i < count; i++) {
      peers.add(start(config(1, i, List.of(first.endpoint()), overrides)));
    }
    return peers;
  }

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
    return io.hearsay.runtime.config.FreePorts.next();
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
        try {
          if (!condition.test(new PeerView(peer, view(peer)))) {
            failing.add(peer.endpoint().toString());
          }
        } catch (java.util.concurrent.CompletionException busy) {
          // A peer too busy to answer within the ask timeout has not met the condition yet.
          failing.add(peer.endpoint() + " (" + busy.getCause().getClass().getSimpleName() + ")");
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
    synchronized (orderers) {
      orderers.forEach(io.hearsay.runtime.orderer.OrdererNode::close);
      orderers.clear();
    }
    TestCrypto.deleteQuietly(dir);
  }
}
