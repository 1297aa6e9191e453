package io.hearsay.runtime.orderer;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.channels.common.Batcher;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.comm.RejectionLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;

/**
 * One channel at the ordering service: it takes transactions signed by members of the channel's
 * application orgs, cuts them into blocks ({@link Batcher}, by count or time), builds each block
 * on the previous header's hash, signs it into the SIGNATURES metadata, appends it to the channel's
 * own durable ledger, and streams blocks to deliver clients of the channel's orgs from any height.
 *
 * <p>Streams are flow-controlled: at most {@link #WINDOW} blocks are sent beyond what the client's
 * stream acknowledged (it does once gRPC could take more), so a slow client cannot fill memory; a
 * stream whose actor stops (its client went away) is forgotten.
 */
final class OrdererChannel {

  /** Blocks in flight per deliver stream. */
  static final int WINDOW = 16;
  /**
   * A stream whose window has been full this long without an acknowledgement is forgotten: its
   * client is gone (a leader that stepped down or crashed opens a new stream when it returns).
   */
  private static final long STALLED_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Recent blocks kept in memory so live streams need no ledger read. */
  private static final int RECENT = 64;

  sealed interface Command permits Broadcast, Deliver, Ack, GetStatus, InternalCommand {}

  private sealed interface InternalCommand extends Command permits CutDue, Appended, Chunk, HeightKnown, ClientGone {}

  record GetStatus(ActorRef<ChannelStatus> replyTo) implements Command {}

  record Broadcast(Envelope envelope, ActorRef<OrdererFrame> replyTo) implements Command {}

  record Deliver(Envelope envelope, ActorRef<OrdererFrame> replyTo) implements Command {}

  record Ack(ActorRef<OrdererFrame> client, long number) implements Command {}

  private enum CutDue implements InternalCommand { INSTANCE }

  private record Appended(Block block, ChannelLedger.AppendResult result) implements InternalCommand {}

  private record Chunk(ActorRef<OrdererFrame> client, ChannelLedger.BlockChunk chunk) implements InternalCommand {}

  private record HeightKnown(ChannelLedger.Height height) implements InternalCommand {}

  /** A deliver stream's actor stopped: its client went away. */
  private record ClientGone(ActorRef<OrdererFrame> client) implements InternalCommand {}

  /** One deliver stream: the next block to send, the last acknowledged, where it stops. */
  private static final class Stream {
    long next;
    long acked;
    final long stop;
    boolean reading;
    long lastProgress = System.nanoTime();

    Stream(long next, long stop) {
      this.next = next;
      this.acked = next - 1;
      this.stop = stop;
    }

    boolean stalled(long now) {
      return next > acked + WINDOW - 1 && now - lastProgress > STALLED_NANOS;
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ChannelConfig config;
  private final SigningIdentity orderer;
  private final RejectionLog rejections;
  private final ActorRef<ChannelLedger.Command> ledger;
  private final Batcher<ByteString> cutter;
  private final Duration ledgerTimeout;
  private final MspRegistry readers;
  private final ArrayDeque<List<ByteString>> batches = new ArrayDeque<>();
  private final Map<ActorRef<OrdererFrame>, Stream> streams = new HashMap<>();
  private final LinkedHashMap<Long, Block> recent = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Block> eldest) {
      return size() > RECENT;
    }
  };
  private final Block genesis;
  private long height = -1;
  private ByteString tipHash = ByteString.EMPTY;
  private boolean appending;

  private OrdererChannel(ActorContext<Command> context, TimerScheduler<Command> timers, Block genesis,
      SigningIdentity orderer, Behavior<ChannelLedger.Command> ledger, RejectionLog rejections, Duration ledgerTimeout) {
    this.context = context;
    this.ledgerTimeout = ledgerTimeout;
    this.timers = timers;
    this.genesis = genesis;
    this.config = ChannelConfig.of(genesis);
    this.orderer = orderer;
    this.rejections = rejections;
    this.ledger = context.spawn(ledger, "ledger");
    this.cutter = new Batcher<>(config.ordering().maxMessageCount(), config.ordering().batchTimeout());
    List<Msp> msps = new ArrayList<>();
    config.applicationOrgs().forEach(o -> o.msp().ifPresent(msps::add));
    config.ordererOrgs().forEach(o -> o.msp().ifPresent(msps::add));
    this.readers = new MspRegistry(msps);
    context.setLoggerName(OrdererChannel.class);
  }

  static Behavior<Command> create(Block genesis, SigningIdentity orderer, Behavior<ChannelLedger.Command> ledger,
      RejectionLog rejections, Duration ledgerTimeout) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      OrdererChannel channel = new OrdererChannel(context, timers, genesis, orderer, ledger, rejections, ledgerTimeout);
      channel.ledger.tell(new ChannelLedger.GetHeight(context.messageAdapter(ChannelLedger.Height.class, HeightKnown::new)));
      return channel.behavior();
    }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(HeightKnown.class, h -> {
          if (h.height().height() == 0) {
            append(genesis);
          } else {
            height = h.height().height();
            tipHash = h.height().tipHash();
            context.getLog().info("channel {}: ordering from block {}", config.channelId(), height);
          }
          return Behaviors.same();
        })
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(new ChannelStatus(config.channelId(), Math.max(height, 0), tipHash, false, false));
          return Behaviors.same();
        })
        .onMessage(Broadcast.class, b -> {
          onBroadcast(b);
          return Behaviors.same();
        })
        .onMessage(Deliver.class, d -> {
          onDeliver(d);
          return Behaviors.same();
        })
        .onMessage(Ack.class, a -> {
          Stream stream = streams.get(a.client());
          if (stream != null && a.number() > stream.acked) {
            stream.acked = Math.min(a.number(), stream.next - 1);
            stream.lastProgress = System.nanoTime();
            pump(a.client(), stream);
          }
          return Behaviors.same();
        })
        .onMessage(CutDue.class, c -> {
          enqueue(cutter.due(System.nanoTime()));
          scheduleCut();
          return Behaviors.same();
        })
        .onMessage(ClientGone.class, g -> {
          streams.remove(g.client());
          return Behaviors.same();
        })
        .onMessage(Appended.class, this::onAppended)
        .onMessage(Chunk.class, this::onChunk)
        .build();
  }

  private void onBroadcast(Broadcast b) {
    Verdict<CommonEnvelopes.Signed> verdict = verify(b.envelope(), config.applicationMsps(), HeaderType.ENDORSER_TRANSACTION);
    if (!verdict.isAccepted()) {
      refuse(verdict.rejection(), b.replyTo());
      b.replyTo().tell(OrdererReplies.broadcast(status(verdict.rejection()), verdict.rejection().toString()));
      return;
    }
    enqueue(cutter.add(b.envelope().toByteString(), System.nanoTime()));
    scheduleCut();
    b.replyTo().tell(OrdererReplies.broadcast(Status.SUCCESS, ""));
  }

  private void onDeliver(Deliver d) {
    Verdict<CommonEnvelopes.Signed> verdict = verify(d.envelope(), readers, HeaderType.DELIVER_SEEK_INFO);
    if (!verdict.isAccepted()) {
      refuse(verdict.rejection(), d.replyTo());
      d.replyTo().tell(OrdererReplies.deliverStatus(status(verdict.rejection())));
      return;
    }
    SeekInfo seek;
    try {
      seek = SeekInfo.parseFrom(verdict.value().payload().getData());
    } catch (InvalidProtocolBufferException e) {
      refuse(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "deliver request is not a SeekInfo: %s", e.getMessage()), d.replyTo());
      d.replyTo().tell(OrdererReplies.deliverStatus(Status.BAD_REQUEST));
      return;
    }
    long start = position(seek.getStart(), 0);
    long stop = position(seek.getStop(), Long.MAX_VALUE);
    if (height < 0 || stop < start
        || (seek.getBehavior() == SeekInfo.SeekBehavior.FAIL_IF_NOT_READY && start >= height)) {
      d.replyTo().tell(OrdererReplies.deliverStatus(stop < start ? Status.BAD_REQUEST : Status.NOT_FOUND));
      return;
    }
    Stream stream = new Stream(start, stop);
    if (streams.put(d.replyTo(), stream) == null) {
      context.watchWith(d.replyTo(), new ClientGone(d.replyTo()));
    }
    context.getLog().debug("channel {}: deliver to {} from {}", config.channelId(), verdict.value().creator(), start);
    pump(d.replyTo(), stream);
  }

  private long position(SeekPosition position, long unspecified) {
    return switch (position.getTypeCase()) {
      case OLDEST -> 0;
      case NEWEST -> Math.max(0, height - 1);
      case SPECIFIED -> position.getSpecified().getNumber() < 0 ? Long.MAX_VALUE : position.getSpecified().getNumber();
      default -> unspecified;
    };
  }

  private Verdict<CommonEnvelopes.Signed> verify(Envelope envelope, MspRegistry orgs, HeaderType type) {
    return CommonEnvelopes.verify(envelope, orgs, Instant.now()).then(signed ->
        signed.channelHeader().getType() == type.getNumber() ? Verdict.accept(signed)
            : Verdict.reject(RejectionReason.MALFORMED_PAYLOAD, "a %s request carries a header of type %d",
                type, signed.channelHeader().getType()));
  }

  /** Sends what the client's window allows: from memory when recent, else read from the ledger. */
  private void pump(ActorRef<OrdererFrame> client, Stream stream) {
    while (stream.next < height && stream.next <= stream.stop && stream.next <= stream.acked + WINDOW && !stream.reading) {
      Block block = recent.get(stream.next);
      if (block == null) {
        stream.reading = true;
        long last = Math.min(Math.min(height - 1, stream.stop), stream.acked + WINDOW);
        ledger.tell(new ChannelLedger.ReadRange(stream.next, last, WINDOW,
            context.spawnAnonymous(ChannelLedger.forwardChunks(context.getSelf(), chunk -> new Chunk(client, chunk)))));
        return;
      }
      client.tell(OrdererReplies.deliverBlock(block));
      stream.next++;
    }
    if (stream.next > stream.stop) {
      client.tell(OrdererReplies.deliverStatus(Status.SUCCESS));
      streams.remove(client);
    }
  }

  private Behavior<Command> onChunk(Chunk c) {
    Stream stream = streams.get(c.client());
    if (stream == null) {
      return Behaviors.same();
    }
    for (Block block : c.chunk().blocks()) {
      if (block.getHeader().getNumber() == stream.next) {
        c.client().tell(OrdererReplies.deliverBlock(block));
        stream.next++;
      }
    }
    if (c.chunk().last()) {
      stream.reading = false;
      pump(c.client(), stream);
    }
    return Behaviors.same();
  }

  private void enqueue(List<ByteString> batch) {
    if (!batch.isEmpty()) {
      batches.add(batch);
      cutNext();
    }
  }

  private void cutNext() {
    if (appending || height < 0 || batches.isEmpty()) {
      return;
    }
    Block block = OrdererSignatures.sign(BlockBuilder.block(height, tipHash, batches.poll()), orderer);
    append(block);
  }

  private void append(Block block) {
    appending = true;
    context.ask(ChannelLedger.AppendResult.class, ledger, ledgerTimeout,
        replyTo -> new ChannelLedger.AppendBlock(block, replyTo),
        (result, failure) -> new Appended(block, result != null ? result : new ChannelLedger.Rejected(
            Rejection.of(RejectionReason.MALFORMED_BLOCK, "ledger did not answer: %s", failure))));
  }

  private Behavior<Command> onAppended(Appended a) {
    appending = false;
    if (a.result() instanceof ChannelLedger.Rejected rejected) {
      // A block this orderer built and signed must append; if not, the ledger is unusable.
      context.getLog().error("channel {}: cannot append block {}: {}", config.channelId(),
          a.block().getHeader().getNumber(), rejected.rejection());
      throw new IllegalStateException("orderer ledger refused its own block: " + rejected.rejection());
    }
    height = a.block().getHeader().getNumber() + 1;
    tipHash = BlockHashes.headerHash(a.block().getHeader());
    recent.put(a.block().getHeader().getNumber(), a.block());
    long now = System.nanoTime();
    streams.values().removeIf(stream -> stream.stalled(now));
    streams.forEach(this::pumpIfIdle);
    cutNext();
    return Behaviors.same();
  }

  private void pumpIfIdle(ActorRef<OrdererFrame> client, Stream stream) {
    if (!stream.reading) {
      pump(client, stream);
    }
  }

  private void scheduleCut() {
    if (cutter.isEmpty()) {
      timers.cancel(CutDue.INSTANCE);
    } else if (!timers.isTimerActive(CutDue.INSTANCE)) {
      timers.startSingleTimer(CutDue.INSTANCE, Duration.ofNanos(Math.max(0, cutter.deadline() - System.nanoTime())));
    }
  }

  private void refuse(Rejection rejection, ActorRef<OrdererFrame> client) {
    rejections.record(rejection, client.path().address().toString(), System.nanoTime());
  }

  /** Fabric's answer for each kind of refusal: malformed is BAD_REQUEST, unauthorised FORBIDDEN. */
  private static Status status(Rejection rejection) {
    return switch (rejection.reason()) {
      case MALFORMED_ENVELOPE, MALFORMED_PAYLOAD, EMPTY_PAYLOAD, OVERSIZED_PAYLOAD, MALFORMED_IDENTITY -> Status.BAD_REQUEST;
      default -> Status.FORBIDDEN;
    };
  }
}
