package io.hearsay.ledger.block;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.Consumer;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Reads the records of a Fabric block file from an offset to its end. A record cut short at the
 * end of the file (a crash during an append) ends the scan as a torn tail; a complete record that
 * does not decode is corruption, reported with the file and offset.
 */
public final class BlockFileScanner {

  /** One block and where its framed record lies in the file. */
  public record Entry(Block block, long offset, int length) {}

  /**
   * Where the scan stopped: the end of the last good record, and the record cut short there, if
   * the file ends inside one.
   */
  public record Result(long goodEnd, long fileSize, Optional<TornRecord> tornTail) {}

  /**
   * A record the file ends inside of: at {@code offset}, claiming {@code claimedBytes} (-1 when even
   * its length prefix is cut) with only {@code remainingBytes} left after the prefix.
   */
  public record TornRecord(long offset, long claimedBytes, long remainingBytes) {
    @Override
    public String toString() {
      return claimedBytes < 0 ? "length prefix cut at offset " + offset
          : "record at offset " + offset + " claims " + claimedBytes + " bytes, " + remainingBytes + " remain";
    }
  }

  /** A complete record that is not a block. */
  public static final class CorruptionException extends IOException {
    private final Path file;
    private final long offset;

    public CorruptionException(Path file, long offset, String reason) {
      super(file + " at offset " + offset + ": " + reason);
      this.file = file;
      this.offset = offset;
    }

    public Path file() {
      return file;
    }

    public long offset() {
      return offset;
    }
  }

  private BlockFileScanner() {}

  public static Result scan(Path file, long from, Consumer<Entry> onBlock) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer all = ByteBuffer.allocate((int) Math.max(0, size - from));
      while (all.hasRemaining() && channel.read(all, from + all.position()) >= 0) {
        // read until full
      }
      all.flip();
      long offset = from;
      while (all.hasRemaining()) {
        int start = all.position();
        long length;
        try {
          length = Uvarint.read(all);
        } catch (BufferUnderflowException e) {
          return new Result(offset, size, Optional.of(new TornRecord(offset, -1, size - offset)));
        } catch (IllegalArgumentException e) {
          throw new CorruptionException(file, offset, e.getMessage());
        }
        if (length > all.remaining()) {
          return new Result(offset, size, Optional.of(new TornRecord(offset, length, all.remaining())));
        }
        byte[] record = new byte[(int) length];
        all.get(record);
        Block block;
        try {
          block = BlockRecords.decode(record);
        } catch (IllegalArgumentException e) {
          throw new CorruptionException(file, offset, "record of " + length + " bytes is not a block: " + e.getMessage());
        }
        int framed = all.position() - start;
        onBlock.accept(new Entry(block, offset, framed));
        offset += framed;
      }
      return new Result(offset, size, Optional.empty());
    }
  }
}
