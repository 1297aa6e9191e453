package io.hearsay.testkit.fabric;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.hearsay.protocol.admin.JoinChainProposal;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.admin.AdminClient;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.node.NodeLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;

/**
 * A Hearsay peer process in a real Fabric network's org, started from a config file that names
 * the operator's material as Fabric's core.yaml does: cryptogen's peer folder for
 * {@code peer.mspConfigPath} and the PEM files of {@code peer.tls}, nothing converted. Its admin
 * endpoint is plain HTTP on loopback (what the tests read status and metrics from).
 */
public final class FabricOrgPeer implements AutoCloseable {

  /**
   * One peer: Fabric's {@code org} ("org1") and certificate {@code index} (peer2 …), where it
   * gossips and serves its admin endpoint, its bootstrap peers, the genesis blocks it joins at
   * start ({@code hearsay.channels.join}), further keys (intervals, election, profile), and
   * whether it speaks Fabric's gossip ({@code fabricGossip}: {@code gossip} is then its gRPC gossip
   * endpoint, inside and outside its org, as a Fabric peer's, and Artery takes any free port).
   */
  public record Spec(String org, int index, Endpoint gossip, Endpoint admin, List<Endpoint> bootstrap,
      List<Path> joinAtStart, Map<String, Object> overrides, boolean fabricGossip) {

    /** A peer that speaks Artery alone. */
    public Spec(String org, int index, Endpoint gossip, Endpoint admin, List<Endpoint> bootstrap, List<Path> joinAtStart,
        Map<String, Object> overrides) {
      this(org, index, gossip, admin, bootstrap, joinAtStart, overrides, false);
    }

    public String name() {
      return "peer" + index + "." + org + ".example.com";
    }

    public String mspId() {
      return Character.toUpperCase(org.charAt(0)) + org.substring(1) + "MSP";
    }
  }

  private Spec spec;
  private final FabricNetwork fabric;
  private final Path config;
  private final Path log;
  private final Path data;
  private Process process;

  private FabricOrgPeer(FabricNetwork fabric, Spec spec, Path config, Path log, Path data) {
    this.fabric = fabric;
    this.spec = spec;
    this.config = config;
    this.log = log;
    this.data = data;
  }

  /** Writes the peer's config under {@code dir} and starts it. */
  public static FabricOrgPeer start(FabricNetwork fabric, Path dir, Spec spec) throws IOException {
    Path data = dir.resolve(spec.name()).resolve("data");
    Path config = dir.resolve(spec.name()).resolve("peer.conf");
    Files.createDirectories(config.getParent());
    Files.writeString(config, render(fabric, spec, data));
    FabricOrgPeer peer = new FabricOrgPeer(fabric, spec, config, dir.resolve(spec.name()).resolve("peer.log"), data);
    peer.start();
    return peer;
  }

  private static String render(FabricNetwork fabric, Spec spec, Path data) {
    Path peer = fabric.peer(spec.org(), spec.index());
    Map<String, Object> keys = new HashMap<>();
    keys.put("peer.id", spec.name());
    keys.put("peer.localMspId", spec.mspId());
    keys.put("peer.mspConfigPath", peer.resolve("msp").toString());
    keys.put("peer.gossip.endpoint", spec.gossip().toString());
    keys.put("peer.gossip.bootstrap", spec.bootstrap().stream().map(Endpoint::toString).toList());
    keys.put("peer.tls.enabled", true);
    keys.put("peer.tls.cert.file", peer.resolve("tls/server.crt").toString());
    keys.put("peer.tls.key.file", peer.resolve("tls/server.key").toString());
    keys.put("peer.tls.rootcert.file", peer.resolve("tls/ca.crt").toString());
    keys.put("hearsay.ledger.data-dir", data.toString());
    keys.put("hearsay.admin.endpoint", spec.admin().toString());
    keys.put("hearsay.channels.join", spec.joinAtStart().stream().map(Path::toString).toList());
    if (spec.fabricGossip()) {
      keys.put("peer.listenAddress", spec.gossip().toString());
      keys.put("peer.gossip.externalEndpoint", spec.gossip().toString());
      keys.put("hearsay.artery.endpoint", "127.0.0.1:0");
    }
    Config config = ConfigFactory.parseMap(spec.overrides()).withFallback(ConfigFactory.parseMap(keys));
    return config.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
  }

  private void start() throws IOException {
    process = NodeLauncher.start("peer", config, log);
  }

  /** Starts the peer again after {@link #kill()} or {@link #stop}, on the same ledger. */
  public void restart() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(spec.name() + " is still running");
    }
    start();
  }

  /**
   * Stops the peer (SIGTERM) and starts it again on the same ledger and endpoints with
   * {@code overrides} on top of its keys (e.g. another election mode).
   */
  public void restart(Map<String, Object> overrides) throws IOException, InterruptedException {
    stop(Duration.ofSeconds(15));
    Map<String, Object> keys = new HashMap<>(spec.overrides());
    keys.putAll(overrides);
    spec = new Spec(spec.org(), spec.index(), spec.gossip(), spec.admin(), spec.bootstrap(), spec.joinAtStart(), keys,
        spec.fabricGossip());
    Files.writeString(config, render(fabric, spec, data));
    start();
  }

  public Spec spec() {
    return spec;
  }

  public Path config() {
    return config;
  }

  public long pid() {
    return process.pid();
  }

  /** CPU time its process has used so far (user and system). */
  public Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Its block file of the channel (Fabric's format). */
  public Path blockFile() {
    return blockFile(FabricNetwork.CHANNEL);
  }

  /** Its block file of {@code channel}. */
  public Path blockFile(String channel) {
    return data.resolve("chains/chains").resolve(channel).resolve("blockfile_000000");
  }

  /** What it logged so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Its {@code /status}, or empty while its admin endpoint does not answer. */
  public Optional<Map<String, Object>> status() {
    try {
      return Optional.of(AdminClient.PLAIN.status(spec.admin()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Its {@code /metrics} (Prometheus text), or empty while it does not answer. */
  public Optional<String> metrics() {
    try {
      return Optional.of(AdminClient.PLAIN.get(spec.admin(), "/metrics"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Joins the peer to the channel of {@code genesis} as an operator does: Fabric's join request
   * signed by {@code admin} (an admin of the peer's org), posted to its admin endpoint.
   */
  public void join(Path genesis, SigningIdentity admin) throws IOException {
    Block block = Block.parseFrom(Files.readAllBytes(genesis));
    AdminClient.PLAIN.post(spec.admin(), "/channels", JoinChainProposal.create(admin, block, Instant.now()).toByteArray(),
        202);
  }

  /** How many peers its membership view holds alive. */
  public int aliveMembers() {
    return aliveEndpoints().size();
  }

  /** The endpoints of the peers its membership view holds alive. */
  @SuppressWarnings("unchecked")
  public List<String> aliveEndpoints() {
    return status().map(s -> ((List<Map<String, Object>>) ((Map<String, Object>) s.get("membership")).get("alive"))
        .stream().map(m -> String.valueOf(m.get("endpoint"))).toList()).orElse(List.of());
  }

  /** The channel's entry of its status: height, tipHash, leader, delivering, state. */
  public Optional<Map<String, Object>> channel() {
    return channel(FabricNetwork.CHANNEL);
  }

  /** {@code name}'s entry of its status. */
  @SuppressWarnings("unchecked")
  public Optional<Map<String, Object>> channel(String name) {
    return status().flatMap(s -> ((List<Map<String, Object>>) s.get("channels")).stream()
        .filter(c -> name.equals(c.get("channel"))).findFirst());
  }

  /** Its ledger height of the channel; -1 while unknown. */
  public long height() {
    return height(FabricNetwork.CHANNEL);
  }

  /** Its ledger height of {@code channel}; -1 while unknown. */
  public long height(String channel) {
    return channel(channel).map(c -> ((Number) c.get("height")).longValue()).orElse(-1L);
  }

  /** Whether its deliver client runs (it is its org's leader and pulls from the orderer). */
  public boolean delivering() {
    return channel().map(c -> Boolean.TRUE.equals(c.get("delivering"))).orElse(false);
  }

  /** SIGKILL, and wait until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM (coordinated shutdown), SIGKILL if it is not gone within {@code within}. */
  public void stop(Duration within) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop(Duration.ofSeconds(15));
    }
  }
}
