package io.hearsay.ledger.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The open block stores of this JVM, one per (data directory, channel). The ledger journal writes
 * through them and the channel ledgers read block bodies from them, so both must see one store.
 * A channel's files live where Fabric keeps them: {@code DATA/chains/chains/CHANNEL/blockfile_*}.
 */
public final class LedgerStores {

  /** Fabric's rule for channel names. */
  private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9.-]{0,248}");
  private static final Map<Path, BlockStore> OPEN = new ConcurrentHashMap<>();

  private LedgerStores() {}

  public static Path channelDir(Path dataDir, String channel) {
    return dataDir.resolve("chains").resolve("chains").resolve(channel);
  }

  public static Path indexFile(Path dataDir, String channel) {
    return dataDir.resolve("chains").resolve("hearsay-index").resolve(channel + ".idx");
  }

  public static void checkChannelName(String channel) {
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("'" + channel + "' is not a valid channel name "
          + "(lower-case letters, digits, '.' and '-', starting with a letter)");
    }
  }

  /** The store of a channel, opened (and recovered) on first use. */
  public static BlockStore store(Path dataDir, String channel, long maxSegmentBytes) throws IOException {
    checkChannelName(channel);
    Path dir = channelDir(dataDir, channel).toAbsolutePath().normalize();
    try {
      return OPEN.computeIfAbsent(dir, d -> {
        try {
          return BlockStore.open(d, indexFile(dataDir, channel), maxSegmentBytes);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Closes the store of a channel (tests, shutdown); the next use reopens and recovers it. */
  public static void close(Path dataDir, String channel) throws IOException {
    BlockStore store = OPEN.remove(channelDir(dataDir, channel).toAbsolutePath().normalize());
    if (store != null) {
      store.close();
    }
  }
}
