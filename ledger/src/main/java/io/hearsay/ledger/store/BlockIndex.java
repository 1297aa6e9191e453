package io.hearsay.ledger.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Block number → (segment, offset, length) of its framed record, as fixed 16-byte entries: entry
 * {@code n} is block {@code n}. It is derived data: written after the blocks are forced to disk,
 * never forced itself, and rebuilt from the block files when missing, torn or stale.
 */
final class BlockIndex implements AutoCloseable {

  static final int ENTRY = 16;

  /** Where one block's framed record lies. */
  record Location(int segment, long offset, int length) {}

  private final FileChannel channel;
  private long entries;

  BlockIndex(Path file) throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    entries = channel.size() / ENTRY;
    channel.truncate(entries * ENTRY);
  }

  long size() {
    return entries;
  }

  Location get(long number) throws IOException {
    if (number < 0 || number >= entries) {
      throw new IllegalArgumentException("block " + number + " not indexed (" + entries + " entries)");
    }
    ByteBuffer entry = ByteBuffer.allocate(ENTRY);
    while (entry.hasRemaining() && channel.read(entry, number * ENTRY + entry.position()) >= 0) {
      // read the whole entry
    }
    entry.flip();
    return new Location(entry.getInt(), entry.getLong(), entry.getInt());
  }

  void append(Location location) throws IOException {
    append(List.of(location));
  }

  /** Appends the entries of consecutive blocks in one write (a batch's blocks, not one write each). */
  void append(List<Location> locations) throws IOException {
    ByteBuffer batch = ByteBuffer.allocate(ENTRY * locations.size());
    for (Location location : locations) {
      batch.putInt(location.segment()).putLong(location.offset()).putInt(location.length());
    }
    batch.flip();
    while (batch.hasRemaining()) {
      channel.write(batch, entries * ENTRY + batch.position());
    }
    entries += locations.size();
  }

  /** Forgets entries from {@code number} on. */
  void truncate(long number) throws IOException {
    entries = Math.min(entries, number);
    channel.truncate(entries * ENTRY);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
