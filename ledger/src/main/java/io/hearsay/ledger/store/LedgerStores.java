package io.hearsay.ledger.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
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

  /** Where damaged block files of a channel are moved on repair: {@code DATA/quarantine/}. */
  public static Path quarantineDir(Path dataDir) {
    return dataDir.resolve("quarantine");
  }

  /** The store of a channel, opened (and recovered, refusing damage) on first use. */
  public static BlockStore store(Path dataDir, String channel, long maxSegmentBytes) throws IOException {
    return store(dataDir, channel, maxSegmentBytes, BlockStore.OnCorruption.FAIL);
  }

  /**
   * The store of a channel, opened on first use and recovered as {@code onCorruption} says (the
   * first to open a store decides; the peer opens its channels' stores before anything else).
   */
  public static BlockStore store(Path dataDir, String channel, long maxSegmentBytes, BlockStore.OnCorruption onCorruption)
      throws IOException {
    checkChannelName(channel);
    Path dir = channelDir(dataDir, channel).toAbsolutePath().normalize();
    try {
      return OPEN.computeIfAbsent(dir, d -> {
        try {
          return BlockStore.open(d, indexFile(dataDir, channel), maxSegmentBytes, onCorruption, quarantineDir(dataDir));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The repairs made opening the stores under {@code dataDir} in this JVM. */
  public static List<BlockStore.Repair> repairs(Path dataDir) {
    Path root = dataDir.toAbsolutePath().normalize();
    return OPEN.entrySet().stream().filter(e -> e.getKey().startsWith(root))
        .flatMap(e -> e.getValue().repair().stream()).toList();
  }

  /** Closes every store under {@code dataDir} (a peer stopping in a JVM that goes on); the next use reopens them. */
  public static void closeAll(Path dataDir) throws IOException {
    Path root = dataDir.toAbsolutePath().normalize();
    for (Path dir : List.copyOf(OPEN.keySet())) {
      if (dir.startsWith(root)) {
        BlockStore store = OPEN.remove(dir);
        if (store != null) {
          store.close();
        }
      }
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
