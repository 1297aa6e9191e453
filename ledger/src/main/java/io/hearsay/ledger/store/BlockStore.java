package io.hearsay.ledger.store;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.block.BlockRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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
 * while a force is running are written together and share the next force (group commit), on one
 * writer thread per store.
 *
 * <p>Recovery, on open: the index is checked against the files and extended by scanning from
 * the last indexed record; a record cut short at the end of the last segment (a crash during an
 * append, never acknowledged) is truncated; anything else that does not read as the next block is
 * a {@link LedgerCorruptedException} naming the file and offset.
 */
public final class BlockStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);
  private static final String SEGMENT_PREFIX = "blockfile_";

  private record PendingAppend(List<Block> blocks, CompletableFuture<Void> done) {}

  private final Path dir;
  private final long maxSegmentBytes;
  private final BlockIndex index;
  private final Map<Integer, FileChannel> readers = new HashMap<>();
  private final LinkedBlockingQueue<PendingAppend> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile long height;
  private volatile ByteString tipHash = ByteString.EMPTY;
  private int segment;
  private FileChannel segmentWriter;
  private long segmentSize;
  private volatile boolean closed;

  private BlockStore(Path dir, Path indexFile, long maxSegmentBytes) throws IOException {
    this.dir = dir;
    this.maxSegmentBytes = maxSegmentBytes;
    Files.createDirectories(dir);
    Files.createDirectories(indexFile.getParent());
    this.index = new BlockIndex(indexFile);
    recover();
    this.writer = new Thread(this::writeLoop, "ledger-writer-" + dir.getFileName());
    writer.setDaemon(true);
    writer.start();
  }

  /** Opens (and recovers) the store of the blocks in {@code dir}, indexed in {@code indexFile}. */
  public static BlockStore open(Path dir, Path indexFile, long maxSegmentBytes) throws IOException {
    return new BlockStore(dir, indexFile, maxSegmentBytes);
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
    }
    return done;
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
      io.hearsay.ledger.block.Uvarint.read(frame);
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
    long indexed = index.size();
    if (indexed > 0) {
      try {
        BlockIndex.Location last = index.get(indexed - 1);
        read(last, indexed - 1);
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn("index of {} is stale ({}); rebuilding it from the block files", dir, e.getMessage());
        index.truncate(0);
        indexed = 0;
      }
    }
    int startSegment = segments.isEmpty() ? 0 : segments.get(0);
    long startOffset = 0;
    if (indexed > 0) {
      BlockIndex.Location last = index.get(indexed - 1);
      startSegment = last.segment();
      startOffset = last.offset() + last.length();
    }
    long[] next = {indexed};
    ByteString[] tip = {indexed > 0 ? BlockHashes.headerHash(block(indexed - 1).getHeader()) : ByteString.EMPTY};
    for (int s : segments) {
      if (s < startSegment) {
        continue;
      }
      Path file = segmentFile(s);
      long from = s == startSegment ? startOffset : 0;
      BlockFileScanner.Result result;
      try {
        result = BlockFileScanner.scan(file, from, entry -> {
          var header = entry.block().getHeader();
          if (header.getNumber() != next[0]) {
            throw new IllegalStateException(file + " at offset " + entry.offset() + ": block "
                + header.getNumber() + " where block " + next[0] + " was expected");
          }
          if (!BlockHashes.dataHash(entry.block().getData()).equals(header.getDataHash())
              || (next[0] > 0 && !header.getPreviousHash().equals(tip[0]))) {
            throw new IllegalStateException(file + " at offset " + entry.offset() + ": block "
                + header.getNumber() + " does not match its hashes");
          }
          tip[0] = BlockHashes.headerHash(header);
          try {
            index.append(new BlockIndex.Location(s, entry.offset(), entry.length()));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          next[0]++;
        });
      } catch (BlockFileScanner.CorruptionException e) {
        throw new LedgerCorruptedException("corrupted block file: " + e.getMessage(), e);
      } catch (IllegalStateException e) {
        throw new LedgerCorruptedException("corrupted block file: " + e.getMessage(), e);
      }
      if (result.tornTail().isPresent()) {
        if (s != segments.get(segments.size() - 1)) {
          throw new LedgerCorruptedException("corrupted block file: " + file + ": "
              + result.tornTail().get() + ", but later segments exist");
        }
        LOG.warn("{}: truncating a torn last record ({}) at offset {}", file, result.tornTail().get(), result.goodEnd());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.truncate(result.goodEnd());
          channel.force(true);
        }
      }
    }
    height = next[0];
    if (height > 0) {
      tipHash = BlockHashes.headerHash(block(height - 1).getHeader());
    }
    segment = segments.isEmpty() ? 0 : segments.get(segments.size() - 1);
    segmentWriter = FileChannel.open(segmentFile(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    segmentSize = segmentWriter.size();
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

  private void writeLoop() {
    List<PendingAppend> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        PendingAppend first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch);
        writeBatch(batch);
        batch.forEach(p -> p.done().complete(null));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        LOG.error("append to {} failed", dir, e);
        batch.forEach(p -> p.done().completeExceptionally(e));
      }
      batch.clear();
    }
  }

  /**
   * Writes the batch's records, forces the segment once, then indexes them. An append whose
   * blocks do not continue the chain fails alone; an I/O failure truncates what the batch wrote.
   */
  private void writeBatch(List<PendingAppend> batch) throws IOException {
    List<BlockIndex.Location> written = new ArrayList<>();
    ByteString tip = tipHash;
    long next = height;
    int startSegment = segment;
    long startSize = segmentSize;
    try {
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
          ByteBuffer[] frame = {ByteBuffer.wrap(BlockRecords.lengthPrefix(record.length)), ByteBuffer.wrap(record)};
          int length = frame[0].remaining() + record.length;
          if (segmentSize > 0 && segmentSize + length > maxSegmentBytes) {
            rollSegment();
          }
          segmentWriter.position(segmentSize);
          while (frame[1].hasRemaining()) {
            segmentWriter.write(frame);
          }
          written.add(new BlockIndex.Location(segment, segmentSize, length));
          segmentSize += length;
          tip = BlockHashes.headerHash(block.getHeader());
          next++;
        }
      }
      segmentWriter.force(false);
    } catch (IOException e) {
      if (segment == startSegment) {
        segmentWriter.truncate(startSize);
        segmentSize = startSize;
      }
      throw e;
    }
    synchronized (index) {
      for (BlockIndex.Location location : written) {
        index.append(location);
      }
    }
    tipHash = tip;
    height = next;
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
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
