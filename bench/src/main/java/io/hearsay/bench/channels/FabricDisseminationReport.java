package io.hearsay.bench.channels;

import com.google.protobuf.ByteString;
import io.hearsay.bench.report.BarChart;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.Peer;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerConfigs;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestConfigs;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;

/**
 * The Fabric baseline of block dissemination: 10 peers of one org in one channel, each its own
 * ActorSystem over Artery, on Fabric's real default intervals (the {@code fabric} profile). One
 * peer gets 100 blocks from the source at {@code --rate} blocks/s; for each block, the time from
 * the first peer committing it to the last, and how many copies of each block payload the peers
 * received. Usage: {@code FabricDisseminationReport [--blocks 100] [--peers 10] [--rate 2] [--out DIR]}.
 */
public final class FabricDisseminationReport {

  private FabricDisseminationReport() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    int blocks = Integer.parseInt(options.getOrDefault("--blocks", "100"));
    int n = Integer.parseInt(options.getOrDefault("--peers", "10"));
    double rate = Double.parseDouble(options.getOrDefault("--rate", "2"));
    Path out = Path.of(options.getOrDefault("--out", "bench/results"));
    Path dir = Files.createTempDirectory("hearsay-dissemination");
    CryptoMaterial material = CryptoMaterialGenerator.generate(
        new CryptoMaterialGenerator.Request(dir.resolve("crypto"), 1, n, true, false));
    CryptoMaterial.Org org = material.org("Org1MSP");
    List<HearsayPeer> peers = new ArrayList<>();
    ActorSystem<Void> observer = ActorSystem.create(Behaviors.empty(), "observer");
    Map<Long, long[]> commitTimes = new ConcurrentHashMap<>();
    AtomicLong arrivals = new AtomicLong();
    try {
      for (int i = 0; i < n; i++) {
        String node = org.nodes().get(i);
        List<Endpoint> bootstrap = i == 0 ? List.of() : List.of(peers.get(0).endpoint());
        peers.add(HearsayPeer.start(PeerConfigs.forNode(material, org, node, new Endpoint("127.0.0.1", 0), bootstrap,
            Map.of("hearsay.ledger.data-dir", dir.resolve("ledgers").resolve(node).toString()))
            .withFallback(TestConfigs.MANY_PEERS_PER_JVM), node, Map.of()));
      }
      await(() -> peers.stream().allMatch(p -> p.membership().toCompletableFuture().join().alive().size() == n - 1), 120);
      Block genesis = GenesisBlocks.create("mychannel", material, Map.of());
      for (int i = 0; i < n; i++) {
        HearsayPeer peer = peers.get(i);
        peer.joinChannel(genesis);
        int index = i;
        var listener = observer.systemActorOf(Behaviors.<ChannelGossip.Event>receiveMessage(event -> {
          if (event instanceof ChannelGossip.BlockCommitted committed && committed.number() > 0) {
            commitTimes.computeIfAbsent(committed.number(), k -> new long[n])[index] = System.nanoTime();
          } else if (event instanceof ChannelGossip.BlockArrived) {
            arrivals.incrementAndGet();
          }
          return Behaviors.same();
        }), "listener-" + i, Props.empty());
        peer.ref().tell(new Peer.SubscribeChannel("mychannel", listener));
      }
      // Let StateInfo spread (requestStateInfoInterval 4s) so peers know who is in the channel.
      Thread.sleep(12_000);
      CryptoMaterial.Org ordererOrg = material.org("OrdererMSP");
      var orderer = material.signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
      Block previous = genesis;
      for (int b = 0; b < blocks; b++) {
        previous = OrdererSignatures.sign(BlockBuilder.next(previous, List.of(ByteString.copyFromUtf8("tx " + b))), orderer);
        peers.get(0).commitBlock("mychannel", previous);
        Thread.sleep((long) (1000 / rate));
      }
      await(() -> commitTimes.size() == blocks && commitTimes.values().stream()
          .allMatch(times -> Arrays.stream(times).allMatch(t -> t > 0)), 180);
      List<Double> spreads = new ArrayList<>();
      for (long[] times : commitTimes.values()) {
        long first = Arrays.stream(times).min().orElseThrow();
        long last = Arrays.stream(times).max().orElseThrow();
        spreads.add((last - first) / 1e6);
      }
      spreads.sort(Double::compare);
      double copies = arrivals.get() / (double) (blocks * (n - 1));
      write(out, spreads, copies, n, blocks, rate);
    } finally {
      peers.forEach(HearsayPeer::stop);
      peers.forEach(p -> p.system().getWhenTerminated().toCompletableFuture().join());
      observer.terminate();
    }
  }

  private static void await(BooleanSupplier condition, int seconds) {
    Eventually.await(Duration.ofSeconds(seconds), "the network", condition::getAsBoolean);
  }

  private static void write(Path out, List<Double> spreads, double copies, int peers, int blocks, double rate)
      throws Exception {
    double median = spreads.get(spreads.size() / 2);
    double p99 = spreads.get((int) Math.min(spreads.size() - 1, Math.ceil(spreads.size() * 0.99) - 1));
    double max = spreads.get(spreads.size() - 1);
    String md = String.format(Locale.ROOT, """
        # Block dissemination: the Fabric baseline

        %d peers of one org in one channel (one ActorSystem each, Artery TCP on 127.0.0.1) on
        Fabric's default intervals (propagatePeerNum 3, pull every 4 s, StateInfo every 4 s, state
        transfer every 10 s, 10 blocks kept for pull). One peer gets %d blocks from the source at %.1f
        blocks/s (Fabric's default BatchTimeout of 2 s makes ~0.5-2 blocks/s typical).

        | measure | value |
        | --- | ---: |
        | first peer to last peer committing a block, median | %.0f ms |
        | same, p99 | %.0f ms |
        | same, max | %.0f ms |
        | block payloads received per peer per block (push + pull + state transfer) | %.2f |
        """, peers, blocks, rate, median, p99, max, copies);
    Files.createDirectories(out);
    Files.writeString(out.resolve("dissemination-fabric.md"), md);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("peers", peers);
    document.put("blocks", blocks);
    document.put("spreadMedianMs", JsonFile.round(median, 1));
    document.put("spreadP99Ms", JsonFile.round(p99, 1));
    document.put("spreadMaxMs", JsonFile.round(max, 1));
    document.put("copiesPerPeerPerBlock", JsonFile.round(copies, 3));
    JsonFile.write(out.resolve("dissemination-fabric.json"), document);
    List<BarChart.Bar> bars = new ArrayList<>();
    for (int i = 0; i < spreads.size(); i += Math.max(1, spreads.size() / 20)) {
      bars.add(new BarChart.Bar("percentile " + (100 * i / spreads.size()), spreads.get(i),
          String.format(Locale.ROOT, "%.0f ms", spreads.get(i))));
    }
    Files.writeString(out.resolve("dissemination-fabric.svg"),
        BarChart.svg("First-to-last commit time per block, fabric profile", bars));
    System.out.println(md);
  }
}
