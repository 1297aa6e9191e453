package io.hearsay.bench.fabric;

import com.google.protobuf.ByteString;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.Options;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.PeerIdentityFiles;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.runtime.deliver.DeliverStreams;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import io.hearsay.runtime.grpc.ClientTls;
import io.hearsay.runtime.orderer.OrdererClient;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.fabric.FabricNetwork;
import io.hearsay.testkit.fabric.FabricOrgPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;

/**
 * Hearsay peers behind a real Fabric v2.4.9 orderer ({@code bench/run fabric-deliver}), in one run:
 *
 * <pre>
 * ceiling    one bare Deliver client (no verification, no ledger) streams the orderer's whole
 *            channel from block 0: the orderer's own rate to one reader
 * catch-up   three Hearsay peer processes of Org1 join with configtxgen's block; the leader
 *            (static, peer.gossip.orgLeader) pulls the same blocks, verifies and commits them and
 *            the other two get them by gossip: blocks per second until all three are at the tip,
 *            from the leader's first block, per gossip profile; the ratio to the ceiling
 * takeover   three peers with dynamic election while transactions flow: SIGKILL the leader, time
 *            until another peer's deliver client runs (admin endpoints polled every 50 ms), and
 *            the survivors end at the orderer's tip with its block file, byte for byte
 * </pre>
 *
 * Writes {@code fabric-deliver.md} and {@code fabric-deliver.json}.
 */
public final class FabricDeliverReport {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration WITHIN = Duration.ofMinutes(5);

  private final FabricNetwork fabric;
  private final Path dir;
  private final AtomicBoolean flowing = new AtomicBoolean();
  /** A second channel of the same size, caught up first so that the measured catch-up runs on warm JVMs. */
  private static final String WARMUP = "warmupchannel";
  private Path warmup;

  private FabricDeliverReport(FabricNetwork fabric, Path dir) {
    this.fabric = fabric;
    this.dir = dir;
  }

  record CatchUp(String profile, boolean warm, long blocks, double leaderSeconds, double seconds) {
    double rate() {
      return blocks / seconds;
    }
  }

  record Takeover(String profile, List<Double> seconds) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = Options.parse(args, Map.of("--out", "bench/results", "--blocks", "1000",
        "--rounds", "3", "--profile", "fabric,hearsay"));
    Optional<String> absent = FabricNetwork.absence();
    if (absent.isPresent()) {
      System.err.println("fabric-deliver: " + absent.get());
      System.exit(2);
    }
    int blocks = Integer.parseInt(o.get("--blocks"));
    List<String> profiles = Arrays.asList(o.get("--profile").split(","));
    Path dir = Files.createTempDirectory("fabric-deliver");
    try (FabricNetwork fabric = FabricNetwork.up(dir.resolve("fabric"), FabricNetwork.Options.defaults().withOrg2(false)
        .withOrg1Certificates(5))) {
      FabricDeliverReport report = new FabricDeliverReport(fabric, dir);
      report.warmup = fabric.createChannel(WARMUP);
      report.fill(WARMUP, blocks);
      report.fill(FabricNetwork.CHANNEL, blocks);
      long height = report.ordererHeight();
      double ceiling = report.bareDeliver(height);
      System.err.printf(Locale.ROOT, "ceiling: %d blocks in %.2f s%n", height, ceiling);
      List<CatchUp> catchUps = new ArrayList<>();
      for (String profile : profiles) {
        catchUps.addAll(report.catchUp(profile, height));
        System.err.println(catchUps.subList(catchUps.size() - 2, catchUps.size()));
      }
      List<Takeover> takeovers = new ArrayList<>();
      for (String profile : Integer.parseInt(o.get("--rounds")) > 0 ? profiles : List.<String>of()) {
        takeovers.add(report.takeovers(profile, Integer.parseInt(o.get("--rounds"))));
        System.err.println(takeovers.get(takeovers.size() - 1));
      }
      write(Path.of(o.get("--out")), height, ceiling, catchUps, takeovers);
    }
    Directories.deleteRecursively(dir);
  }

  /** Broadcasts transactions until the orderer's {@code channel} holds about {@code blocks} more blocks. */
  private void fill(String channel, int blocks) throws Exception {
    long target = height(fabric.ordererBlockFile(channel)) + blocks;
    try (AtomicBroadcastClient connections = clients("User1");
        OrdererClient orderer = new OrdererClient(connections, fabric.orderer(), List.of(), Duration.ofSeconds(60))) {
      SigningIdentity user = identity(fabric.user("org1", "User1"));
      long sent = 0;
      while (height(fabric.ordererBlockFile(channel)) < target) {
        List<CompletableFuture<?>> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          answers.add(orderer.broadcast(transaction(user, channel, sent++)).toCompletableFuture());
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        Thread.sleep(2500);
      }
    }
    if (channel.equals(FabricNetwork.CHANNEL)) {
      // Fabric's leader peer validates and commits what the orderer cut: measured with it busy, the
      // Hearsay peers would share the two cores with it.
      long height = ordererHeight();
      awaitNanos(() -> height(fabric.fabricPeerBlockFile("peer0.org1")) >= height);
    }
  }

  private static Envelope transaction(SigningIdentity user, String channel, long n) {
    return KeyValueTransactions.write(user, channel, "bench",
        Map.of("key" + n, ByteString.copyFromUtf8("value " + n)));
  }

  /** Seconds for one bare Deliver stream to bring blocks 0 … height-1, from the first block's arrival. */
  private double bareDeliver(long height) throws Exception {
    try (AtomicBroadcastClient connections = clients("peer2")) {
      SigningIdentity peer = identity(fabric.peer("org1", 2));
      SeekInfo seek = SeekInfo.newBuilder()
          .setStart(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(0)))
          .setStop(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(height - 1)))
          .setBehavior(SeekInfo.SeekBehavior.BLOCK_UNTIL_READY).build();
      AtomicLong first = new AtomicLong();
      AtomicLong last = new AtomicLong();
      CountDownLatch done = new CountDownLatch(1);
      DeliverStreams.Stream stream = connections.open(fabric.orderer(), List.of(), CommonEnvelopes.sign(peer,
          FabricNetwork.CHANNEL, HeaderType.DELIVER_SEEK_INFO, seek.toByteString(), CommonEnvelopes.nonce(),
          connections.clientCertificateHash()), new DeliverStreams.Listener() {
            @Override
            public void onResponse(DeliverResponse response) {
              if (response.hasBlock()) {
                first.compareAndSet(0, System.nanoTime());
                if (response.getBlock().getHeader().getNumber() == height - 1) {
                  last.set(System.nanoTime());
                }
              } else if (response.getStatus() == Status.SUCCESS) {
                done.countDown();
              }
            }

            @Override
            public void onEnd(String why) {
              done.countDown();
            }
          });
      if (!done.await(WITHIN.toMinutes(), TimeUnit.MINUTES) || last.get() == 0) {
        throw new IOException("the bare Deliver stream did not bring " + height + " blocks");
      }
      stream.close();
      return (last.get() - first.get()) / 1e9;
    }
  }

  /**
   * Three peers (peer2 the static leader) are started, see each other, and are then joined to the
   * channel at once by Org1's admin (so their JVMs' start is not timed); they follow the orderer
   * to {@code height}.
   */
  private List<CatchUp> catchUp(String profile, long height) throws Exception {
    List<FabricOrgPeer> peers = new ArrayList<>();
    try {
      Endpoint first = new Endpoint("127.0.0.1", FreePorts.next());
      for (int index = 2; index <= 4; index++) {
        Map<String, Object> keys = new HashMap<>(profileKeys(profile));
        keys.put("peer.gossip.orgLeader", index == 2);
        keys.put("peer.gossip.useLeaderElection", false);
        peers.add(start(profile + "-catchup", index, index == 2 ? first : null, first, keys, false));
      }
      awaitNanos(() -> peers.stream().allMatch(p -> p.status().isPresent() && p.aliveMembers() == peers.size() - 1));
      SigningIdentity admin = identity(fabric.user("org1", "Admin"));
      List<CatchUp> runs = new ArrayList<>();
      runs.add(timeCatchUp(profile, false, peers, WARMUP, warmup, height(fabric.ordererBlockFile(WARMUP)), admin));
      runs.add(timeCatchUp(profile, true, peers, FabricNetwork.CHANNEL, fabric.channelBlock(), height, admin));
      return runs;
    } finally {
      for (FabricOrgPeer peer : peers) {
        peer.close();
      }
    }
  }

  /** Joins the peers to {@code channel} at once and times them from the leader's first block to {@code height}. */
  private CatchUp timeCatchUp(String profile, boolean warm, List<FabricOrgPeer> peers, String channel, Path block,
      long height, SigningIdentity admin) throws Exception {
    for (FabricOrgPeer peer : peers) {
      peer.join(block, admin);
    }
    FabricOrgPeer leader = peers.get(0);
    Thread trace = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(500);
          System.err.printf("%tT.%<tL %s heights %s cpu %s%n", System.currentTimeMillis(), channel,
              peers.stream().map(p -> p.height(channel)).toList(),
              peers.stream().map(p -> p.cpuTime().toMillis() / 1000.0).toList());
        }
      } catch (InterruptedException stop) {
        // done
      }
    });
    if (Boolean.getBoolean("hearsay.bench.trace")) {
      trace.start();
    }
    long start = awaitNanos(() -> leader.height(channel) >= 2);
    long leaderDone = awaitNanos(() -> leader.height(channel) >= height);
    long end = awaitNanos(() -> peers.stream().allMatch(p -> p.height(channel) >= height));
    trace.interrupt();
    for (FabricOrgPeer peer : peers) {
      if (!Arrays.equals(Files.readAllBytes(fabric.ordererBlockFile(channel)), Files.readAllBytes(peer.blockFile(channel)))) {
        throw new IOException(peer.spec().name() + "'s block file of " + channel + " differs from the orderer's");
      }
    }
    return new CatchUp(profile, warm, height - 1, (leaderDone - start) / 1e9, (end - start) / 1e9);
  }

  /** {@code rounds} times: three electing peers, transactions flowing, the leader SIGKILLed. */
  private Takeover takeovers(String profile, int rounds) throws Exception {
    List<Double> seconds = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      List<FabricOrgPeer> peers = new ArrayList<>();
      Thread traffic = startTraffic();
      try {
        Endpoint first = new Endpoint("127.0.0.1", FreePorts.next());
        for (int index = 2; index <= 4; index++) {
          Map<String, Object> keys = new HashMap<>(profileKeys(profile));
          keys.put("peer.gossip.orgLeader", false);
          keys.put("peer.gossip.useLeaderElection", true);
          peers.add(start(profile + "-takeover-" + round, index, index == 2 ? first : null, first, keys, true));
        }
        awaitNanos(() -> peers.stream().filter(FabricOrgPeer::delivering).count() == 1
            && peers.stream().allMatch(p -> p.height() >= ordererHeight() - 1));
        FabricOrgPeer leader = peers.stream().filter(FabricOrgPeer::delivering).findFirst().orElseThrow();
        List<FabricOrgPeer> rest = peers.stream().filter(p -> p != leader).toList();
        long killed = System.nanoTime();
        leader.kill();
        long taken = awaitNanos(() -> rest.stream().anyMatch(FabricOrgPeer::delivering));
        seconds.add((taken - killed) / 1e9);
        stopTraffic(traffic);
        long height = awaitStable();
        awaitNanos(() -> rest.stream().allMatch(p -> p.height() == height));
        byte[] orderer = Files.readAllBytes(fabric.ordererBlockFile());
        for (FabricOrgPeer peer : rest) {
          if (!Arrays.equals(orderer, Files.readAllBytes(peer.blockFile()))) {
            throw new IOException(peer.spec().name() + "'s block file differs from the orderer's after the takeover");
          }
        }
      } finally {
        stopTraffic(traffic);
        for (FabricOrgPeer peer : peers) {
          peer.close();
        }
      }
    }
    return new Takeover(profile, seconds);
  }

  private Thread startTraffic() {
    flowing.set(true);
    Thread thread = new Thread(() -> {
      try (AtomicBroadcastClient connections = clients("User1");
          OrdererClient orderer = new OrdererClient(connections, fabric.orderer(), List.of(), Duration.ofSeconds(60))) {
        SigningIdentity user = identity(fabric.user("org1", "User1"));
        long n = System.nanoTime();
        while (flowing.get()) {
          orderer.broadcast(transaction(user, FabricNetwork.CHANNEL, n++));
          Thread.sleep(50);
        }
      } catch (Exception e) {
        System.err.println("traffic: " + e.getMessage());
      }
    }, "traffic");
    thread.start();
    return thread;
  }

  private void stopTraffic(Thread traffic) throws InterruptedException {
    flowing.set(false);
    traffic.join();
  }

  /** The orderer's height once it has stopped growing (its batch timeout has cut the last block). */
  private long awaitStable() throws InterruptedException {
    long height = -1;
    while (true) {
      Thread.sleep(3000);
      long now = ordererHeight();
      if (now == height) {
        return height;
      }
      height = now;
    }
  }

  private FabricOrgPeer start(String run, int index, Endpoint own, Endpoint first, Map<String, Object> keys,
      boolean joinAtStart) throws IOException {
    Endpoint gossip = own != null ? own : new Endpoint("127.0.0.1", FreePorts.next());
    return FabricOrgPeer.start(fabric, dir.resolve(run), new FabricOrgPeer.Spec("org1", index, gossip,
        new Endpoint("127.0.0.1", FreePorts.next()), own != null ? List.of() : List.of(first),
        joinAtStart ? List.of(fabric.channelBlock()) : List.of(), keys));
  }

  private static Map<String, Object> profileKeys(String profile) {
    Map<String, Object> keys = new HashMap<>();
    TestConfigs.profile(profile).entrySet().forEach(e -> keys.put(e.getKey(), e.getValue().unwrapped()));
    keys.put("peer.deliveryclient.reconnectBackoffThreshold", "1s");
    return keys;
  }

  private static long awaitNanos(BooleanSupplier condition) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("not reached within " + WITHIN);
      }
      Thread.sleep(POLL.toMillis());
    }
    return System.nanoTime();
  }

  private long ordererHeight() {
    return height(fabric.ordererBlockFile());
  }

  private static long height(Path blockFile) {
    long[] height = {0};
    try {
      BlockFileScanner.scan(blockFile, 0, entry -> height[0]++);
    } catch (IOException e) {
      return -1;
    }
    return height[0];
  }

  /** gRPC to the orderer over TLS, presenting {@code who}'s TLS certificate (a peer's or a user's). */
  private AtomicBroadcastClient clients(String who) throws IOException {
    Path tls = who.startsWith("peer") ? fabric.peer("org1", Integer.parseInt(who.substring(4))).resolve("tls")
        : fabric.user("org1", who).resolve("tls");
    String cert = who.startsWith("peer") ? "server" : "client";
    return new AtomicBroadcastClient(Optional.of(new ClientTls(List.of(fabric.ordererTlsCa()),
        Optional.of(new PemTls.KeyPair(tls.resolve(cert + ".crt"), tls.resolve(cert + ".key"))))),
        new AtomicBroadcastClient.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(20)));
  }

  private static SigningIdentity identity(Path node) throws Exception {
    return PeerIdentityFiles.signingIdentity("Org1MSP", node.resolve("msp"), "msp");
  }

  private static void write(Path out, long height, double ceilingSeconds, List<CatchUp> catchUps,
      List<Takeover> takeovers) throws IOException {
    double ceiling = height / ceilingSeconds;
    StringBuilder md = new StringBuilder("# Hearsay peers behind a real Fabric orderer\n\n"
        + "A real Fabric v2.4.9 network (net.sh: one etcdraft orderer, TLS; Org1's two Fabric peers running beside),\n"
        + "`bench/run fabric-deliver`. The orderer's channel holds " + height + " blocks of up to 10 transactions\n"
        + "(BatchSize 10, signed key/value writes by Org1's User1).\n\n"
        + "## Catch-up: blocks per second to all three Hearsay peers of Org1, against one bare Deliver stream\n\n"
        + "The ceiling is one Deliver client reading the channel from block 0 with nothing else to do (no\n"
        + "verification, no ledger). Hearsay: three peer processes are started, see each other, and are joined at\n"
        + "once with configtxgen's block by Org1's admin (signed join requests); peer2 is the static leader\n"
        + "(orgLeader) and pulls from the orderer, verifying and committing every block; the other two get them by\n"
        + "gossip; timed from the leader's first block until all three are at the tip (admin endpoints polled every\n"
        + "100 ms), and every block file is then checked equal to the orderer's. Each profile's three JVMs first catch\n"
        + "up a second channel of the same size (\"fresh JVMs\": JIT compilation on two cores shared by three new\n"
        + "JVMs is part of that time), then the measured channel (\"warm JVMs\").\n\n"
        + "| run | blocks | leader at the tip (s) | all three at the tip (s) | blocks/s to all | ratio to the ceiling |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
    md.append(String.format(Locale.ROOT, "| bare Deliver (ceiling) | %d | | %.2f | %.0f | 1.00 |%n", height,
        ceilingSeconds, ceiling));
    List<Map<String, Object>> catchUpJson = new ArrayList<>();
    for (CatchUp c : catchUps) {
      md.append(String.format(Locale.ROOT, "| Hearsay, %s profile, %s JVMs | %d | %.2f | %.2f | %.0f | %.3f |%n",
          c.profile(), c.warm() ? "warm" : "fresh", c.blocks(), c.leaderSeconds(), c.seconds(), c.rate(),
          c.rate() / ceiling));
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("profile", c.profile());
      run.put("warm", c.warm());
      run.put("blocks", c.blocks());
      run.put("leaderSeconds", JsonFile.round(c.leaderSeconds(), 3));
      run.put("seconds", JsonFile.round(c.seconds(), 3));
      run.put("blocksPerSecond", JsonFile.round(c.rate(), 1));
      run.put("ratioToCeiling", JsonFile.round(c.rate() / ceiling, 3));
      catchUpJson.add(run);
    }
    md.append("\n## Takeover: the leader SIGKILLed while transactions flow\n\n"
        + "Three peers with dynamic election (useLeaderElection); transactions at about 20/s; time from the SIGKILL\n"
        + "until another peer's deliver client runs; after each round the survivors' block files equal the\n"
        + "orderer's byte for byte (no gap, no duplicate).\n\n| profile | each (s) | median (s) |\n| --- | --- | ---: |\n");
    List<Map<String, Object>> takeoverJson = new ArrayList<>();
    for (Takeover t : takeovers) {
      List<Double> sorted = t.seconds().stream().sorted().toList();
      double median = sorted.get(sorted.size() / 2);
      md.append(String.format(Locale.ROOT, "| %s | %s | %.2f |%n", t.profile(),
          t.seconds().stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList(), median));
      takeoverJson.add(Map.of("profile", t.profile(), "seconds", t.seconds(), "medianSeconds", JsonFile.round(median, 3)));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("blocks", height);
    document.put("ceiling", Map.of("seconds", JsonFile.round(ceilingSeconds, 3), "blocksPerSecond", JsonFile.round(ceiling, 1)));
    document.put("catchUp", catchUpJson);
    document.put("takeover", takeoverJson);
    Files.createDirectories(out);
    Files.writeString(out.resolve("fabric-deliver.md"), md);
    JsonFile.write(out.resolve("fabric-deliver.json"), document);
    System.out.print(md);
  }
}
