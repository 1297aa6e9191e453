package io.hearsay.runtime.network;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.hearsay.channels.config.AnchorPeer;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.config.Ordering;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.runtime.admin.AdminClient;
import io.hearsay.runtime.node.NodeLauncher;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.runtime.config.PeerConfigs;
import io.hearsay.runtime.tls.PemTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * A local multi-org network in one directory: crypto material, one genesis block per channel,
 * one config file per node (mutual TLS, leader election, an admin endpoint each), and the node
 * processes (separate JVMs running this jar), whose pids are kept under {@code pids/} so that
 * another command can stop them. {@code network.conf} indexes it all.
 */
public final class LocalNetwork {

  static final String INDEX = "network.conf";

  /** One node: a peer or the orderer, its config file and its addresses. */
  public record Node(String name, String mspId, boolean orderer, Path config, Endpoint endpoint, Endpoint admin) {}

  private final Path dir;
  private final List<Node> nodes;
  private final List<String> channels;
  private final Map<String, AdminClient> adminClients = new ConcurrentHashMap<>();

  private LocalNetwork(Path dir, List<Node> nodes, List<String> channels) {
    this.dir = dir;
    this.nodes = List.copyOf(nodes);
    this.channels = List.copyOf(channels);
  }

  /** The gossip profiles a network's peers can run: Fabric's defaults, or hearsay-profile.conf on top. */
  public enum Profile { FABRIC, HEARSAY }

  /** Writes a new network into {@code dir}: blocks of at most 10 transactions or 2 s, as Fabric's test network. */
  public static LocalNetwork create(Path dir, int orgs, int peersPerOrg, int channelCount) throws Exception {
    return create(dir, orgs, peersPerOrg, channelCount, Profile.FABRIC);
  }

  public static LocalNetwork create(Path dir, int orgs, int peersPerOrg, int channelCount, Profile profile)
      throws Exception {
    prepare(dir);
    CryptoMaterial material = CryptoMaterialGenerator.generate(
        new CryptoMaterialGenerator.Request(dir.resolve("crypto"), orgs, peersPerOrg, true, false));
    List<Node> nodes = new ArrayList<>();
    Map<String, List<AnchorPeer>> anchors = new HashMap<>();
    CryptoMaterial.Org ordererOrg = material.org("OrdererMSP");
    Node orderer = node(dir, ordererOrg, ordererOrg.nodes().get(0), true);
    for (CryptoMaterial.Org org : material.orgs()) {
      if (org.kind() == CryptoMaterial.Kind.PEER) {
        for (String name : org.nodes()) {
          Node peer = node(dir, org, name, false);
          nodes.add(peer);
          if (name.startsWith("peer0.")) {
            anchors.put(org.mspId(), List.of(new AnchorPeer(peer.endpoint().host(), peer.endpoint().port())));
          }
        }
      }
    }
    List<String> channels = new ArrayList<>();
    List<String> blocks = new ArrayList<>();
    Files.createDirectories(dir.resolve("channels"));
    for (int i = 1; i <= channelCount; i++) {
      String channel = channelCount == 1 ? "mychannel" : "channel" + i;
      Path block = dir.resolve("channels").resolve(channel + ".block");
      Files.write(block, GenesisBlocks.create(channel, material, anchors,
          new Ordering(List.of(orderer.endpoint().toString()), 10, Duration.ofSeconds(2))).toByteArray());
      channels.add(channel);
      blocks.add(block.toAbsolutePath().toString());
    }
    Files.createDirectories(dir.resolve("config"));
    writeOrdererConfig(dir, material, ordererOrg, orderer, blocks);
    for (Node peer : nodes) {
      writePeerConfig(dir, material, peer, nodes, blocks, profile);
    }
    nodes.add(0, orderer);
    LocalNetwork network = new LocalNetwork(dir, nodes, channels);
    network.writeIndex();
    return network;
  }

  /** Reads a network that {@link #create} wrote. */
  public static LocalNetwork load(Path dir) throws IOException {
    Path index = dir.resolve(INDEX);
    if (!Files.isRegularFile(index)) {
      throw new IOException(dir + " holds no local network (no " + INDEX + ")");
    }
    Config c = ConfigFactory.parseFile(index.toFile());
    List<Node> nodes = new ArrayList<>();
    for (Config n : c.getConfigList("nodes")) {
      nodes.add(new Node(n.getString("name"), n.getString("mspId"), n.getBoolean("orderer"), Path.of(n.getString("config")),
          Endpoint.parse(n.getString("endpoint")).orElseThrow(), Endpoint.parse(n.getString("admin")).orElseThrow()));
    }
    return new LocalNetwork(dir, nodes, c.getStringList("channels"));
  }

  public Path dir() {
    return dir;
  }

  public List<String> channels() {
    return channels;
  }

  public Node orderer() {
    return nodes.stream().filter(Node::orderer).findFirst().orElseThrow();
  }

  public List<Node> peers() {
    return nodes.stream().filter(n -> !n.orderer()).toList();
  }

  public List<Node> nodes() {
    return nodes;
  }

  public CryptoMaterial material() throws IOException {
    return CryptoMaterial.load(dir.resolve("crypto"));
  }

  /**
   * A client for a node's admin endpoint: HTTPS with client certificates, as the network's nodes
   * serve it, presenting the TLS certificate of the node's org's admin (users/Admin@DOMAIN/tls).
   */
  public AdminClient adminClient(Node node) throws IOException {
    try {
      return adminClients.computeIfAbsent(node.name(), name -> {
        try {
          return AdminClient.tls(adminTls(node));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The TLS a client of a node's admin endpoint needs: its org's TLS CA, and the org admin's client certificate. */
  public SSLContext adminTls(Node node) throws IOException {
    CryptoMaterial material = material();
    Path adminTls = material.userDir(material.org(node.mspId()), CryptoMaterial.ADMIN).resolve("tls");
    return PemTls.context(Optional.of(new PemTls.KeyPair(adminTls.resolve("client.crt"), adminTls.resolve("client.key"))),
        List.of(adminTls.resolve("ca.crt")), UnaryOperator.identity());
  }

  /** {@code GET /status} of a node, parsed. */
  public Map<String, Object> status(Node node) throws IOException {
    return adminClient(node).status(node.admin());
  }

  /** The nodes whose recorded process is alive. */
  public List<Node> running() {
    return nodes.stream().filter(n -> pid(n).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false)).toList();
  }

  /** Starts a node as a separate JVM running this jar; its output goes to {@code logs/NAME.log}. */
  public ProcessHandle start(Node node) throws IOException {
    Process process = NodeLauncher.start(node.orderer() ? "orderer" : "peer", node.config(), log(node));
    Files.createDirectories(dir.resolve("pids"));
    Files.writeString(pidFile(node), Long.toString(process.pid()));
    return process.toHandle();
  }

  /** Stops every running node at once (SIGTERM to all, then waits), returning how many ran. */
  public int stopAll() {
    List<Node> running = running();
    running.forEach(n -> pid(n).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy));
    running.forEach(this::stop);
    return running.size();
  }

  /** Stops a node: SIGTERM (coordinated shutdown), then SIGKILL after 15 s. */
  public void stop(Node node) {
    pid(node).flatMap(ProcessHandle::of).ifPresent(process -> {
      process.destroy();
      try {
        process.onExit().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        process.destroyForcibly();
      }
    });
    try {
      Files.deleteIfExists(pidFile(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a node's output goes. */
  public Path log(Node node) {
    return dir.resolve("logs").resolve(node.name() + ".log");
  }

  /** The recorded pid of a node's process. */
  public Optional<Long> pid(Node node) {
    try {
      Path file = pidFile(node);
      return Files.isRegularFile(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private Path pidFile(Node node) {
    return dir.resolve("pids").resolve(node.name() + ".pid");
  }

  private static void prepare(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        boolean empty = entries.findAny().isEmpty();
        if (!empty && !Files.isRegularFile(dir.resolve(INDEX))) {
          throw new IOException(dir + " is not empty and holds no local network; choose another --dir");
        }
      }
      if (Files.isRegularFile(dir.resolve(INDEX)) && !load(dir).running().isEmpty()) {
        throw new IOException("the network in " + dir + " is running; stop it with: hearsay network down --dir " + dir);
      }
      Directories.deleteRecursively(dir);
    }
    Files.createDirectories(dir);
  }

  private static Node node(Path dir, CryptoMaterial.Org org, String name, boolean orderer) {
    Path config = dir.resolve("config").resolve(name + ".conf").toAbsolutePath();
    return new Node(name, org.mspId(), orderer, config, new Endpoint("127.0.0.1", FreePorts.next()),
        new Endpoint("127.0.0.1", FreePorts.next()));
  }

  private static void writePeerConfig(Path dir, CryptoMaterial material, Node peer, List<Node> peers, List<String> blocks,
      Profile profile) throws IOException {
    CryptoMaterial.Org org = material.org(peer.mspId());
    List<Endpoint> bootstrap = peers.stream()
        .filter(p -> p.mspId().equals(peer.mspId()) && p.name().startsWith("peer0.") && !p.equals(peer))
        .map(Node::endpoint).toList();
    Map<String, Object> values = new HashMap<>(tls(material, org, peer.name(), "peer.tls"));
    values.put("peer.gossip.externalEndpoint", peer.endpoint().toString());
    values.put("peer.gossip.orgLeader", false);
    values.put("peer.gossip.useLeaderElection", true);
    values.put("hearsay.channels.join", blocks);
    values.put("hearsay.ledger.data-dir", dir.resolve("data").resolve(peer.name()).toAbsolutePath().toString());
    values.put("hearsay.admin.endpoint", peer.admin().toString());
    write(peer.config(), PeerConfigs.forNode(material, org, peer.name(), peer.endpoint(), bootstrap, values),
        profile == Profile.HEARSAY ? "include classpath(\"hearsay-profile.conf\")\n" : "");
  }

  private static void writeOrdererConfig(Path dir, CryptoMaterial material, CryptoMaterial.Org org, Node orderer,
      List<String> blocks) throws IOException {
    Map<String, Object> values = new HashMap<>(tls(material, org, orderer.name(), "orderer.tls"));
    values.put("orderer.id", orderer.name());
    values.put("orderer.localMspId", org.mspId());
    values.put("orderer.mspConfigPath", material.nodeDir(org, orderer.name()).resolve("msp").toAbsolutePath().toString());
    values.put("orderer.endpoint", orderer.endpoint().toString());
    values.put("orderer.channels", blocks);
    values.put("hearsay.ledger.data-dir", dir.resolve("data").resolve(orderer.name()).toAbsolutePath().toString());
    values.put("hearsay.admin.endpoint", orderer.admin().toString());
    write(orderer.config(), ConfigFactory.parseMap(values), "");
  }

  /**
   * TLS settings of a node from its generated PEM files, as cryptogen writes them: the node's own
   * ({@code peer.tls}: Artery and its deliver client; {@code orderer.tls}: its gRPC endpoint), and
   * its admin endpoint's as Fabric's operations.tls, HTTPS with its TLS certificate, taking only
   * clients whose certificate its own org's TLS CA issued (the org's admin).
   */
  static Map<String, Object> tls(CryptoMaterial material, CryptoMaterial.Org org, String node, String prefix) {
    Path tlsDir = material.nodeDir(org, node).resolve("tls").toAbsolutePath();
    return Map.of(prefix + ".enabled", true,
        prefix + ".cert.file", tlsDir.resolve("server.crt").toString(),
        prefix + ".key.file", tlsDir.resolve("server.key").toString(),
        prefix + ".rootcert.file", tlsDir.resolve("ca.crt").toString(),
        "operations.tls.enabled", true,
        "operations.tls.cert.file", tlsDir.resolve("server.crt").toString(),
        "operations.tls.key.file", tlsDir.resolve("server.key").toString(),
        "operations.tls.clientAuthRequired", true,
        "operations.tls.clientRootCAs.files", List.of(tlsDir.resolve("ca.crt").toString()));
  }

  private static void write(Path file, Config config, String includes) throws IOException {
    Files.writeString(file, "# Written by `hearsay network up`.\n" + includes
        + config.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
  }

  private void writeIndex() throws IOException {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Node n : nodes) {
      list.add(Map.of("name", n.name(), "mspId", n.mspId(), "orderer", n.orderer(), "config", n.config().toString(),
          "endpoint", n.endpoint().toString(), "admin", n.admin().toString()));
    }
    write(dir.resolve(INDEX), ConfigFactory.parseMap(Map.of("channels", channels, "nodes", list)), "");
  }
}
