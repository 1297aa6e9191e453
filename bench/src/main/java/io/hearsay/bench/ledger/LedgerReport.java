package io.hearsay.bench.ledger;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.bench.report.BarChart;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockRecords;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.protocol.files.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Durable append throughput of the channel ledger on Hearsay's ledger journal, against a raw
 * baseline measured in the same run on the same disk: the same framed block bytes appended to a
 * file, each batch of the ledger's writes (1 block, or 10 committed together) in one gathered
 * write and one fsync. One committer, then four channels in parallel (baseline: four files, four
 * threads); after a warm-up, each committer alternates a ledger write and the raw write of the
 * same blocks, and each side is timed over its own writes. Then recovery time of a 10 000-block
 * ledger with and without snapshots.
 * Usage: {@code LedgerReport [--quick] [--out DIR]}.
 */
public final class LedgerReport {

  /** How many times {@code blocks} a workload measures, after its warm-up. */
  private static final int PASSES = 3;

  private record Row(String name, double ledgerBlocksPerSecond, double rawBlocksPerSecond, int blockBytes) {
    double ratio() {
      return ledgerBlocksPerSecond / rawBlocksPerSecond;
    }
  }

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    int outIndex = List.of(args).indexOf("--out");
    Path out = Path.of(outIndex >= 0 ? args[outIndex + 1] : "bench/results");
    Path base = Files.createDirectories(Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath());
    Path work = Files.createTempDirectory(base, "ledger-bench");
    int scale = quick ? 4 : 1;
    // The JIT compiles the append path before anything is measured: the first thousands of
    // appends run interpreted and would be measured as the ledger's cost.
    measure(work.resolve("jit"), 1024, 20_000 / scale, 1, 10);
    List<Row> rows = new ArrayList<>();
    for (int batch : new int[] {1, 10}) {
      rows.add(measure(work.resolve("a1k" + batch), 1024, 4000 / scale, 1, batch));
      rows.add(measure(work.resolve("a100k" + batch), 100 * 1024, 400 / scale, 1, batch));
      rows.add(measure(work.resolve("a1m" + batch), 1024 * 1024, 60 / scale, 1, batch));
      rows.add(measure(work.resolve("p1k" + batch), 1024, 2000 / scale, 4, batch));
      rows.add(measure(work.resolve("p100k" + batch), 100 * 1024, 200 / scale, 4, batch));
    }
    // State transfer's batch in the hearsay profile (peer.gossip.state.batchSize = 50).
    rows.add(measure(work.resolve("a1k50"), 1024, 10_000 / scale, 1, 50));
    rows.add(measure(work.resolve("h1k"), 1024, 1000 / scale, 1, 1, true));
    rows.add(measure(work.resolve("h100k"), 100 * 1024, 200 / scale, 1, 10, true));
    long[] recovery = recovery(work.resolve("recovery"), 10_000 / scale);
    write(out, rows, recovery, 10_000 / scale);
    Directories.deleteQuietly(work);
  }

  /**
   * Blocks per second through {@code channels} ledgers in parallel, committing {@code batch}
   * blocks per journal write, and through raw files with one fsync per {@code batch} blocks.
   */
  private static Row measure(Path dir, int blockBytes, int blocks, int channels, int batch) throws Exception {
    return measure(dir, blockBytes, blocks, channels, batch, false);
  }

  private static Row measure(Path dir, int blockBytes, int blocks, int channels, int batch, boolean h2)
      throws Exception {
    int warmUp = Math.max(batch, blocks / 10 / batch * batch);
    int measured = PASSES * blocks;
    List<List<Block>> chains = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      chains.add(chain(warmUp + measured, blockBytes, c));
    }
    Config config = h2 ? config(dir.resolve("ledger"), 1_000_000, ConfigFactory.parseResources("hearsay-ledger-h2.conf"))
        : config(dir.resolve("ledger"), 1_000_000);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", config);
    try {
      List<ActorRef<ChannelLedger.Command>> ledgers = new ArrayList<>();
      for (int c = 0; c < channels; c++) {
        ledgers.add(system.systemActorOf(ChannelLedger.create(LedgerSettings.read(config), "ch" + c), "ledger-" + c, Props.empty()));
        appendAll(system, ledgers.get(c), chains.get(c).subList(0, warmUp), batch);
      }
      // Each committer alternates: a ledger write, then the same blocks' bytes to its raw file, so
      // the disk is as fast or as slow for the one as for the other (it varies by more than the
      // ratio over seconds here). Each side's time is the sum of its own writes.
      List<CompletableFuture<long[]>> nanos = new ArrayList<>();
      for (int c = 0; c < channels; c++) {
        List<Block> slice = chains.get(c).subList(warmUp, warmUp + measured);
        ActorRef<ChannelLedger.Command> ledger = ledgers.get(c);
        Path file = Files.createDirectories(dir.resolve("raw")).resolve("raw" + c);
        nanos.add(CompletableFuture.supplyAsync(() -> alternate(system, ledger, file, slice, batch)));
      }
      List<long[]> spent = nanos.stream().map(CompletableFuture::join).toList();
      double ledger = (double) measured * channels / (spent.stream().mapToLong(t -> t[0]).max().orElseThrow() / 1e9);
      double raw = (double) measured * channels / (spent.stream().mapToLong(t -> t[1]).max().orElseThrow() / 1e9);
      String name = (h2 ? "H2 (pekko-persistence-jdbc), " : "")
          + (channels == 1 ? "one channel, " : channels + " channels in parallel, ") + size(blockBytes)
          + " blocks, " + batch + " per write";
      return new Row(name, ledger, raw, blockBytes);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      for (int c = 0; c < channels; c++) {
        LedgerStores.close(dir.resolve("ledger"), "ch" + c);
      }
    }
  }

  /**
   * Appends {@code blocks} to the ledger {@code batch} per write, each write followed by the same
   * blocks' framed bytes to {@code file} as one gathered write and an fsync; returns the
   * nanoseconds spent in the ledger's writes and in the file's.
   */
  public static long[] alternate(ActorSystem<Void> system, ActorRef<ChannelLedger.Command> ledger, Path file,
      List<Block> blocks, int batch) {
    long[] nanos = new long[2];
    try (FileChannel raw = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      for (int i = 0; i < blocks.size(); i += batch) {
        List<Block> slice = blocks.subList(i, Math.min(blocks.size(), i + batch));
        List<byte[]> frames = framed(slice);
        long start = System.nanoTime();
        appendAll(system, ledger, slice, batch);
        long between = System.nanoTime();
        appendDurably(raw, frames);
        nanos[0] += between - start;
        nanos[1] += System.nanoTime() - between;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return nanos;
  }

  /** The blocks' records framed as in a block file: what the raw baseline writes. */
  private static List<byte[]> framed(List<Block> blocks) {
    return blocks.stream().map(b -> BlockRecords.frame(BlockRecords.encode(b))).toList();
  }

  /** Appends {@code frames} at the end of {@code file} in one gathered write, then forces it to disk. */
  private static void appendDurably(FileChannel file, List<byte[]> frames) throws IOException {
    ByteBuffer[] buffers = frames.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
    file.position(file.size());
    while (buffers[buffers.length - 1].hasRemaining()) {
      file.write(buffers);
    }
    file.force(false);
  }

  /** Milliseconds to recover a ledger of {@code blocks} blocks with snapshots every 1000, and without. */
  private static long[] recovery(Path dir, int blocks) throws Exception {
    List<Block> chain = chain(blocks, 1024, 9);
    long[] times = new long[2];
    int[] snapshotEvery = {1000, Integer.MAX_VALUE};
    for (int i = 0; i < 2; i++) {
      Path data = dir.resolve("r" + i);
      Config config = config(data, snapshotEvery[i]);
      ActorSystem<Void> writer = ActorSystem.create(Behaviors.empty(), "bench", config);
      appendAll(writer, writer.systemActorOf(ChannelLedger.create(LedgerSettings.read(config), "recovery"), "ledger", Props.empty()), chain, 10);
      writer.terminate();
      writer.getWhenTerminated().toCompletableFuture().join();
      LedgerStores.close(data, "recovery");
      ActorSystem<Void> reader = ActorSystem.create(Behaviors.empty(), "bench", config);
      long start = System.nanoTime();
      var ledger = reader.systemActorOf(ChannelLedger.create(LedgerSettings.read(config), "recovery"), "ledger", Props.empty());
      ChannelLedger.Height height = AskPattern.<ChannelLedger.Command, ChannelLedger.Height>ask(ledger,
          ChannelLedger.GetHeight::new, Duration.ofMinutes(5), reader.scheduler()).toCompletableFuture().join();
      times[i] = (System.nanoTime() - start) / 1_000_000;
      if (height.height() != blocks) {
        throw new IllegalStateException("recovered " + height.height() + " of " + blocks);
      }
      reader.terminate();
      reader.getWhenTerminated().toCompletableFuture().join();
      LedgerStores.close(data, "recovery");
    }
    return times;
  }

  /** Appends {@code blocks} to {@code ledger}, {@code batch} per write, each acknowledged before the next. */
  public static void appendAll(ActorSystem<Void> system, ActorRef<ChannelLedger.Command> ledger, List<Block> blocks,
      int batch) {
    for (int i = 0; i < blocks.size(); i += batch) {
      List<Block> slice = blocks.subList(i, Math.min(blocks.size(), i + batch));
      ChannelLedger.AppendResult result = AskPattern.<ChannelLedger.Command, ChannelLedger.AppendResult>ask(ledger,
          replyTo -> slice.size() == 1 ? new ChannelLedger.AppendBlock(slice.get(0), replyTo)
              : new ChannelLedger.AppendBlocks(slice, replyTo), Duration.ofSeconds(60), system.scheduler())
          .toCompletableFuture().join();
      if (!(result instanceof ChannelLedger.Committed)) {
        throw new IllegalStateException("blocks from " + slice.get(0).getHeader().getNumber() + ": " + result);
      }
    }
  }

  /** A valid chain from a genesis block, each block one random payload of {@code blockBytes}. */
  public static List<Block> chain(int count, int blockBytes, int seed) {
    Random random = new Random(seed);
    List<Block> blocks = new ArrayList<>();
    Block previous = null;
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[blockBytes];
      random.nextBytes(payload);
      List<ByteString> data = List.of(ByteString.copyFrom(payload));
      previous = previous == null ? BlockBuilder.block(0, ByteString.EMPTY, data) : BlockBuilder.next(previous, data);
      blocks.add(previous);
    }
    return blocks;
  }

  private static Config config(Path data, int snapshotEvery) {
    return config(data, snapshotEvery, ConfigFactory.empty());
  }

  private static Config config(Path data, int snapshotEvery, Config backend) {
    return ConfigFactory.load(ConfigFactory.parseMap(Map.of("hearsay.ledger.data-dir", data.toString(),
        "hearsay.ledger.snapshot-every", snapshotEvery, "pekko.loglevel", "WARNING")).withFallback(backend));
  }

  private static String size(int bytes) {
    return bytes >= 1024 * 1024 ? (bytes / (1024 * 1024)) + " MB" : (bytes / 1024) + " KB";
  }

  private static void write(Path out, List<Row> rows, long[] recovery, int recoveryBlocks) throws IOException {
    StringBuilder md = new StringBuilder("""
        # Ledger: durable append and recovery

        The channel ledger (validation, Pekko Persistence, Hearsay's ledger journal writing Fabric
        block files with an fsync before each acknowledgement) against the raw baseline measured
        in the same run on the same disk: the same framed block bytes appended to a plain file, each
        batch of the same size as the ledger's journal writes (1 block, or 10 blocks committed
        together with AppendBlocks) in one gathered write and one fsync. After a warm-up that lets
        the JIT compile the append path, each committer alternates one ledger write and the raw
        write of the same blocks, each side timed over its own writes: this disk's speed varies by
        more than the ratio from one second to the next, and so it varies for both alike.

        | workload | ledger blocks/s | ledger MB/s | raw blocks/s | ratio |
        | --- | ---: | ---: | ---: | ---: |
        """);
    List<BarChart.Bar> bars = new ArrayList<>();
    List<Map<String, Object>> append = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      double mbs = r.ledgerBlocksPerSecond() * r.blockBytes() / (1024.0 * 1024.0);
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.0f | %.2f |%n", r.name(), r.ledgerBlocksPerSecond(),
          mbs, r.rawBlocksPerSecond(), r.ratio()));
      Map<String, Object> workload = new LinkedHashMap<>();
      workload.put("workload", r.name());
      workload.put("ledgerBlocksPerSecond", JsonFile.round(r.ledgerBlocksPerSecond(), 1));
      workload.put("ledgerMBPerSecond", JsonFile.round(mbs, 2));
      workload.put("rawBlocksPerSecond", JsonFile.round(r.rawBlocksPerSecond(), 1));
      workload.put("ratio", JsonFile.round(r.ratio(), 3));
      append.add(workload);
      bars.add(new BarChart.Bar(r.name(), r.ratio(), String.format(Locale.ROOT, "%.2f x raw", r.ratio())));
    }
    md.append(String.format(Locale.ROOT, """

        Recovery of a %d-block ledger (1 KB blocks), from a fresh ActorSystem to the first reply:

        | | ms |
        | --- | ---: |
        | with snapshots every 1000 blocks | %d |
        | without snapshots (replays every block) | %d |
        """, recoveryBlocks, recovery[0], recovery[1]));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("append", append);
    document.put("recoveryBlocks", recoveryBlocks);
    document.put("recoveryWithSnapshotsMs", recovery[0]);
    document.put("recoveryWithoutSnapshotsMs", recovery[1]);
    Files.createDirectories(out);
    Files.writeString(out.resolve("ledger.md"), md);
    JsonFile.write(out.resolve("ledger.json"), document);
    Files.writeString(out.resolve("ledger.svg"), BarChart.svg("Durable append, ledger / raw fsync (same run)", bars));
    System.out.println(md);
  }
}
