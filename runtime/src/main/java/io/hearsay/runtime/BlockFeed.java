package io.hearsay.runtime;

import io.hearsay.channels.ChannelGossip;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.runtime.channels.ChannelRouter;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.hyperledger.fabric.protos.common.Block;

/**
 * The actor behind one {@link HearsayPeer#blocks} stream: a channel's committed blocks from a
 * number on, replayed from the ledger and then live.
 *
 * <pre>
 * start:  subscribe to the channel's commits; ask the ledger for block n
 * block:  there  → hand it to the stream, and wait for the stream's ack (demand) before n + 1
 *         absent → wait for a commit of n or later, then ask again (at once when its event
 *                  came before the ledger's answer)
 * end:    the stream cancelled or failed → stop (the channel forgets the subscription);
 *         the channel is not joined → fail the stream
 * </pre>
 *
 * The ledger is read one block at a time, as fast as the consumer takes them: a slow consumer
 * holds one block here and nothing else waits for it, so nothing buffers without bound and no
 * block is skipped.
 */
final class BlockFeed {

  sealed interface Command {}

  /** The stream's ack: it took the last block and wants the next. */
  enum Ack implements Command { INSTANCE }

  private record Attached(ActorRef<Element> stream) implements Command {}

  private record Fetched(Optional<Block> block) implements Command {}

  private record Committed(ChannelGossip.Event event) implements Command {}

  private record NotJoined(ChannelRouter.NotJoined channel) implements Command {}

  /** What the feed hands the stream. */
  sealed interface Element {}

  private record Next(Block block) implements Element {}

  private record Failed(Throwable cause) implements Element {}

  private final ActorContext<Command> context;
  private final ActorRef<Peer.Command> peer;
  private final String channel;
  private long next;
  private ActorRef<Element> stream;
  private boolean waitingForCommit;
  /** The highest block number a commit event named: an empty read may cross a commit's event. */
  private long highestCommitted = -1;

  private BlockFeed(ActorContext<Command> context, ActorRef<Peer.Command> peer, String channel, long from) {
    this.context = context;
    this.peer = peer;
    this.channel = channel;
    this.next = from;
  }

  /** The blocks of {@code channel} from number {@code from} on, as a back-pressured source. */
  static Source<Block, NotUsed> source(ActorSystem<?> system, ActorRef<Peer.Command> peer, String channel, long from) {
    return Source.fromMaterializer((materializer, attributes) -> {
      ActorRef<Command> feed = system.systemActorOf(create(peer, channel, from), "block-feed-" + UUID.randomUUID(),
          Props.empty());
      return ActorSource.<Element, Command>actorRefWithBackpressure(feed, Ack.INSTANCE,
              element -> Optional.<CompletionStrategy>empty(),
              element -> element instanceof Failed failed ? Optional.of(failed.cause()) : Optional.empty())
          .mapMaterializedValue(stream -> {
            feed.tell(new Attached(stream));
            return NotUsed.getInstance();
          });
    }).mapMaterializedValue(ignored -> NotUsed.getInstance())
        .filter(element -> element instanceof Next)
        .map(element -> ((Next) element).block());
  }

  private static Behavior<Command> create(ActorRef<Peer.Command> peer, String channel, long from) {
    return Behaviors.setup(context -> new BlockFeed(context, peer, channel, from).waiting());
  }

  /** Until the stream is attached. */
  private Behavior<Command> waiting() {
    return Behaviors.receive(Command.class)
        .onMessage(Attached.class, a -> {
          stream = a.stream();
          context.watch(stream);
          peer.tell(new Peer.SubscribeChannel(channel, context.messageAdapter(ChannelGossip.Event.class, Committed::new)));
          fetch();
          return feeding();
        })
        .build();
  }

  private Behavior<Command> feeding() {
    return Behaviors.receive(Command.class)
        .onMessage(Fetched.class, f -> {
          if (f.block().isPresent()) {
            stream.tell(new Next(f.block().get()));
          } else if (highestCommitted >= next) {
            // The ledger's answer and the channel's commit event come by different ways; the event came first.
            fetch();
          } else {
            waitingForCommit = true;
          }
          return Behaviors.same();
        })
        .onMessage(Ack.class, a -> {
          next++;
          fetch();
          return Behaviors.same();
        })
        .onMessage(Committed.class, c -> {
          if (c.event() instanceof ChannelGossip.BlockCommitted committed) {
            highestCommitted = Math.max(highestCommitted, committed.number());
            if (waitingForCommit && committed.number() >= next) {
              waitingForCommit = false;
              fetch();
            }
          }
          return Behaviors.same();
        })
        .onMessage(NotJoined.class, n -> {
          stream.tell(new Failed(new NoSuchElementException("this peer has not joined channel " + channel)));
          return Behaviors.stopped();
        })
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .build();
  }

  private void fetch() {
    peer.tell(new Peer.QueryLedger(channel, new ChannelLedger.GetBlock(next, blockReplies()),
        context.messageAdapter(ChannelRouter.NotJoined.class, NotJoined::new)));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ActorRef<Optional<Block>> blockReplies() {
    // The ledger answers GetBlock with an Optional<Block>; an adapter is registered per class.
    return (ActorRef) context.messageAdapter(Optional.class, block -> new Fetched((Optional<Block>) block));
  }
}
