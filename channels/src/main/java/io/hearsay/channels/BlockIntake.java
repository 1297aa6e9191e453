package io.hearsay.channels;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.channels.common.ArrivalPath;
import io.hearsay.channels.common.RejectionSink;
import io.hearsay.channels.committer.Committer;
import io.hearsay.channels.committer.OrdererOrgs;
import io.hearsay.channels.committer.ReorderBuffer;
import io.hearsay.channels.election.Delivery;
import io.hearsay.channels.pull.BlockPull;
import io.hearsay.channels.push.BlockPush;
import io.hearsay.ledger.block.BlockValidator;
import io.hearsay.ledger.block.CommitterMetadata;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Payload;

/**
 * What becomes of a block that reaches the channel, in one place:
 *
 * <pre>
 * from the source        checked on arrival (data hash, orderer signature by the orgs of the newest
 *                        verified config block before it), passed on, queued for commit
 * by push, first copy    checked on arrival, passed on, offered to the committer; a duplicate
 *                        copy only tells Plumtree (which prunes its sender)
 * by pull, first copy    with Plumtree, checked on arrival and passed down the tree at once (its
 *                        commit may wait on a gap below it, and its subtree with it); else as below
 * by pull, by transfer   offered to the committer (the ledger checks it); passed on once committed
 * block 0                never from gossip: the genesis block is the join's trust anchor
 * from any peer          kept as its orderer made it: a Fabric peer's transaction filter and commit
 *                        hash, which its ledger's blocks carry, are cleared (CommitterMetadata)
 * committed              config blocks name the orderer orgs of the blocks after them; blocks among
 *                        the channel's newest (maxBlockCountToStore below the highest height a
 *                        member announced, or below the run's end) are kept for pull (and, with
 *                        Plumtree, passed down the tree); older ones, a catch-up's, the others have
 * </pre>
 */
final class BlockIntake {

  private final String channel;
  private final OrdererOrgs ordererOrgs;
  private final BlockPush push;
  private final BlockPull pull;
  private final Committer committer;
  private final ChannelObserver observer;
  private final RejectionSink rejections;
  private final int maxBlockCountToStore;
  /** The highest ledger height a member of the channel announced. */
  private final LongSupplier channelHeight;
  private final Consumer<ChannelGossip.Event> events;

  BlockIntake(String channel, OrdererOrgs ordererOrgs, BlockPush push, BlockPull pull, Committer committer,
      int maxBlockCountToStore, LongSupplier channelHeight, ChannelObserver observer, RejectionSink rejections,
      Consumer<ChannelGossip.Event> events) {
    this.channelHeight = channelHeight;
    this.channel = channel;
    this.ordererOrgs = ordererOrgs;
    this.push = push;
    this.pull = pull;
    this.committer = committer;
    this.maxBlockCountToStore = maxBlockCountToStore;
    this.observer = observer;
    this.rejections = rejections;
    this.events = events;
  }

  /**
   * A block from the channel's source; block 0 is the genesis the channel was joined with. A block
   * refused on arrival is counted and reported to {@code refusals}.
   */
  void fromSource(Block block, Optional<ActorRef<Delivery.Refused>> refusals) {
    if (block.getHeader().getNumber() > 0) {
      Optional<Rejection> refused = checkOnArrival(block);
      if (refused.isPresent()) {
        rejections.reject(refused.get(), "the channel's source");
        refusals.ifPresent(r -> r.tell(new Delivery.Refused(block.getHeader().getNumber(), refused.get())));
        return;
      }
      push.arrived(block, ArrivalPath.SOURCE);
    }
    committer.fromSource(block);
  }

  /** A block payload from a peer of the org, by {@code path}. */
  void fromGossip(Payload payload, ArrivalPath path, PkiId from) {
    parse(payload, from).ifPresent(block -> fromGossip(block, path, from));
  }

  private void fromGossip(Block block, ArrivalPath path, PkiId from) {
    long number = block.getHeader().getNumber();
    if (number == 0) {
      reject(Rejection.of(RejectionReason.MALFORMED_BLOCK, "block 0 of %s by %s: the genesis block comes from the join, "
          + "never from gossip", channel, path.label()), from);
      return;
    }
    events.accept(new ChannelGossip.BlockArrived(channel, number, path));
    long height = committer.height();
    boolean current = height < 0 || number >= height;
    boolean firstCopy = current && push.store().get(number).isEmpty();
    boolean firstPush = path == ArrivalPath.PUSH && firstCopy;
    // With Plumtree a first copy by pull goes down the tree as a push does, so it is checked first too.
    boolean firstPullPassedOn = path == ArrivalPath.PULL && firstCopy && push.isPlumtree();
    if (firstPush || firstPullPassedOn) {
      Optional<Rejection> refused = checkOnArrival(block);
      if (refused.isPresent()) {
        reject(refused.get(), from);
        return;
      }
    }
    if (path == ArrivalPath.PUSH) {
      pull.pushed(from, number);
      if (push.pushed(number, from, Math.max(height, 0)) == BlockPush.Copy.DUPLICATE) {
        return;
      }
    }
    if (firstPullPassedOn) {
      push.pulled(block, from);
    } else if (firstPush || path != ArrivalPath.PUSH) {
      push.arrived(block, path);
    }
    if (current && committer.fromGossip(block) == ReorderBuffer.Outcome.TOO_FAR_AHEAD) {
      observer.blockBeyondBuffer(channel);
    }
  }

  /** A run of blocks the ledger committed. */
  void committed(List<Block> run) {
    long last = run.get(run.size() - 1).getHeader().getNumber();
    // Signing, storing and passing on a block costs an ECDSA signature: a catch-up far below the
    // channel's head would pay it for blocks every other peer holds.
    long newest = Math.max(last, channelHeight.getAsLong() - 1);
    for (Block block : run) {
      long number = block.getHeader().getNumber();
      ordererOrgs.verified(block);
      events.accept(new ChannelGossip.BlockCommitted(channel, number));
      if (number > 0) {
        push.committed(block, newest - number < maxBlockCountToStore);
      }
    }
    ordererOrgs.committedBelow(last + 1);
  }

  /** The ledger's last config block at start: it names the orderer orgs of the blocks after it. */
  void lastConfigBlock(Block block) {
    ordererOrgs.verified(block);
  }

  /**
   * Data hash and orderer signature, by the orgs of the newest config block before it; a block
   * that passes and is a config block names who signs the blocks after it.
   */
  private Optional<Rejection> checkOnArrival(Block block) {
    Optional<Rejection> refused = BlockValidator.checkOnArrival(block, ordererOrgs.forBlock(block.getHeader().getNumber()),
        Instant.now());
    if (refused.isEmpty()) {
      ordererOrgs.verified(block);
    }
    return refused;
  }

  private Optional<Block> parse(Payload payload, PkiId from) {
    try {
      Block block = CommitterMetadata.asOrdered(Block.parseFrom(payload.getData()));
      if (block.getHeader().getNumber() != payload.getSeqNum()) {
        reject(Rejection.of(RejectionReason.MALFORMED_BLOCK, "payload %d carries block %d", payload.getSeqNum(),
            block.getHeader().getNumber()), from);
        return Optional.empty();
      }
      return Optional.of(block);
    } catch (InvalidProtocolBufferException e) {
      reject(Rejection.of(RejectionReason.MALFORMED_BLOCK, "payload %d is not a block: %s", payload.getSeqNum(),
          e.getMessage()), from);
      return Optional.empty();
    }
  }

  private void reject(Rejection rejection, PkiId from) {
    rejections.reject(rejection, String.valueOf(from));
  }
}
