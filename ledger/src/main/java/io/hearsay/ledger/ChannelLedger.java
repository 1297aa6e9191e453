package io.hearsay.ledger;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.block.BlockValidator;
import io.hearsay.ledger.block.RunSignatures;
import io.hearsay.ledger.state.WorldState;
import io.hearsay.ledger.store.BlockCommitted;
import io.hearsay.ledger.store.BlockStore;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.MspRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.hyperledger.fabric.protos.common.Block;
import org.slf4j.LoggerFactory;

/**
 * One channel's ledger: a persistent actor whose events are the committed blocks (persistence id
 * {@code ledger|CHANNEL}, sequence number = block number + 1). A block is validated before it is
 * persisted ({@link BlockValidator}: number, data hash, previous hash, and the orderer's
 * signature once the channel config names the orderer orgs); a rejected block changes nothing.
 * Appending a block already committed is a no-op when it is the same block, a fork otherwise.
 *
 * <p>In memory it keeps only what is small: height, tip hash, the last config block, and the world
 * state; block bodies are read back from the block store. Snapshots hold that state so recovery
 * does not replay every block.
 */
public final class ChannelLedger
    extends EventSourcedBehavior<ChannelLedger.Command, BlockCommitted, LedgerState> {

  public sealed interface Command permits AppendBlock, AppendBlocks, Query {}

  /** A read of the ledger, which changes nothing: what an application may send a peer's ledger. */
  public sealed interface Query extends Command permits GetHeight, GetBlock, ReadRange, GetValue, GetLastConfigBlock {}

  /** Validates and commits a block. */
  public record AppendBlock(Block block, ActorRef<AppendResult> replyTo) implements Command {}

  /**
   * Validates consecutive blocks as a chain and commits them all in one journal write (one fsync),
   * or none of them: the reply is {@code Committed} of the last block, or the first rejection.
   * Whose orderer signatures are verified is the ledger's {@link RunSignatures} setting.
   * A committer that holds several blocks in order (state transfer, a reorder buffer) uses it.
   */
  public record AppendBlocks(List<Block> blocks, ActorRef<AppendResult> replyTo) implements Command {}

  public record GetHeight(ActorRef<Height> replyTo) implements Query {}

  public record GetBlock(long number, ActorRef<Optional<Block>> replyTo) implements Query {}

  /** Asks for the newest committed config block (empty before the genesis block is committed). */
  public record GetLastConfigBlock(ActorRef<LastConfigBlock> replyTo) implements Query {}

  public record LastConfigBlock(Optional<Block> block) {}

  /**
   * Reads blocks {@code from..to} (inclusive, clipped to the height) as a sequence of chunks of
   * at most {@code maxBlocks} blocks, the last one marked, so a large range never sits in memory.
   */
  public record ReadRange(long from, long to, int maxBlocks, ActorRef<BlockChunk> replyTo) implements Query {}

  public record GetValue(String namespace, String key, ActorRef<Optional<WorldState.VersionedValue>> replyTo)
      implements Query {}

  /** The ledger's height and the header hash of its last block. */
  public record Height(long height, ByteString tipHash) {}

  public record BlockChunk(List<Block> blocks, boolean last) {}

  /**
   * A one-range reply target: forwards each chunk of one {@link ReadRange}, wrapped, to
   * {@code target} and stops after the last. Spawn one per range (a message adapter would be
   * shared by all ranges read at once, and could not tell whose chunk arrived).
   */
  public static <T> Behavior<BlockChunk> forwardChunks(ActorRef<T> target,
      Function<BlockChunk, T> wrap) {
    return Behaviors.receiveMessage(chunk -> {
      target.tell(wrap.apply(chunk));
      return chunk.last() ? Behaviors.stopped()
          : Behaviors.same();
    });
  }

  /** What became of an appended block. */
  public sealed interface AppendResult permits Committed, AlreadyCommitted, Rejected {}

  public record Committed(long number) implements AppendResult {}

  public record AlreadyCommitted(long number) implements AppendResult {}

  public record Rejected(Rejection rejection) implements AppendResult {}

  /** Reads committed block bodies; the ledger journal's block store implements it. */
  public interface BlockReader {
    Block block(long number) throws IOException;
  }

  /**
   * What a channel ledger is started with. {@code storedHeight} is how many blocks the store
   * holds: a snapshot taken past it (the store was repaired back to an earlier block) is not used.
   */
  public record Settings(String channel, String journalPluginId, String snapshotPluginId, int snapshotEvery,
      BlockReader reader, LongSupplier storedHeight, RunSignatures runSignatures) {}

  private final Settings settings;

  private ChannelLedger(Settings settings) {
    super(PersistenceId.ofUniqueId(BlockCommitted.persistenceId(settings.channel())));
    this.settings = settings;
  }

  public static Behavior<Command> create(Settings settings) {
    return Behaviors.setup(context -> new ChannelLedger(settings));
  }

  /**
   * The ledger of {@code channel} as {@code settings} describe it. On Hearsay's ledger journal,
   * block bodies are read from the channel's block store, opened and recovered here, so damaged
   * block files are repaired (or refused) at the start naming the file and offset. On another
   * journal (jdbc), they are read through its read journal.
   */
  public static Behavior<Command> create(LedgerSettings settings, String channel) throws IOException {
    var blockFiles = openStore(settings, channel);
    if (blockFiles.isPresent()) {
      var store = blockFiles.get();
      return create(new Settings(channel, settings.journalPlugin(), settings.snapshotPlugin(), settings.snapshotEvery(),
          store::block, store::height, settings.runSignatures()));
    }
    return Behaviors.setup(context -> {
      if (settings.createJdbcSchema()) {
        SchemaUtils.createIfNotExists(context.getSystem())
            .toCompletableFuture().get();
      }
      return new ChannelLedger(new Settings(channel, settings.journalPlugin(), settings.snapshotPlugin(),
          settings.snapshotEvery(), new QueryBlockReader(context.getSystem(), settings.readJournalPlugin(),
              BlockCommitted.persistenceId(channel)), () -> Long.MAX_VALUE, settings.runSignatures()));
    });
  }

  /**
   * The channel's block store on Hearsay's block-file journal, opened and recovered (damage repaired
   * or refused as {@code hearsay.ledger.on-corruption} says); empty on another journal.
   */
  public static Optional<BlockStore> openStore(LedgerSettings settings, String channel) throws IOException {
    if (!settings.onBlockFiles()) {
      return Optional.empty();
    }
    return Optional.of(LedgerStores.store(settings.dataDir(), channel, settings.maxSegmentBytes(), settings.onCorruption()));
  }

  @Override
  public String journalPluginId() {
    return settings.journalPluginId();
  }

  @Override
  public String snapshotPluginId() {
    return settings.snapshotPluginId();
  }

  /**
   * Recovers from the newest snapshot the store's blocks still cover: after a repair moved
   * damaged blocks aside, a snapshot taken past them would claim blocks the store no longer holds.
   */
  @Override
  public Recovery recovery() {
    long stored = settings.storedHeight().getAsLong();
    return stored == Long.MAX_VALUE ? super.recovery() : Recovery
        .withSnapshotSelectionCriteria(SnapshotSelectionCriteria.latest()
            .withMaxSequenceNr(stored));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Never deleteEventsOnSnapshot: the events are the blocks.
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public LedgerState emptyState() {
    return LedgerState.empty();
  }

  @Override
  public SignalHandler<LedgerState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> LoggerFactory.getLogger(ChannelLedger.class)
            .info("ledger of channel {} recovered at height {}", settings.channel(), state.height()))
        .build();
  }

  @Override
  public CommandHandler<Command, BlockCommitted, LedgerState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(AppendBlock.class, this::onAppend)
        .onCommand(AppendBlocks.class, this::onAppendAll)
        .onCommand(GetHeight.class, (state, get) -> Effect().reply(get.replyTo(),
            new Height(state.height(), state.tipHash())))
        .onCommand(GetBlock.class, (state, get) -> Effect().reply(get.replyTo(), read(state, get.number())))
        .onCommand(GetLastConfigBlock.class, (state, get) -> Effect().reply(get.replyTo(),
            new LastConfigBlock(state.lastConfigBlock())))
        .onCommand(ReadRange.class, this::onReadRange)
        .onCommand(GetValue.class, (state, get) -> Effect().reply(get.replyTo(),
            state.worldState().get(get.namespace(), get.key())))
        .build();
  }

  private Effect<BlockCommitted, LedgerState> onAppend(LedgerState state, AppendBlock append) {
    Block block = append.block();
    long number = block.getHeader().getNumber();
    if (number < state.height()) {
      Optional<Block> committed = read(state, number);
      if (committed.isPresent()
          && BlockHashes.headerHash(committed.get().getHeader()).equals(BlockHashes.headerHash(block.getHeader()))) {
        return Effect().reply(append.replyTo(), new AlreadyCommitted(number));
      }
      return Effect().reply(append.replyTo(), new Rejected(Rejection.of(RejectionReason.BLOCK_FORK,
          "block %d: header hash %s differs from the committed block's", number,
          BlockValidator.hex(BlockHashes.headerHash(block.getHeader())))));
    }
    Optional<MspRegistry> orderers = state.ordererOrgs();
    Optional<Rejection> problem = BlockValidator.check(block, state.height(), state.tipHash(), orderers, Instant.now());
    if (problem.isPresent()) {
      return Effect().reply(append.replyTo(), new Rejected(problem.get()));
    }
    return Effect().persist(new BlockCommitted(block)).thenReply(append.replyTo(), s -> new Committed(number));
  }

  private Effect<BlockCommitted, LedgerState> onAppendAll(LedgerState state, AppendBlocks append) {
    if (append.blocks().isEmpty()) {
      return Effect().reply(append.replyTo(), new Committed(state.height() - 1));
    }
    Optional<Rejection> problem = BlockValidator.checkRun(append.blocks(), state.height(), state.tipHash(),
        state.ordererOrgs(), settings.runSignatures(), Instant.now());
    if (problem.isPresent()) {
      return Effect().reply(append.replyTo(), new Rejected(problem.get()));
    }
    long last = state.height() + append.blocks().size() - 1;
    return Effect().persist(append.blocks().stream().map(BlockCommitted::new).toList())
        .thenReply(append.replyTo(), s -> new Committed(last));
  }

  private Effect<BlockCommitted, LedgerState> onReadRange(LedgerState state, ReadRange range) {
    long to = Math.min(range.to(), state.height() - 1);
    int max = Math.max(1, range.maxBlocks());
    List<Block> chunk = new ArrayList<>();
    for (long n = range.from(); n <= to; n++) {
      Optional<Block> block = read(state, n);
      if (block.isEmpty()) {
        break;
      }
      chunk.add(block.get());
      if (chunk.size() == max && n < to) {
        range.replyTo().tell(new BlockChunk(List.copyOf(chunk), false));
        chunk.clear();
      }
    }
    return Effect().reply(range.replyTo(), new BlockChunk(List.copyOf(chunk), true));
  }

  private Optional<Block> read(LedgerState state, long number) {
    if (number < 0 || number >= state.height()) {
      return Optional.empty();
    }
    try {
      return Optional.of(settings.reader().block(number));
    } catch (IOException e) {
      throw new IllegalStateException("ledger of " + settings.channel() + " cannot read block " + number, e);
    }
  }

  @Override
  public EventHandler<LedgerState, BlockCommitted> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(BlockCommitted.class, (state, event) -> state.withBlock(event.block()))
        .build();
  }
}
