package io.hearsay.ledger.store;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.block.BlockRecords;
import io.hearsay.ledger.block.Uvarint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hyperledger.fabric.protos.common.Block;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's blocks in Fabric's block-store format: segment files {@code blockfile_000000},
 * {@code blockfile_000001}, … of framed block records, rolled at {@code maxSegmentBytes}, plus a
 * {@link BlockIndex}.
 *
 * <p>Durability: an append completes only after its records are forced to disk. Appends queued
 * while a force is running are written together and share the next force (group commit). One
 * drain at a time per store runs on {@link #WRITERS}, a pool shared by every store of the process
 * whose threads exist only while some store has appends to write: a peer joined to a hundred idle
 * channels holds no writer thread and wakes for none.
 *
 * <p>Recovery, on open ({@link BlockStoreRecovery}): every record is read back and checked as the
 * chain, the index against it; a record cut short at the end of the last segment (a crash during an
 * append, never acknowledged) is truncated; anything else that does not read as the next block is
 * damage, refused as a {@link LedgerCorruptedException} naming the file and offset, or repaired:
 * the chain ends at the last good block and the rest is moved into quarantine, never deleted.
 */
public final class BlockStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);
  private static final String SEGMENT_PREFIX = "blockfile_";

  private record PendingAppend(List<Block> blocks, CompletableFuture<Void> done) {}

  /** Where every store's appends are written: a thread per store with appends under way, none when idle. */
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(new ThreadFactory() {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread thread = new Thread(r, "ledger-writer-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  });

  /** What to do with a store whose files do not read back as a chain to their end ({@code hearsay.ledger.on-corruption}). */
  public enum OnCorruption {
    /** Keep the chain up to the damage, move the rest aside into quarantine, let state transfer fetch it again. */
    REPAIR,
    /** Refuse to open: a {@link LedgerCorruptedException} naming file, offset and blocks lost. */
    FAIL;

    /** {@code hearsay.ledger.on-corruption}: "repair" or "fail". */
    public static OnCorruption parse(String value) {
      return switch (value) {
        case "repair" -> REPAIR;
        case "fail" -> FAIL;
        default -> throw new IllegalArgumentException("hearsay.ledger.on-corruption must be \"repair\" or \"fail\", not \""
            + value + "\"");
      };
    }
  }

  /**
   * A repair made on open: the damage at {@code offset} of {@code file} ended the chain at
   * {@code height} (the index had held {@code indexedBefore} blocks); what followed is in {@code quarantined}.
   */
  public record Repair(Path file, long offset, long height, long indexedBefore, Path quarantined) {}

  private final Path dir;
  private final long maxSegmentBytes;
  private final OnCorruption onCorruption;
  private final Path quarantineRoot;
  private Optional<Repair> repair = Optional.empty();
  private final BlockIndex index;
  private final Map<Integer, FileChannel> readers = new HashMap<>();
  private final ConcurrentLinkedQueue<PendingAppend> queue = new ConcurrentLinkedQueue<>();
  /** Whether a drain of this store's queue is running or scheduled on {@link #WRITERS}. */
  private final AtomicBoolean draining = new AtomicBoolean();
  /** Completes when the last drain after close has ended. */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile long height;
  private volatile ByteString tipHash = ByteString.EMPTY;
  private int segment;
  private FileChannel segmentWriter;
  private long segmentSize;
  private volatile boolean closed;

  private BlockStore(Path dir, Path indexFile, long maxSegmentBytes, OnCorruption onCorruption, Path quarantineRoot)
      throws IOException {
    this.dir = dir;
    this.maxSegmentBytes = maxSegmentBytes;
    this.onCorruption = onCorruption;
    this.quarantineRoot = quarantineRoot;
    Files.createDirectories(dir);
    Files.createDirectories(indexFile.getParent());
    this.index = new BlockIndex(indexFile);
    recover();
  }

  /**
   * Opens (and recovers) the store of the blocks in {@code dir}, indexed in {@code indexFile};
   * damage is repaired into {@code quarantineRoot} or refused, as {@code onCorruption} says.
   */
  public static BlockStore open(Path dir, Path indexFile, long maxSegmentBytes, OnCorruption onCorruption,
      Path quarantineRoot) throws IOException {
    return new BlockStore(dir, indexFile, maxSegmentBytes, onCorruption, quarantineRoot);
  }

  /** Opens a store that refuses damage (tools that must not change what they read). */
  public static BlockStore open(Path dir, Path indexFile, long maxSegmentBytes) throws IOException {
    return new BlockStore(dir, indexFile, maxSegmentBytes, OnCorruption.FAIL, dir);
  }

  /** The repair made when this store was opened, if its files were damaged. */
  public Optional<Repair> repair() {
    return repair;
  }

  public long height() {
    return height;
  }

  /** The header hash of the last block; empty for an empty store. */
  public ByteString tipHash() {
    return tipHash;
  }

  public Path dir() {
    return dir;
  }

  /** Appends blocks (numbered from the height on), completing once they are on disk. */
  public CompletableFuture<Void> append(List<Block> blocks) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IOException("block store " + dir + " is closed"));
    } else {
      queue.add(new PendingAppend(List.copyOf(blocks), done));
      scheduleDrain();
    }
    return done;
  }

  private void scheduleDrain() {
    if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
      WRITERS.execute(this::drain);
    }
  }

  /** Reads one block through the index. */
  public Block block(long number) throws IOException {
    BlockIndex.Location location;
    synchronized (index) {
      location = index.get(number);
    }
    return read(location, number);
  }

  /** Reads blocks {@code from..to} (inclusive) one at a time, never holding the range in memory. */
  public void read(long from, long to, Consumer<Block> onBlock) throws IOException {
    for (long n = from; n <= to && n < height; n++) {
      onBlock.accept(block(n));
    }
  }

  private Block read(BlockIndex.Location location, long number) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(location.length());
    FileChannel channel = reader(location.segment());
    while (frame.hasRemaining()) {
      if (channel.read(frame, location.offset() + frame.position()) < 0) {
        throw new LedgerCorruptedException(segmentFile(location.segment()) + " at offset " + location.offset()
            + ": block " + number + " is indexed past the end of the file");
      }
    }
    frame.flip();
    try {
      Uvarint.read(frame);
      byte[] record = new byte[frame.remaining()];
      frame.get(record);
      Block block = BlockRecords.decode(record);
      if (block.getHeader().getNumber() != number) {
        throw new IllegalArgumentException("holds block " + block.getHeader().getNumber());
      }
      if (!BlockHashes.dataHash(block.getData()).equals(block.getHeader().getDataHash())) {
        throw new IllegalArgumentException("its data does not match its data_hash");
      }
      return block;
    } catch (RuntimeException e) {
      throw new LedgerCorruptedException(segmentFile(location.segment()) + " at offset " + location.offset()
          + ": block " + number + " does not read back: " + e.getMessage(), e);
    }
  }

  private synchronized FileChannel reader(int segmentNumber) throws IOException {
    FileChannel channel = readers.get(segmentNumber);
    if (channel == null) {
      channel = FileChannel.open(segmentFile(segmentNumber), StandardOpenOption.READ);
      readers.put(segmentNumber, channel);
    }
    return channel;
  }

  private Path segmentFile(int number) {
    return dir.resolve(String.format("%s%06d", SEGMENT_PREFIX, number));
  }

  private void recover() throws IOException {
    List<Integer> segments = segments();
    BlockStoreRecovery.Outcome outcome = BlockStoreRecovery.scan(segments, this::segmentFile, index);
    if (outcome.damage().isPresent()) {
      BlockStoreRecovery.Damage damage = outcome.damage().get();
      String lost = "blocks from " + outcome.height() + " on" + (outcome.indexedBefore() > outcome.height()
          ? " (the index held up to block " + (outcome.indexedBefore() - 1) + ")" : "");
      String what = "corrupted block file: " + damage.file() + " at offset " + damage.offset() + ": " + damage.reason();
      if (onCorruption == OnCorruption.FAIL) {
        throw new LedgerCorruptedException(what + "; " + lost + " cannot be read (hearsay.ledger.on-corruption = fail)");
      }
      Path kept = quarantine(segments, damage);
      repair = Optional.of(new Repair(damage.file(), damage.offset(), outcome.height(), outcome.indexedBefore(), kept));
      LOG.error("{}; the ledger is reopened at height {}, {} are fetched again from other peers; the damaged bytes are "
          + "kept in {}", what, outcome.height(), lost, kept);
      segments = segments();
    }
    height = outcome.height();
    tipHash = outcome.tipHash();
    segment = segments.isEmpty() ? 0 : segments.get(segments.size() - 1);
    segmentWriter = FileChannel.open(segmentFile(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    segmentSize = segmentWriter.size();
  }

  /**
   * Moves everything from the damage on out of the store, never deleting it: the damaged
   * segment's bytes from the offset (then truncated there) and every later segment, into a new
   * directory under the quarantine root. Returns that directory.
   */
  private Path quarantine(List<Integer> segments, BlockStoreRecovery.Damage damage) throws IOException {
    Path kept = quarantineRoot.resolve(dir.getFileName() + "-" + DateTimeFormatter
        .ofPattern("yyyyMMdd'T'HHmmss.SSS").withZone(ZoneOffset.UTC).format(Instant.now()));
    Files.createDirectories(kept);
    Path tail = kept.resolve(damage.file().getFileName() + ".from-offset-" + damage.offset());
    try (FileChannel in = FileChannel.open(damage.file(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel out = FileChannel.open(tail, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = in.size();
      for (long at = damage.offset(); at < size; ) {
        at += in.transferTo(at, size - at, out);
      }
      out.force(true);
      in.truncate(damage.offset());
      in.force(true);
    }
    for (int s : segments) {
      if (s > damage.segment()) {
        Files.move(segmentFile(s), kept.resolve(segmentFile(s).getFileName()));
      }
    }
    return kept;
  }

  private List<Integer> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(SEGMENT_PREFIX))
          .map(n -> Integer.parseInt(n.substring(SEGMENT_PREFIX.length())))
          .sorted()
          .toList();
    }
  }

  /** Writes what is queued, batch after batch, until the queue is empty; one drain per store at a time. */
  private void drain() {
    List<PendingAppend> batch = new ArrayList<>();
    try {
      for (PendingAppend next = queue.poll(); next != null; next = queue.poll()) {
        batch.add(next);
        for (PendingAppend more = queue.poll(); more != null; more = queue.poll()) {
          batch.add(more);
        }
        try {
          writeBatch(batch);
          batch.forEach(p -> p.done().complete(null));
        } catch (IOException | RuntimeException e) {
          LOG.error("append to {} failed", dir, e);
          batch.forEach(p -> p.done().completeExceptionally(e));
        }
        batch.clear();
      }
    } finally {
      draining.set(false);
      if (closed && queue.isEmpty()) {
        drained.complete(null);
      }
      scheduleDrain(); // an append queued after the last poll and before the flag was cleared
    }
  }

  /**
   * Writes the batch's records, forces the segment once, then indexes them. The records go in one
   * gathered write per segment and their index entries in one write: a batch of small blocks costs
   * a few system calls, not two per block. An append whose blocks do not continue the chain fails
   * alone; an I/O failure truncates what the batch wrote.
   */
  private void writeBatch(List<PendingAppend> batch) throws IOException {
    List<BlockIndex.Location> written = new ArrayList<>();
    List<ByteBuffer> frames = new ArrayList<>();
    Block last = null;
    long next = height;
    int startSegment = segment;
    long startSize = segmentSize;
    try {
      long end = segmentSize;
      for (var it = batch.iterator(); it.hasNext(); ) {
        PendingAppend append = it.next();
        if (!continuesFrom(append.blocks(), next)) {
          append.done().completeExceptionally(new IOException("blocks appended at height " + next
              + " do not continue from it: " + append.blocks().stream().map(b -> b.getHeader().getNumber()).toList()));
          it.remove();
          continue;
        }
        for (Block block : append.blocks()) {
          byte[] record = BlockRecords.encode(block);
          byte[] prefix = BlockRecords.lengthPrefix(record.length);
          int length = prefix.length + record.length;
          if (end > 0 && end + length > maxSegmentBytes) {
            writeAtEnd(frames);
            rollSegment();
            end = 0;
          }
          frames.add(ByteBuffer.wrap(prefix));
          frames.add(ByteBuffer.wrap(record));
          written.add(new BlockIndex.Location(segment, end, length));
          end += length;
          last = block;
          next++;
        }
      }
      writeAtEnd(frames);
      segmentWriter.force(false);
    } catch (IOException e) {
      if (segment == startSegment) {
        segmentWriter.truncate(startSize);
        segmentSize = startSize;
      }
      throw e;
    }
    synchronized (index) {
      index.append(written);
    }
    if (last != null) {
      tipHash = BlockHashes.headerHash(last.getHeader());
    }
    height = next;
  }

  /** Writes {@code frames} at the end of the current segment in gathered writes, and empties the list. */
  private void writeAtEnd(List<ByteBuffer> frames) throws IOException {
    ByteBuffer[] buffers = frames.toArray(ByteBuffer[]::new);
    long left = 0;
    for (ByteBuffer buffer : buffers) {
      left += buffer.remaining();
    }
    segmentWriter.position(segmentSize);
    while (left > 0) {
      long wrote = segmentWriter.write(buffers);
      left -= wrote;
      segmentSize += wrote;
    }
    frames.clear();
  }

  private static boolean continuesFrom(List<Block> blocks, long height) {
    for (int i = 0; i < blocks.size(); i++) {
      if (blocks.get(i).getHeader().getNumber() != height + i) {
        return false;
      }
    }
    return true;
  }

  private void rollSegment() throws IOException {
    segmentWriter.force(false);
    segmentWriter.close();
    segment++;
    segmentWriter = FileChannel.open(segmentFile(segment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    segmentSize = 0;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (!draining.get() && queue.isEmpty()) {
      drained.complete(null);
    }
    scheduleDrain();
    try {
      drained.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("appends to {} still being written at close", dir);
    }
    segmentWriter.close();
    synchronized (this) {
      for (FileChannel channel : readers.values()) {
        channel.close();
      }
    }
    index.close();
  }
}
