package io.hearsay.runtime.network;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.admin.Json;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import io.hearsay.runtime.grpc.ClientTls;
import io.hearsay.runtime.orderer.OrdererClient;
import io.hearsay.runtime.tls.PemTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.hyperledger.fabric.protos.common.Status;

/**
 * Drives a {@link LocalNetwork}: starts its processes, submits transactions to the orderer over
 * gRPC (AtomicBroadcast.Broadcast, TLS, signed by an org's identity), shows progress from the nodes'
 * admin endpoints, and checks that every peer ends at the orderer's height and tip.
 */
public final class NetworkRun implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration AGREE_TIMEOUT = Duration.ofSeconds(120);

  /** What one poll of a node's admin endpoint says about one channel. */
  record ChannelState(long height, String tip, boolean leader, int alive) {}

  private final LocalNetwork network;
  private final PrintWriter out;
  private final boolean json;
  private final boolean terminal = System.console() != null;
  private AtomicBroadcastClient connections;
  private Optional<DashboardProxy> dashboard = Optional.empty();
  /** Per peer and channel: the first time (ms since submission began) each height was seen. */
  private final Map<String, TreeMap<Long, Long>> firstSeen = new HashMap<>();
  private long submitStart;

  public NetworkRun(LocalNetwork network, PrintWriter out, boolean json) {
    this.network = network;
    this.out = out;
    this.json = json;
  }

  public int channels() {
    return network.channels().size();
  }

  /** Starts every node, orders {@code blocks} blocks per channel at {@code txRate} tx/s, and checks agreement. */
  public boolean up(int blocks, int txRate) throws Exception {
    long t0 = System.nanoTime();
    for (LocalNetwork.Node node : network.nodes()) {
      network.start(node);
    }
    awaitAdmins();
    openDashboard();
    log("%d nodes up in %.1f s (orderer + %d peers, %d channel(s)); ordering %d blocks per channel at %d tx/s",
        network.nodes().size(), seconds(t0), network.peers().size(), channels(), blocks, txRate);
    OrdererClient orderer = ordererClient();
    SigningIdentity creator = creator();
    submitStart = System.nanoTime();
    AtomicInteger refused = new AtomicInteger();
    long interval = 1_000_000_000L / txRate;
    long next = System.nanoTime();
    long nextPoll = next;
    int sequence = 0;
    while (true) {
      if (System.nanoTime() >= nextPoll) {
        nextPoll += 1_000_000_000L;
        Map<String, Long> heights = ordererHeights();
        render(heights, peerStates(), blocks);
        if (network.channels().stream().allMatch(c -> heights.getOrDefault(c, 0L) >= blocks + 1)) {
          break;
        }
        if (seconds(submitStart) > 600) {
          throw new IOException("the orderer did not reach " + blocks + " blocks in 10 minutes");
        }
      }
      for (String channel : network.channels()) {
        int n = sequence;
        orderer.broadcast(KeyValueTransactions.write(creator, channel, "network",
                Map.of("key" + n, ByteString.copyFromUtf8("value " + n))))
            .whenComplete((r, e) -> {
              if (e != null || r.getStatus() != Status.SUCCESS) {
                refused.incrementAndGet();
              }
            });
      }
      sequence++;
      next += interval;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }
    if (refused.get() > 0) {
      log("%d transaction(s) were refused or unanswered", refused.get());
    }
    Map<String, ChannelState> finalTips = awaitOrdererIdle();
    boolean agree = awaitAgreement(finalTips);
    summary(finalTips, agree, seconds(t0));
    return agree;
  }

  /** Submits {@code count} transactions per channel and waits for the orderer's answers; returns how many succeeded. */
  public int submit(int count) throws Exception {
    OrdererClient orderer = ordererClient();
    SigningIdentity creator = creator();
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (String channel : network.channels()) {
      for (int i = 0; i < count; i++) {
        String key = "tx-" + System.nanoTime() + "-" + i;
        answers.add(orderer.broadcast(KeyValueTransactions.write(creator, channel, "network",
            Map.of(key, ByteString.copyFromUtf8(key)))).toCompletableFuture()
            .handle((r, e) -> e == null && r.getStatus() == Status.SUCCESS));
      }
    }
    return (int) answers.stream().filter(CompletableFuture::join).count();
  }

  /**
   * The dashboard of the network's first peer, through a loopback proxy that holds the org admin's
   * client certificate (the admin endpoints take no other), for as long as this run lasts.
   */
  private void openDashboard() {
    LocalNetwork.Node peer = network.peers().get(0);
    try {
      dashboard = Optional.of(DashboardProxy.start(peer.admin(), network.adminTls(peer), 0));
      log("dashboard of %s: %s (live while this command runs; 'hearsay network dashboard --dir %s' opens it later)",
          peer.name(), dashboard.get().url(), network.dir());
    } catch (Exception e) {
      log("no dashboard: %s", e.getMessage());
    }
  }

  private void awaitAdmins() throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (LocalNetwork.Node node : network.nodes()) {
      while (true) {
        try {
          network.status(node);
          break;
        } catch (IOException e) {
          if (!network.pid(node).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IOException(node.name() + " exited at start; the end of its log:\n" + tail(network.log(node), 20));
          }
          if (System.nanoTime() > deadline) {
            throw new IOException(node.name() + " did not answer on its admin endpoint " + node.admin());
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /** The last {@code lines} lines of a file, or why it cannot be read. */
  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(" + file + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Waits until the orderer has cut its last partial batch (its heights stop changing). */
  private Map<String, ChannelState> awaitOrdererIdle() throws Exception {
    Map<String, ChannelState> previous = ordererTips();
    while (true) {
      Thread.sleep(2500);
      Map<String, ChannelState> now = ordererTips();
      if (now.equals(previous)) {
        return now;
      }
      previous = now;
    }
  }

  private boolean awaitAgreement(Map<String, ChannelState> target) throws Exception {
    long deadline = System.nanoTime() + AGREE_TIMEOUT.toNanos();
    while (true) {
      Map<String, Map<String, ChannelState>> states = peerStates();
      render(ordererHeights(), states, -1);
      boolean agree = states.values().stream().allMatch(perChannel -> target.entrySet().stream().allMatch(t -> {
        ChannelState s = perChannel.get(t.getKey());
        return s != null && s.height() == t.getValue().height() && s.tip().equals(t.getValue().tip());
      }));
      if (agree || System.nanoTime() > deadline) {
        return agree;
      }
      Thread.sleep(500);
    }
  }

  /** Per peer, per channel: what its admin endpoint says now (missing when it does not answer). */
  @SuppressWarnings("unchecked")
  private Map<String, Map<String, ChannelState>> peerStates() {
    Map<String, Map<String, ChannelState>> states = new TreeMap<>();
    long now = (System.nanoTime() - submitStart) / 1_000_000;
    for (LocalNetwork.Node peer : network.peers()) {
      Map<String, ChannelState> perChannel = new TreeMap<>();
      try {
        Map<String, Object> status = network.status(peer);
        int alive = ((List<Object>) ((Map<String, Object>) status.get("membership")).get("alive")).size();
        for (Map<String, Object> c : (List<Map<String, Object>>) status.get("channels")) {
          ChannelState state = new ChannelState(Json.asLong(c.get("height")), (String) c.get("tipHash"),
              Boolean.TRUE.equals(c.get("leader")), alive);
          perChannel.put((String) c.get("channel"), state);
          firstSeen.computeIfAbsent(peer.name() + "/" + c.get("channel"), k -> new TreeMap<>())
              .putIfAbsent(state.height(), now);
        }
      } catch (IOException | RuntimeException e) {
        // A peer that does not answer this poll shows as missing.
      }
      states.put(peer.name(), perChannel);
    }
    return states;
  }

  @SuppressWarnings("unchecked")
  private Map<String, ChannelState> ordererTips() throws IOException {
    Map<String, ChannelState> tips = new TreeMap<>();
    for (Map<String, Object> c : (List<Map<String, Object>>) network.status(network.orderer()).get("channels")) {
      tips.put((String) c.get("channel"), new ChannelState(Json.asLong(c.get("height")),
          (String) c.get("tipHash"), false, 0));
    }
    return tips;
  }

  private Map<String, Long> ordererHeights() throws IOException {
    Map<String, Long> heights = new TreeMap<>();
    ordererTips().forEach((c, s) -> heights.put(c, s.height()));
    return heights;
  }

  private void render(Map<String, Long> ordererHeights, Map<String, Map<String, ChannelState>> states, int blocks) {
    if (json) {
      return;
    }
    String t = String.format("%5.1fs", seconds(submitStart));
    if (!terminal) {
      long min = states.values().stream().flatMap(m -> m.values().stream()).mapToLong(ChannelState::height).min().orElse(0);
      long leaders = states.values().stream().flatMap(m -> m.values().stream()).filter(ChannelState::leader).count();
      out.printf("%s orderer %s | peers: lowest height %d, %d leader(s)%n", t, ordererHeights, min, leaders);
      out.flush();
      return;
    }
    StringBuilder screen = new StringBuilder("\033[H\033[2J");
    screen.append(String.format("hearsay network up — %s%s, orderer heights %s%n%n", t,
        blocks > 0 ? " (target " + (blocks + 1) + ")" : " (checking agreement)", ordererHeights));
    screen.append(String.format("%-28s %-12s %8s %7s %6s%n", "peer", "channel", "height", "leader", "alive"));
    states.forEach((peer, perChannel) -> perChannel.forEach((channel, s) -> screen.append(String.format(
        "%-28s %-12s %8d %7s %6d%n", peer, channel, s.height(), s.leader() ? "yes" : "", s.alive()))));
    out.print(screen);
    out.flush();
  }

  private void summary(Map<String, ChannelState> target, boolean agree, double totalSeconds) {
    Map<String, Map<String, ChannelState>> states = peerStates();
    List<Map<String, Object>> channelJson = new ArrayList<>();
    for (var t : target.entrySet()) {
      String channel = t.getKey();
      long height = t.getValue().height();
      List<Map<String, Object>> peerJson = new ArrayList<>();
      double slowest = 0;
      if (!json) {
        out.printf("%nchannel %s: orderer height %d, tip %s%n", channel, height, t.getValue().tip());
      }
      for (var peer : states.entrySet()) {
        ChannelState s = peer.getValue().get(channel);
        Optional<Long> reached = Optional.ofNullable(firstSeen.get(peer.getKey() + "/" + channel))
            .map(m -> m.ceilingEntry(height)).map(Map.Entry::getValue);
        slowest = Math.max(slowest, reached.orElse(0L) / 1000.0);
        boolean same = s != null && s.height() == height && s.tip().equals(t.getValue().tip());
        if (json) {
          Map<String, Object> peerState = new LinkedHashMap<>();
          peerState.put("peer", peer.getKey());
          peerState.put("height", s == null ? -1 : s.height());
          peerState.put("tipHash", s == null ? "" : s.tip());
          peerState.put("leader", s != null && s.leader());
          peerState.put("secondsToFinalHeight", reached.map(ms -> Math.round(ms / 10.0) / 100.0).orElse(null));
          peerJson.add(peerState);
        } else {
          out.printf("  %-28s height %5s %s%s  reached at %s%n", peer.getKey(), s == null ? "?" : s.height(),
              same ? "same tip" : "DIFFERENT", s != null && s.leader() ? ", leader" : "",
              reached.map(ms -> String.format("%.1f s", ms / 1000.0)).orElse("-"));
        }
      }
      double rate = slowest > 0 ? (height - 1) / slowest : 0;
      if (json) {
        Map<String, Object> channelState = new LinkedHashMap<>();
        channelState.put("channel", channel);
        channelState.put("height", height);
        channelState.put("tipHash", t.getValue().tip());
        channelState.put("blocksPerSecondToAllPeers", Math.round(rate * 100) / 100.0);
        channelState.put("peers", peerJson);
        channelJson.add(channelState);
      } else {
        out.printf("  %d blocks reached all %d peers in %.1f s: %.2f blocks/s%n", height - 1, states.size(), slowest, rate);
      }
    }
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("agree", agree);
      document.put("seconds", Math.round(totalSeconds * 10) / 10.0);
      document.put("channels", channelJson);
      out.println(Json.write(document));
    } else {
      out.printf("%n%s (%.1f s in total)%n", agree ? "every peer of every channel has the orderer's height and tip"
          : "PEERS DISAGREE with the orderer", totalSeconds);
    }
    out.flush();
  }

  /**
   * A broadcast client to the network's orderer over gRPC and TLS, as an org's admin would submit:
   * presenting org 1's admin TLS certificate, trusting the orderer org's TLS CA.
   */
  private OrdererClient ordererClient() throws Exception {
    CryptoMaterial material = network.material();
    CryptoMaterial.Org org = material.orgs().get(0);
    Path adminTls = material.userDir(org, CryptoMaterial.ADMIN).resolve("tls");
    CryptoMaterial.Org ordererOrg = material.orgs().stream().filter(o -> o.kind() == CryptoMaterial.Kind.ORDERER)
        .findFirst().orElseThrow();
    Path ordererCa = material.nodeDir(ordererOrg, ordererOrg.nodes().get(0)).resolve("tls").resolve("ca.crt");
    PemTls.KeyPair admin = new PemTls.KeyPair(adminTls.resolve("client.crt"), adminTls.resolve("client.key"));
    connections = new AtomicBroadcastClient(Optional.of(new ClientTls(List.of(ordererCa), Optional.of(admin))),
        new AtomicBroadcastClient.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(20)));
    return new OrdererClient(connections, network.orderer().endpoint(), List.of(), Duration.ofSeconds(10));
  }

  /**
   * Transactions are signed by the first org's User1, a client: Fabric's channel Writers policy
   * takes admins and clients, not peers.
   */
  private SigningIdentity creator() throws Exception {
    CryptoMaterial material = network.material();
    CryptoMaterial.Org org = material.orgs().get(0);
    return material.userIdentity(org, CryptoMaterial.USER);
  }

  private void log(String format, Object... args) {
    if (!json) {
      out.printf(format + "%n", args);
      out.flush();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  @Override
  public void close() {
    if (connections != null) {
      connections.close();
    }
    dashboard.ifPresent(DashboardProxy::close);
  }
}
