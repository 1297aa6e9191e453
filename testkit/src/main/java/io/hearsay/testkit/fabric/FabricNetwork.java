package io.hearsay.testkit.fabric;

import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Fabric v2.4 network on 127.0.0.1, made and run by Fabric's own binaries through the
 * team's {@code net.sh} (cryptogen, configtxgen, an etcdraft orderer joined with osnadmin, Fabric
 * peers joined with {@code peer channel join}; see its README): for tests and benchmarks that put
 * Hearsay beside real Fabric processes.
 *
 * <p>Where it is: {@code -Dhearsay.fabric=DIR} (the folder of {@code net.sh}, default
 * {@code ../shared/fabric} from the project), with Fabric's binaries in {@code DIR/bin} or
 * {@code -Dhearsay.fabric.bin=DIR} (a Fabric install of one's own). {@link #absence()} says why it
 * cannot run, for a test to skip with that message.
 *
 * <p>Every process it starts is stopped by pid on {@link #close()} ({@code net.sh down}), also
 * when the JVM exits first. The orderer can be killed and started again with the same
 * environment, to test what a peer does while its ordering service is away.
 */
public final class FabricNetwork implements AutoCloseable {

  /** What {@code net.sh up} is asked for (its environment variables). */
  public record Options(boolean org2, int org1Certificates, int org2Certificates, int extraBlocks,
      boolean gossipStateEnabled) {

    /** net.sh's defaults: Org1 and Org2, 4 and 2 peer certificates, 2 extra blocks, Fabric's state transfer off. */
    public static Options defaults() {
      return new Options(true, 4, 2, 2, false);
    }

    public Options withOrg2(boolean on) {
      return new Options(on, org1Certificates, org2Certificates, extraBlocks, gossipStateEnabled);
    }

    public Options withOrg1Certificates(int n) {
      return new Options(org2, n, org2Certificates, extraBlocks, gossipStateEnabled);
    }

    public Options withGossipStateEnabled(boolean on) {
      return new Options(org2, org1Certificates, org2Certificates, extraBlocks, on);
    }
  }

  public static final String CHANNEL = "mychannel";
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(3);

  private final Path script;
  private final Path bin;
  private final Path dir;
  private final int base;
  private final Thread onExit;
  private Optional<RestartableProcess> orderer = Optional.empty();
  private final Map<String, RestartableProcess> fabricPeers = new HashMap<>();

  private FabricNetwork(Path script, Path bin, Path dir, int base) {
    this.script = script;
    this.bin = bin;
    this.dir = dir;
    this.base = base;
    this.onExit = new Thread(this::down, "fabric-network-down");
  }

  /** The folder of {@code net.sh}. */
  public static Path home() {
    return Path.of(System.getProperty("hearsay.fabric", System.getProperty("hearsay.home", ".") + "/../shared/fabric"))
        .toAbsolutePath().normalize();
  }

  /** Fabric's binaries. */
  public static Path binaries() {
    String bin = System.getProperty("hearsay.fabric.bin");
    return bin == null || bin.isBlank() ? home().resolve("bin") : Path.of(bin).toAbsolutePath().normalize();
  }

  /** Why a real Fabric network cannot run here; empty when it can. */
  public static Optional<String> absence() {
    if (!Files.isRegularFile(home().resolve("net.sh"))) {
      return Optional.of("no real Fabric here: " + home().resolve("net.sh") + " is absent (-Dhearsay.fabric=DIR)");
    }
    for (String program : List.of("cryptogen", "configtxgen", "configtxlator", "orderer", "osnadmin", "peer")) {
      if (!Files.isExecutable(binaries().resolve(program))) {
        return Optional.of("no real Fabric here: " + binaries().resolve(program) + " is absent (-Dhearsay.fabric.bin=DIR)");
      }
    }
    if (!onPath("jq")) {
      return Optional.of("net.sh needs jq, which is not installed");
    }
    return Optional.empty();
  }

  /** Makes and starts the network in {@code dir} on ports of its own (net.sh up); fails with net.sh's output. */
  public static FabricNetwork up(Path dir, Options options) throws IOException, InterruptedException {
    Optional<String> absent = absence();
    if (absent.isPresent()) {
      throw new IllegalStateException(absent.get());
    }
    // net.sh puts its ports at BASE+50 ... BASE+83.
    int base = FreePorts.range(34) - 50;
    FabricNetwork network = new FabricNetwork(home().resolve("net.sh"), binaries(), dir, base);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("BASE", String.valueOf(base));
    env.put("ORG2", options.org2() ? "1" : "0");
    env.put("ORG1_CERTS", String.valueOf(options.org1Certificates()));
    env.put("ORG2_CERTS", String.valueOf(options.org2Certificates()));
    env.put("EXTRA_BLOCKS", String.valueOf(options.extraBlocks()));
    env.put("GOSSIP_STATE_ENABLED", String.valueOf(options.gossipStateEnabled()));
    Runtime.getRuntime().addShutdownHook(network.onExit);
    try {
      network.netSh(env, UP_TIMEOUT, "up");
    } catch (IOException | RuntimeException e) {
      network.close();
      throw e;
    }
    return network;
  }

  /** Makes {@code n} more blocks (config updates signed by the orderer's admin) and waits for the Fabric peers. */
  public void blocks(int n) throws IOException, InterruptedException {
    netSh(Map.of(), UP_TIMEOUT, "block", String.valueOf(n));
  }

  private String netSh(Map<String, String> env, Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.add(args[0]);
    command.add(dir.toString());
    command.addAll(List.of(args).subList(1, args.length));
    Path output = Files.createDirectories(dir).resolve("net.sh-" + args[0] + ".out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
    builder.environment().putAll(env);
    builder.environment().put("FABRIC_BIN", bin.toString());
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IOException("net.sh " + String.join(" ", args) + " did not finish in " + timeout + ":\n" + tail(output));
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException("net.sh " + String.join(" ", args) + " failed (exit " + process.exitValue() + "):\n"
          + tail(output));
    }
    return text;
  }

  public Path dir() {
    return dir;
  }

  public Path crypto() {
    return dir.resolve("crypto");
  }

  /** An org's folder in cryptogen's layout, e.g. {@code org("org1")}. */
  public Path org(String name) {
    return crypto().resolve("peerOrganizations").resolve(name + ".example.com");
  }

  /** A peer's folder, e.g. {@code peer("org1", 2)} for peer2.org1.example.com (msp/, tls/). */
  public Path peer(String org, int index) {
    return org(org).resolve("peers").resolve("peer" + index + "." + org + ".example.com");
  }

  /** A user's folder, e.g. {@code user("org1", "User1")} (msp/, tls/). */
  public Path user(String org, String user) {
    return org(org).resolve("users").resolve(user + "@" + org + ".example.com");
  }

  public Path ordererOrg() {
    return crypto().resolve("ordererOrganizations").resolve("example.com");
  }

  /** The CA of the orderer's TLS certificate. */
  public Path ordererTlsCa() {
    return ordererOrg().resolve("orderers/orderer.example.com/tls/ca.crt");
  }

  /** The channel's genesis block, as configtxgen wrote it. */
  public Path channelBlock() {
    return dir.resolve("artifacts").resolve(CHANNEL + ".block");
  }

  /**
   * A genesis block for the same channel name in which {@code org} ("org3") takes Org1's place:
   * the org is made with cryptogen ({@code cryptogen extend}, one peer, NodeOUs) and the block with
   * configtxgen from net.sh's configtx.yaml, orderer org and consenters unchanged. The orderer
   * serves the real channel, which does not name the org: what an operator who joined a peer with
   * the wrong block, or an org removed from the channel, meets.
   */
  public Path outsiderChannelBlock(String org) throws IOException, InterruptedException {
    String mspId = Character.toUpperCase(org.charAt(0)) + org.substring(1) + "MSP";
    Path work = Files.createDirectories(dir.resolve("outsider-" + org));
    Path cryptoConfig = work.resolve("crypto-config.yaml");
    Files.writeString(cryptoConfig, """
        PeerOrgs:
          - Name: %s
            Domain: %s.example.com
            EnableNodeOUs: true
            Template: {Count: 1, SANS: [localhost, 127.0.0.1]}
            Users: {Count: 1}
        """.formatted(mspId.replace("MSP", ""), org));
    run(work, Map.of(), bin.resolve("cryptogen").toString(), "extend", "--input=" + crypto(),
        "--config=" + cryptoConfig);
    String configtx = Files.readString(dir.resolve("config/configtx.yaml"))
        .replace(org("org1").resolve("msp").toString(), org(org).resolve("msp").toString())
        .replace("Org1MSP", mspId);
    Files.writeString(work.resolve("configtx.yaml"), configtx);
    Path block = work.resolve(CHANNEL + ".block");
    run(work, Map.of("FABRIC_CFG_PATH", work.toString()), bin.resolve("configtxgen").toString(), "-profile",
        "AppChannelEtcdRaft", "-channelID", CHANNEL, "-outputBlock", block.toString());
    return block;
  }

  private static void run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
    Path output = dir.resolve(Path.of(command[0]).getFileName() + ".out");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed:\n" + tail(output));
    }
  }

  /**
   * A further application channel on the orderer, as an operator makes one: configtxgen's block
   * from net.sh's profile (the same orgs), joined by the orderer with osnadmin. No Fabric peer
   * joins it.
   */
  public Path createChannel(String name) throws IOException, InterruptedException {
    Path block = dir.resolve("artifacts").resolve(name + ".block");
    run(dir, Map.of("FABRIC_CFG_PATH", dir.resolve("config").toString()), bin.resolve("configtxgen").toString(),
        "-profile", "AppChannelEtcdRaft", "-channelID", name, "-outputBlock", block.toString());
    Path admin = ordererOrg().resolve("users/Admin@example.com/tls");
    run(dir, Map.of(), bin.resolve("osnadmin").toString(), "channel", "join", "--channelID", name, "--config-block",
        block.toString(), "-o", "127.0.0.1:" + (base + 53), "--ca-file", ordererTlsCa().toString(), "--client-cert",
        admin.resolve("client.crt").toString(), "--client-key", admin.resolve("client.key").toString());
    return block;
  }

  /** Where the orderer serves AtomicBroadcast (TLS). */
  public Endpoint orderer() {
    return new Endpoint("127.0.0.1", base + 50);
  }

  /** The gossip (and peer) endpoint of a Fabric peer net.sh started: peer0.org1, peer1.org1 or peer0.org2. */
  public Endpoint fabricPeer(String org, int index) {
    int offset = org.equals("org1") ? (index == 0 ? 51 : 61) : 71;
    return new Endpoint("127.0.0.1", base + offset);
  }

  /** The orderer's block file of the channel (Fabric's block-file format). */
  public Path ordererBlockFile() {
    return ordererBlockFile(CHANNEL);
  }

  /** The orderer's block file of {@code channel}. */
  public Path ordererBlockFile(String channel) {
    return dir.resolve("data/orderer/ledger/chains").resolve(channel).resolve("blockfile_000000");
  }

  /** A Fabric peer's block file of the channel, e.g. {@code fabricPeerBlockFile("peer1.org1")}. */
  public Path fabricPeerBlockFile(String peer) {
    return dir.resolve("data").resolve(peer + ".example.com").resolve("ledgersData/chains/chains").resolve(CHANNEL)
        .resolve("blockfile_000000");
  }

  public Path log(String process) {
    return dir.resolve("logs").resolve(process + ".log");
  }

  /** SIGKILLs the orderer, keeping what it was started with to start it again. */
  public void killOrderer() throws IOException, InterruptedException {
    RestartableProcess process = orderer.isPresent() ? orderer.get() : RestartableProcess.of(pidFile("orderer"));
    process.kill();
    orderer = Optional.of(process);
  }

  /** Starts the killed orderer again, as net.sh started it, and waits until it serves and leads its Raft. */
  public void restartOrderer() throws IOException, InterruptedException {
    RestartableProcess process = orderer.orElseThrow(() -> new IllegalStateException("the orderer was not killed"));
    long logged = Files.size(log("orderer"));
    process.start(log("orderer"), pidFile("orderer"));
    long deadline = System.nanoTime() + UP_TIMEOUT.toNanos();
    while (true) {
      String text = Files.readString(log("orderer"), StandardCharsets.UTF_8);
      String since = text.substring((int) Math.min(logged, text.length()));
      if (since.contains("Beginning to serve requests") && since.contains("Raft leader changed: 0 -> 1")) {
        return;
      }
      if (!process.alive() || System.nanoTime() > deadline) {
        throw new IOException("the restarted orderer does not serve:\n" + tail(log("orderer")));
      }
      Thread.sleep(100);
    }
  }

  /**
   * Stops a Fabric peer net.sh started ({@code "peer0.org1"}) with SIGKILL, keeping how it ran;
   * {@link #startFabricPeer} starts it again.
   */
  public void killFabricPeer(String peer) throws IOException, InterruptedException {
    String name = peer + ".example.com";
    RestartableProcess process = fabricPeers.containsKey(name) ? fabricPeers.get(name)
        : RestartableProcess.of(pidFile(name));
    process.kill();
    fabricPeers.put(name, process);
  }

  /**
   * Starts a Fabric peer killed before, with its environment as net.sh set it but for
   * {@code overrides} (e.g. {@code CORE_PEER_GOSSIP_ORGLEADER=false}), and waits until it runs.
   */
  public void startFabricPeer(String peer, Map<String, String> overrides) throws IOException, InterruptedException {
    String name = peer + ".example.com";
    RestartableProcess process = fabricPeers.get(name);
    if (process == null) {
      throw new IllegalStateException(peer + " was not killed");
    }
    long logged = Files.size(log(name));
    process.start(log(name), pidFile(name), overrides);
    long deadline = System.nanoTime() + UP_TIMEOUT.toNanos();
    while (true) {
      String text = Files.readString(log(name), StandardCharsets.UTF_8);
      if (text.substring((int) Math.min(logged, text.length())).contains("Started peer with ID")) {
        return;
      }
      if (!process.alive() || System.nanoTime() > deadline) {
        throw new IOException(peer + " does not start again:\n" + tail(log(name)));
      }
      Thread.sleep(100);
    }
  }

  /** Whether the Fabric peer ({@code "peer0.org1"}) runs: its recorded process is alive. */
  public boolean fabricPeerAlive(String peer) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile(peer + ".example.com")).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** Restarts a running Fabric peer with {@code overrides} in its environment (same ledger). */
  public void restartFabricPeer(String peer, Map<String, String> overrides) throws IOException, InterruptedException {
    killFabricPeer(peer);
    startFabricPeer(peer, overrides);
  }

  private Path pidFile(String process) {
    return dir.resolve("pids").resolve(process + ".pid");
  }

  /** The pid of a running process of the network ({@code orderer.example.com}, {@code peer0.org1.example.com}). */
  public Optional<Long> pid(String process) {
    try {
      Path file = pidFile(process);
      return Files.isRegularFile(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Stops every process net.sh (or a restart) started, by pid. */
  @Override
  public void close() {
    down();
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook runs down anyway
    }
  }

  private void down() {
    try {
      netSh(Map.of(), Duration.ofMinutes(1), "down");
    } catch (IOException | InterruptedException e) {
      System.err.println("net.sh down " + dir + ": " + e.getMessage());
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null && List.of(path.split(":")).stream().anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }
}
