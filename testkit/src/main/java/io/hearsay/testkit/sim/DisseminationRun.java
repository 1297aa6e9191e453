package io.hearsay.testkit.sim;

import com.google.protobuf.ByteString;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.common.ArrivalPath;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.testkit.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Block dissemination over a {@link SimulatedNetwork}: the orderer cuts blocks at a fixed rate,
 * signed by the orderer org like real ones, and delivers them to the source peer (its org's
 * leader, which gossips them on) or, with {@link Delivery#EVERY_PEER}, to every peer (Fabric
 * v3's default: every peer its own leader, no block gossip); with an {@link OrdererEgress} the
 * copies queue on the orderer's uplink, else the source holds a block the moment it is cut. For
 * every block and peer: when its payload first arrived, from the cut, and how (orderer, push,
 * pull, state transfer), and how many copies arrived in all. The first {@code warmup} blocks let
 * membership proofs and, in the hearsay profile, the push tree settle; they are not measured.
 */
public final class DisseminationRun {

  /** One block: ms from the source holding it to each peer holding it, copies received, how many came by push first. */
  public record BlockResult(long number, double[] arrivalMs, int copies, int firstByPush) {
    /** Time until the last reached peer held it. */
    public double allPeersMs() {
      return Arrays.stream(arrivalMs).max().orElse(0);
    }
  }

  /**
   * Everything measured; {@code bytesSent} (also per message type), {@code messagesSent},
   * {@code ordererBytes} and {@code blockBytes} (the measured blocks' serialized sizes) over the
   * measured blocks.
   */
  public record Result(List<BlockResult> blocks, int receivers, long bytesSent, long messagesSent,
      Map<String, Long> copiesByWay, long ordererBytes, Map<String, Long> bytesByType, long blockBytes) {
    /** The physical minimum per block: one copy of the serialized block to each peer but the source. */
    public double minimumBytesPerBlock() {
      return blocks.isEmpty() ? 0 : (double) blockBytes / blocks.size() * receivers;
    }
  }

  /** Who the orderer delivers to. */
  public enum Delivery {
    /** The source peer, its org's leader; gossip brings blocks to the others. */
    LEADER,
    /** Every peer, each its own leader (Fabric v3's default, block gossip off). */
    EVERY_PEER
  }

  private final SimulatedNetwork network;
  private final int source;
  private final Set<Integer> excluded = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<Long, long[]> firstArrival = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, int[]> byPush = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Integer> copies = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> copiesByWay = new ConcurrentHashMap<>();
  private final AtomicLongArray committed;
  private final SigningIdentity orderer;
  private final Delivery delivery;
  private final Optional<OrdererEgress> egress;
  private final ConcurrentHashMap<Long, Long> cutAt = new ConcurrentHashMap<>();
  private final SplittableRandom order = new SplittableRandom(2026);
  private Block previous;

  public DisseminationRun(SimulatedNetwork network, int source) throws Exception {
    this(network, source, Delivery.LEADER, Optional.empty());
  }

  /** A run whose orderer delivers to {@code delivery}'s peers, over {@code egress} when given. */
  public DisseminationRun(SimulatedNetwork network, int source, Delivery delivery, Optional<OrdererEgress> egress)
      throws Exception {
    this.network = network;
    this.source = source;
    this.delivery = delivery;
    this.egress = egress;
    this.committed = new AtomicLongArray(network.size());
    this.orderer = orderer(network.material());
    this.previous = network.genesis();
    network.listen(this::on);
  }

  /** Peers no longer expected to receive blocks (crashed, cut off). */
  public void exclude(int peer) {
    excluded.add(peer);
  }

  /** The orderer identity that signs the blocks of a network built from {@code material}. */
  public static SigningIdentity orderer(CryptoMaterial material) throws Exception {
    CryptoMaterial.Org ordererOrg = material.orgs().stream()
        .filter(o -> o.kind() == CryptoMaterial.Kind.ORDERER).findFirst().orElseThrow();
    return material.signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
  }

  /** The block after {@code previous}: {@code txPerBlock} transactions of {@code txBytes}, signed by the orderer. */
  public static Block next(Block previous, int txPerBlock, int txBytes, SigningIdentity orderer) {
    long number = previous.getHeader().getNumber() + 1;
    List<ByteString> txs = new ArrayList<>();
    for (int t = 0; t < txPerBlock; t++) {
      byte[] tx = new byte[txBytes];
      Arrays.fill(tx, (byte) (number + t));
      txs.add(ByteString.copyFrom(tx));
    }
    return OrdererSignatures.sign(BlockBuilder.next(previous, txs), orderer);
  }

  /** A peer expected to receive blocks again (a partition healed). */
  public void include(int peer) {
    excluded.remove(peer);
  }

  /** The highest block each peer committed. */
  public long committed(int peer) {
    return committed.get(peer);
  }

  /**
   * Sends {@code warmup + blocks} blocks of {@code txBytes}-byte transactions ({@code txPerBlock}
   * each) at {@code rate} blocks/s, then waits up to {@code settle} for every peer not excluded
   * to hold all of them.
   */
  public Result run(int warmup, int blocks, int txPerBlock, int txBytes, double rate, Duration settle)
      throws InterruptedException {
    long period = (long) (1_000_000_000L / rate);
    long next = System.nanoTime();
    long bytesBefore = 0;
    Map<String, Long> bytesByTypeBefore = Map.of();
    long blockBytes = 0;
    long messagesBefore = 0;
    long ordererBytesBefore = 0;
    Set<Long> measured = new HashSet<>();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "orderer-egress");
      thread.setDaemon(true);
      return thread;
    });
    for (int b = 0; b < warmup + blocks; b++) {
      if (b == warmup) {
        copiesByWay.clear();
        bytesBefore = network.traffic().bytesSent().sum();
        bytesByTypeBefore = network.traffic().bytesByType();
        messagesBefore = network.traffic().messagesSent().sum();
        ordererBytesBefore = egress.map(OrdererEgress::bytesSent).orElse(0L);
      }
      previous = next(previous, txPerBlock, txBytes, orderer);
      long number = previous.getHeader().getNumber();
      long cut = System.nanoTime();
      cutAt.put(number, cut);
      firstArrival.put(number, new long[network.size()]);
      if (b >= warmup) {
        measured.add(number);
        blockBytes += previous.getSerializedSize();
      }
      deliver(previous, cut, scheduler);
      next += period;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    long last = previous.getHeader().getNumber();
    // Blocks still missing after the settle time count as not delivered.
    Eventually.within(settle, () -> allCommitted(last));
    scheduler.shutdownNow();
    long ordererBytes = egress.map(OrdererEgress::bytesSent).orElse(0L) - ordererBytesBefore;
    long bytes = network.traffic().bytesSent().sum() - bytesBefore;
    Map<String, Long> bytesByType = new TreeMap<>(network.traffic().bytesByType());
    bytesByTypeBefore.forEach((type, before) -> bytesByType.merge(type, -before, Long::sum));
    long messages = network.traffic().messagesSent().sum() - messagesBefore;
    List<BlockResult> results = new ArrayList<>();
    for (long number : measured.stream().sorted().toList()) {
      results.add(result(number));
    }
    Map<String, Long> ways = new TreeMap<>();
    copiesByWay.forEach((way, count) -> ways.put(way, count.sum()));
    return new Result(results, receivers().size(), bytes, messages, ways, ordererBytes, bytesByType, blockBytes);
  }

  /**
   * Hands a block just cut to the peers the orderer delivers to: at once without an egress model,
   * else when its copy has crossed the orderer's uplink (the peers served in a random order).
   */
  private void deliver(Block block, long cut, ScheduledExecutorService scheduler) {
    List<Integer> targets = new ArrayList<>();
    if (delivery == Delivery.LEADER) {
      targets.add(source);
    } else {
      for (int p = 0; p < network.size(); p++) {
        targets.add(p);
      }
      for (int i = targets.size() - 1; i > 0; i--) {
        Collections.swap(targets, i, order.nextInt(i + 1));
      }
    }
    if (egress.isEmpty()) {
      targets.forEach(peer -> delivered(peer, block));
      return;
    }
    Duration[] delays = egress.get().send(targets.size(), block.getSerializedSize(), cut);
    for (int i = 0; i < targets.size(); i++) {
      int peer = targets.get(i);
      long at = cut + delays[i].toNanos();
      scheduler.schedule(() -> delivered(peer, block), at - System.nanoTime(), TimeUnit.NANOSECONDS);
    }
  }

  /** {@code peer} holds {@code block} from the orderer. */
  private void delivered(int peer, Block block) {
    long[] arrivals = firstArrival.get(block.getHeader().getNumber());
    synchronized (arrivals) {
      if (arrivals[peer] == 0) {
        arrivals[peer] = System.nanoTime();
      }
    }
    if (peer != source) {
      copies.merge(block.getHeader().getNumber(), 1, Integer::sum);
      copiesByWay.computeIfAbsent("orderer", w -> new LongAdder()).increment();
    }
    network.commitAtSource(peer, block);
  }

  /** Whether every peer not excluded committed up to {@code number}. */
  public boolean allCommitted(long number) {
    return receivers().stream().allMatch(p -> committed.get(p) >= number) && committed.get(source) >= number;
  }

  private List<Integer> receivers() {
    List<Integer> receivers = new ArrayList<>();
    for (int p = 0; p < network.size(); p++) {
      if ((p != source || delivery == Delivery.EVERY_PEER) && !excluded.contains(p)) {
        receivers.add(p);
      }
    }
    return receivers;
  }

  private BlockResult result(long number) {
    long[] arrivals = firstArrival.get(number);
    List<Integer> receivers = receivers();
    double[] ms = new double[receivers.size()];
    int pushed = 0;
    int[] how = byPush.getOrDefault(number, new int[network.size()]);
    for (int i = 0; i < receivers.size(); i++) {
      long at = arrivals[receivers.get(i)];
      ms[i] = at == 0 ? Double.POSITIVE_INFINITY : (at - cutAt.get(number)) / 1e6;
      pushed += how[receivers.get(i)];
    }
    return new BlockResult(number, ms, copies.getOrDefault(number, 0), pushed);
  }

  private void on(int peer, ChannelGossip.Event event) {
    if (event instanceof ChannelGossip.BlockArrived arrived) {
      long[] arrivals = firstArrival.get(arrived.number());
      if (arrivals == null || peer == source) {
        return;
      }
      copies.merge(arrived.number(), 1, Integer::sum);
      copiesByWay.computeIfAbsent(arrived.how().label(), w -> new LongAdder()).increment();
      synchronized (arrivals) {
        if (arrivals[peer] == 0) {
          arrivals[peer] = System.nanoTime();
          if (arrived.how() == ArrivalPath.PUSH) {
            byPush.computeIfAbsent(arrived.number(), n -> new int[network.size()])[peer] = 1;
          }
        }
      }
    } else if (event instanceof ChannelGossip.BlockCommitted c) {
      committed.accumulateAndGet(peer, c.number(), Math::max);
    }
  }
}
