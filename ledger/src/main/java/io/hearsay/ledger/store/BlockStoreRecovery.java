package io.hearsay.ledger.store;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.block.BlockHashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a block store's segments back on open and says how far they hold a valid chain:
 *
 * <pre>
 * every record of every segment, in order, must be block n (n counts from 0), whose data hashes
 * to its data_hash and whose previous_hash is the header hash of block n-1
 * the index is checked against what is read and rewritten from the first entry that differs
 * a record cut short at the end of the last segment is a crash during an append (never
 * acknowledged): it is truncated, and the chain ends before it
 * anything else that does not read as the next block is damage: the scan stops there, the chain
 * ends at the last block that read back and verified, and the damage (file, offset, why) is reported
 * </pre>
 */
final class BlockStoreRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(BlockStoreRecovery.class);

  /** Where the chain stopped being readable, and why. */
  record Damage(Path file, int segment, long offset, String reason) {}

  /** The chain found: its height and tip, and the damage that ended it, if any. */
  record Outcome(long height, ByteString tipHash, Optional<Damage> damage, long indexedBefore) {}

  /** A record that is read but is not the next block. */
  private static final class NotTheNextBlock extends RuntimeException {
    final long offset;

    NotTheNextBlock(long offset, String reason) {
      super(reason, null, false, false);
      this.offset = offset;
    }
  }

  private BlockStoreRecovery() {}

  static Outcome scan(List<Integer> segments, IntFunction<Path> segmentFile, BlockIndex index) throws IOException {
    long indexedBefore = index.size();
    long[] next = {0};
    ByteString[] tip = {ByteString.EMPTY};
    for (int i = 0; i < segments.size(); i++) {
      int segment = segments.get(i);
      Path file = segmentFile.apply(segment);
      BlockFileScanner.Result result;
      try {
        result = BlockFileScanner.scan(file, 0, entry -> {
          var header = entry.block().getHeader();
          if (header.getNumber() != next[0]) {
            throw new NotTheNextBlock(entry.offset(), "block " + header.getNumber() + " where block " + next[0] + " was expected");
          }
          if (!BlockHashes.dataHash(entry.block().getData()).equals(header.getDataHash())) {
            throw new NotTheNextBlock(entry.offset(), "block " + next[0] + "'s data does not match its data_hash");
          }
          if (next[0] > 0 && !header.getPreviousHash().equals(tip[0])) {
            throw new NotTheNextBlock(entry.offset(), "block " + next[0] + "'s previous_hash is not block " + (next[0] - 1)
                + "'s header hash");
          }
          index(index, next[0], new BlockIndex.Location(segment, entry.offset(), entry.length()));
          tip[0] = BlockHashes.headerHash(header);
          next[0]++;
        });
      } catch (NotTheNextBlock bad) {
        return damaged(index, next[0], tip[0], new Damage(file, segment, bad.offset, bad.getMessage()), indexedBefore);
      } catch (BlockFileScanner.CorruptionException bad) {
        return damaged(index, next[0], tip[0], new Damage(file, segment, bad.offset(), bad.getMessage()), indexedBefore);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      if (result.tornTail().isPresent()) {
        if (i < segments.size() - 1) {
          return damaged(index, next[0], tip[0], new Damage(file, segment, result.goodEnd(),
              result.tornTail().get() + ", but later segments exist"), indexedBefore);
        }
        LOG.warn("{}: truncating a torn last record ({}) at offset {}", file, result.tornTail().get(), result.goodEnd());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.truncate(result.goodEnd());
          channel.force(true);
        }
      }
    }
    index.truncate(next[0]);
    return new Outcome(next[0], tip[0], Optional.empty(), indexedBefore);
  }

  private static Outcome damaged(BlockIndex index, long height, ByteString tip, Damage damage, long indexedBefore)
      throws IOException {
    index.truncate(height);
    return new Outcome(height, tip, Optional.of(damage), indexedBefore);
  }

  /** Entry {@code number} of the index is {@code location}: kept when it already is, rewritten from there when not. */
  private static void index(BlockIndex index, long number, BlockIndex.Location location) {
    try {
      if (number < index.size()) {
        if (index.get(number).equals(location)) {
          return;
        }
        index.truncate(number);
      }
      index.append(location);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
