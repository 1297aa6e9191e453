package io.hearsay.ledger;

import io.hearsay.ledger.store.BlockCommitted;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Reads committed blocks back through a journal's read side (Pekko Persistence Query), for
 * journals other than Hearsay's own (jdbc). Each read waits for the database.
 */
final class QueryBlockReader implements ChannelLedger.BlockReader {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<?> system;
  private final CurrentEventsByPersistenceIdQuery query;
  private final String persistenceId;

  QueryBlockReader(ActorSystem<?> system, String readJournalPluginId, String persistenceId) {
    this.system = system;
    this.query = PersistenceQuery.get(system).getReadJournalFor(CurrentEventsByPersistenceIdQuery.class,
        readJournalPluginId);
    this.persistenceId = persistenceId;
  }

  @Override
  public Block block(long number) throws IOException {
    try {
      Optional<EventEnvelope> event = query.currentEventsByPersistenceId(persistenceId, number + 1, number + 1)
          .runWith(Sink.headOption(), system)
          .toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (event.isEmpty() || !(event.get().event() instanceof BlockCommitted committed)) {
        throw new IOException(persistenceId + ": block " + number + " not found in the journal");
      }
      return committed.block();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted reading block " + number, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(persistenceId + ": reading block " + number + " failed: " + e.getMessage(), e);
    }
  }
}
