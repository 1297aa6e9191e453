package io.hearsay.ledger.store;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.hyperledger.fabric.protos.common.Block;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * Hearsay's ledger journal: a Pekko Persistence journal whose events are committed blocks, stored
 * in Fabric's block-file format by one {@link BlockStore} per channel (persistence id
 * {@code ledger|CHANNEL}, sequence number = block number + 1). A write is acknowledged after its
 * blocks are forced to disk; concurrent writes share one force. Blocks are never deleted.
 */
public final class LedgerJournal extends AsyncWriteJournal {

  private final Path dataDir;
  private final long maxSegmentBytes;
  private final BlockStore.OnCorruption onCorruption;
  private final ExecutorService reads = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "ledger-journal-reads");
    t.setDaemon(true);
    return t;
  });

  public LedgerJournal(Config config) {
    this.dataDir = Path.of(config.getString("data-dir"));
    this.maxSegmentBytes = config.getBytes("max-segment-bytes");
    this.onCorruption = BlockStore.OnCorruption.parse(config.getString("on-corruption"));
  }


  private BlockStore storeOf(String persistenceId) throws IOException {
    if (!persistenceId.startsWith(BlockCommitted.PERSISTENCE_ID_PREFIX)) {
      throw new IOException("the ledger journal stores only channel ledgers (ledger|CHANNEL), not " + persistenceId);
    }
    return LedgerStores.store(dataDir, persistenceId.substring(BlockCommitted.PERSISTENCE_ID_PREFIX.length()), maxSegmentBytes,
        onCorruption);
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<CompletableFuture<Optional<Exception>>> results = new ArrayList<>();
    for (AtomicWrite write : messages) {
      results.add(write(write));
    }
    CompletableFuture<Iterable<Optional<Exception>>> all = CompletableFuture
        .allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(v -> results.stream().map(CompletableFuture::join).toList());
    return FutureConverters.asScala(all);
  }

  private CompletableFuture<Optional<Exception>> write(AtomicWrite write) {
    List<Block> blocks = new ArrayList<>();
    for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
      if (!(repr.payload() instanceof BlockCommitted committed)
          || committed.block().getHeader().getNumber() != repr.sequenceNr() - 1) {
        // Rejected, not failed: the ledger keeps running and nothing is written.
        return CompletableFuture.completedFuture(Optional.of(new IllegalArgumentException(
            "the ledger journal stores blocks numbered sequence number - 1; got "
                + repr.payload().getClass().getName() + " at sequence number " + repr.sequenceNr())));
      }
      blocks.add(committed.block());
    }
    try {
      return storeOf(write.persistenceId()).append(blocks).thenApply(v -> Optional.empty());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return FutureConverters.asScala(CompletableFuture.failedFuture(new UnsupportedOperationException(
        "committed blocks are never deleted (" + persistenceId + " up to " + toSequenceNr + ")")));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr,
      long max, Consumer<PersistentRepr> replayCallback) {
    return FutureConverters.asScala(CompletableFuture.runAsync(() -> {
      try {
        BlockStore store = storeOf(persistenceId);
        long last = Math.min(toSequenceNr, store.height());
        long count = 0;
        for (long seq = Math.max(1, fromSequenceNr); seq <= last && count < max; seq++, count++) {
          replayCallback.accept(PersistentRepr.apply(new BlockCommitted(store.block(seq - 1)), seq,
              persistenceId, "", false, null, ""));
        }
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, reads).thenApply(v -> (Void) null));
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return FutureConverters.asScala(CompletableFuture.supplyAsync(() -> {
      try {
        return storeOf(persistenceId).height();
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, reads));
  }
}
