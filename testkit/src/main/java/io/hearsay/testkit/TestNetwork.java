package io.hearsay.testkit;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.config.AnchorPeer;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.comm.LinkFaults;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.runtime.config.PeerConfigs;
import io.hearsay.runtime.membership.MembershipView;
import io.hearsay.runtime.orderer.OrdererNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;

/**
 * Real peers for a test: one ActorSystem each, Artery TCP on 127.0.0.1, identities from crypto
 * material generated for the network, Fabric's intervals scaled down ({@link TestConfigs}), and
 * all of them stopped on close.
 *
 * <pre>{@code
 * try (TestNetwork network = new TestNetwork(2, 3)) {
 *   List<HearsayPeer> peers = network.startChannel("mychannel", 3, 2);   // 3 peers of Org1, 2 of Org2
 *   network.order("mychannel", 10);                                       // as the ordering service would
 *   TestNetwork.awaitHeight(peers, "mychannel", 11, Duration.ofSeconds(30));
 *   network.cut(peers.get(0), peers.get(1));
 *   network.stop(peers.get(4));
 * }
 * }</pre>
 *
 * Peers of one JVM share its two cores: keep networks to a handful of peers, and wait on
 * conditions ({@link #awaitViews}, {@link #awaitHeight}, {@link Eventually}), never on sleeps.
 */
public final class TestNetwork implements AutoCloseable {

  private final Path dir;
  private final CryptoMaterial material;
  private final List<HearsayPeer> running = new ArrayList<>();
  private final List<OrdererNode> orderers = new ArrayList<>();
  /** Each channel's chain so far, genesis first, for {@link #order}. */
  private final Map<String, List<Block>> chains = new HashMap<>();
  /** The peers of each org started by {@link #startChannel}, in order. */
  private final Map<String, List<HearsayPeer>> channelPeers = new HashMap<>();
  private final Map<HearsayPeer, LinkFaults> faults = new HashMap<>();

  /**
   * Starts the orderer node of the orderer org on {@code port} (the address the channels' config
   * blocks name), serving the channels of {@code genesis}.
   */
  public OrdererNode startOrderer(int port, List<Block> genesis) {
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
      Config config = ConfigFactory.parseMap(values).withFallback(TestConfigs.MANY_PEERS_PER_JVM);
      var orderer = OrdererNode.start(config, "test orderer", Map.of());
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
  public Path write(String name, Block block) {
    try {
      return Files.write(dir.resolve(name), block.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config of peer {@code peer} (0-based) of org {@code org} (1-based). */
  public Config config(int org, int peer, List<Endpoint> bootstrap, Map<String, Object> overrides) {
    CryptoMaterial.Org o = material.org("Org" + org + "MSP");
    Map<String, Object> values = new HashMap<>(TestConfigs.FAST);
    values.putAll(TestConfigs.CHANNEL_FAST);
    values.put("hearsay.ledger.data-dir", dir.resolve("ledgers").resolve(o.nodes().get(peer)).toString());
    // Tests feed channels themselves unless they start an orderer and choose a leadership mode.
    values.put("peer.gossip.orgLeader", false);
    values.putAll(overrides);
    return PeerConfigs.forNode(material, o, o.nodes().get(peer), new Endpoint("127.0.0.1", 0), bootstrap, values)
        .withFallback(TestConfigs.MANY_PEERS_PER_JVM);
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

  /**
   * Starts {@code peersPerOrg[i]} peers of org {@code i + 1} and joins them all to {@code channel}:
   * each org's first peer is its anchor peer, the others bootstrap from it, every peer has an
   * external endpoint so the orgs see each other, and the channel's genesis block names the
   * anchors. Blocks come from {@link #order}, as from the ordering service. Returns the peers,
   * org by org.
   */
  public List<HearsayPeer> startChannel(String channel, int... peersPerOrg) {
    return startChannel(channel, Map.of(), peersPerOrg);
  }

  /** As {@link #startChannel(String, int...)}, every peer's config with {@code overrides}. */
  public List<HearsayPeer> startChannel(String channel, Map<String, Object> overrides, int... peersPerOrg) {
    Map<Integer, Endpoint> anchors = new HashMap<>();
    Map<String, List<AnchorPeer>> anchorPeers = new HashMap<>();
    for (int org = 1; org <= peersPerOrg.length; org++) {
      Endpoint anchor = new Endpoint("127.0.0.1", freePort());
      anchors.put(org, anchor);
      anchorPeers.put("Org" + org + "MSP", List.of(new AnchorPeer(anchor.host(), anchor.port())));
    }
    Block genesis;
    try {
      genesis = GenesisBlocks.create(channel, material, anchorPeers);
    } catch (IOException | CertificateException e) {
      throw new IllegalStateException("the genesis block of " + channel + ": " + e.getMessage(), e);
    }
    synchronized (chains) {
      chains.put(channel, new ArrayList<>(List.of(genesis)));
    }
    List<HearsayPeer> peers = new ArrayList<>();
    for (int org = 1; org <= peersPerOrg.length; org++) {
      List<HearsayPeer> ofOrg = new ArrayList<>();
      for (int i = 0; i < peersPerOrg[org - 1]; i++) {
        Endpoint endpoint = i == 0 ? anchors.get(org) : new Endpoint("127.0.0.1", freePort());
        Map<String, Object> values = new HashMap<>(overrides);
        values.put("peer.gossip.endpoint", endpoint.toString());
        values.put("peer.gossip.externalEndpoint", endpoint.toString());
        ofOrg.add(start(config(org, i, i == 0 ? List.of() : List.of(anchors.get(org)), values)));
      }
      peers.addAll(ofOrg);
      synchronized (channelPeers) {
        channelPeers.put(channel + "/" + org, ofOrg);
      }
    }
    peers.forEach(peer -> peer.joinChannel(genesis));
    return peers;
  }

  /**
   * Cuts {@code count} more blocks of {@code channel} (one transaction each, signed by the
   * material's orderer) and hands them to the first running peer of every org, as each org's
   * leader would get them from the ordering service. Returns the blocks.
   */
  public List<Block> order(String channel, int count) {
    List<List<ByteString>> data = new ArrayList<>();
    synchronized (chains) {
      long height = chain(channel).size();
      for (int i = 0; i < count; i++) {
        data.add(List.of(ByteString.copyFromUtf8("tx " + (height + i))));
      }
    }
    return cut(channel, data);
  }

  /** Cuts one block of {@code channel} holding {@code transactions} (real envelopes), as {@link #order} does. */
  public Block order(String channel, List<Envelope> transactions) {
    return cut(channel, List.of(transactions.stream().map(Envelope::toByteString).toList())).get(0);
  }

  private List<Block> chain(String channel) {
    List<Block> chain = chains.get(channel);
    if (chain == null) {
      throw new IllegalArgumentException("channel " + channel + " was not started by startChannel");
    }
    return chain;
  }

  /** Cuts one block per element of {@code data}, signed by the orderer, and hands them to each org's first running peer. */
  private List<Block> cut(String channel, List<List<ByteString>> data) {
    List<Block> blocks = new ArrayList<>();
    synchronized (chains) {
      List<Block> chain = chain(channel);
      SigningIdentity orderer = ordererIdentity();
      for (List<ByteString> transactions : data) {
        Block next = OrdererSignatures.sign(BlockBuilder.next(chain.get(chain.size() - 1), transactions), orderer);
        chain.add(next);
        blocks.add(next);
      }
    }
    List<HearsayPeer> leaders = new ArrayList<>();
    synchronized (channelPeers) {
      channelPeers.forEach((key, ofOrg) -> {
        if (key.startsWith(channel + "/")) {
          ofOrg.stream().filter(this::isRunning).findFirst().ifPresent(leaders::add);
        }
      });
    }
    leaders.forEach(leader -> blocks.forEach(block -> leader.commitBlock(channel, block)));
    return blocks;
  }

  /** The genesis block of a channel {@link #startChannel} started. */
  public Block genesis(String channel) {
    synchronized (chains) {
      return chain(channel).get(0);
    }
  }

  private SigningIdentity ordererIdentity() {
    CryptoMaterial.Org org = material.org("OrdererMSP");
    try {
      return material.signingIdentity(org, org.nodes().get(0));
    } catch (Exception e) {
      throw new IllegalStateException("the orderer's identity: " + e.getMessage(), e);
    }
  }

  private boolean isRunning(HearsayPeer peer) {
    synchronized (running) {
      return running.contains(peer);
    }
  }

  /**
   * Cuts the link between two peers both ways: each drops what it would send to the other (other
   * faults injected by this network stay), until {@link #heal}.
   */
  public void cut(HearsayPeer a, HearsayPeer b) {
    synchronized (faults) {
      faults.put(a, faults.getOrDefault(a, LinkFaults.none()).dropAll(b.endpoint()));
      faults.put(b, faults.getOrDefault(b, LinkFaults.none()).dropAll(a.endpoint()));
      a.setFaults(faults.get(a));
      b.setFaults(faults.get(b));
    }
  }

  /** Heals every link this network cut. */
  public void heal() {
    synchronized (faults) {
      faults.keySet().stream().filter(this::isRunning).forEach(peer -> peer.setFaults(LinkFaults.none()));
      faults.clear();
    }
  }

  /** Waits until every peer holds {@code height} blocks of {@code channel}, all with the same tip. */
  public static void awaitHeight(List<HearsayPeer> peers, String channel, long height, Duration within) {
    Map<HearsayPeer, ChannelLedger.Height> seen = new HashMap<>();
    Eventually.await(within, Eventually.POLL_INTERVAL, "every peer at height " + height + " of " + channel
        + " with one tip", () -> {
          seen.clear();
          for (HearsayPeer peer : peers) {
            seen.put(peer, peer.channelHeight(channel).toCompletableFuture().join());
          }
          return seen.values().stream().allMatch(h -> h.height() == height)
              && seen.values().stream().map(ChannelLedger.Height::tipHash).distinct().count() == 1;
        }, () -> "heights " + seen.entrySet().stream().map(e -> e.getKey().endpoint() + "=" + e.getValue().height())
            .toList());
  }

  /** A port free right now on 127.0.0.1, for peers whose endpoint must be known before they start. */
  public static int freePort() {
    return FreePorts.next();
  }

  public static MembershipView view(HearsayPeer peer) {
    return peer.membership().toCompletableFuture().join();
  }

  /** Asserts, retrying until {@code within}, that every peer's view satisfies {@code condition}. */
  public static void awaitViews(List<HearsayPeer> peers, Duration within, String what,
      Predicate<PeerView> condition) {
    List<String> failing = new ArrayList<>();
    Eventually.await(within, Eventually.POLL_INTERVAL, what, () -> {
      failing.clear();
      for (HearsayPeer peer : peers) {
        try {
          if (!condition.test(new PeerView(peer, view(peer)))) {
            failing.add(peer.endpoint().toString());
          }
        } catch (CompletionException busy) {
          // A peer too busy to answer within the ask timeout has not met the condition yet.
          failing.add(peer.endpoint() + " (" + busy.getCause().getClass().getSimpleName() + ")");
        }
      }
      return failing.isEmpty();
    }, () -> "for " + failing);
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
    toStop.forEach(p -> Terminations.terminate(p.system(), Duration.ofSeconds(30)));
    synchronized (orderers) {
      orderers.forEach(OrdererNode::close);
      orderers.clear();
    }
    Directories.deleteQuietly(dir);
  }
}
