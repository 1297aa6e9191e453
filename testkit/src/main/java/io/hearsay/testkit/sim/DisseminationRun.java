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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Block dissemination over a {@link SimulatedNetwork}: a source peer gets blocks from the
 * orderer at a fixed rate, signed by the orderer org like real ones; for every block and peer,
 * when its payload first arrived and how (push, pull, state transfer), and how many copies
 * arrived in all. The first {@code warmup} blocks let membership proofs and, in the hearsay
 * profile, the push tree settle; they are not measured.
 */
public final class DisseminationRun {

  /** One block: ms from the source holding it to each peer holding it, copies received, how many came by push first. */
  public record BlockResult(long number, double[] arrivalMs, int copies, int firstByPush) {
    /** Time until the last reached peer held it. */
    public double allPeersMs() {
      return Arrays.stream(arrivalMs).max().orElse(0);
    }
  }

  /** Everything measured; {@code bytesSent} and {@code messagesSent} over the measured blocks. */
  public record Result(List<BlockResult> blocks, int receivers, long bytesSent, long messagesSent,
      Map<String, Long> copiesByWay) {}

  private final SimulatedNetwork network;
  private final int source;
  private final Set<Integer> excluded = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<Long, long[]> firstArrival = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, int[]> byPush = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Integer> copies = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> copiesByWay = new ConcurrentHashMap<>();
  private final AtomicLongArray committed;
  private final SigningIdentity orderer;
  private Block previous;

  public DisseminationRun(SimulatedNetwork network, int source) throws Exception {
    this.network = network;
    this.source = source;
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
    long messagesBefore = 0;
    Set<Long> measured = new HashSet<>();
    for (int b = 0; b < warmup + blocks; b++) {
      if (b == warmup) {
        copiesByWay.clear();
        bytesBefore = network.traffic().bytesSent().sum();
        messagesBefore = network.traffic().messagesSent().sum();
      }
      previous = next(previous, txPerBlock, txBytes, orderer);
      long number = previous.getHeader().getNumber();
      long[] arrivals = new long[network.size()];
      arrivals[source] = System.nanoTime();
      firstArrival.put(number, arrivals);
      if (b >= warmup) {
        measured.add(number);
      }
      network.commitAtSource(source, previous);
      next += period;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    long last = previous.getHeader().getNumber();
    // Blocks still missing after the settle time count as not delivered.
    Eventually.within(settle, () -> allCommitted(last));
    long bytes = network.traffic().bytesSent().sum() - bytesBefore;
    long messages = network.traffic().messagesSent().sum() - messagesBefore;
    List<BlockResult> results = new ArrayList<>();
    for (long number : measured.stream().sorted().toList()) {
      results.add(result(number));
    }
    Map<String, Long> ways = new TreeMap<>();
    copiesByWay.forEach((way, count) -> ways.put(way, count.sum()));
    return new Result(results, receivers().size(), bytes, messages, ways);
  }

  /** Whether every peer not excluded committed up to {@code number}. */
  public boolean allCommitted(long number) {
    return receivers().stream().allMatch(p -> committed.get(p) >= number) && committed.get(source) >= number;
  }

  private List<Integer> receivers() {
    List<Integer> receivers = new ArrayList<>();
    for (int p = 0; p < network.size(); p++) {
      if (p != source && !excluded.contains(p)) {
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
      ms[i] = at == 0 ? Double.POSITIVE_INFINITY : (at - arrivals[source]) / 1e6;
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
