package io.hearsay.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.channels.committer.Committer;
import io.hearsay.channels.committer.OrdererOrgs;
import io.hearsay.channels.push.BlockPush;
import io.hearsay.channels.push.Plumtree;
import io.hearsay.channels.push.PushSettings;
import io.hearsay.channels.common.ArrivalPath;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.Payload;
import org.junit.jupiter.api.Test;

/** What the channel does with the blocks its ledger committed. */
class BlockIntakeTest {

  private static final int MAX_BLOCK_COUNT_TO_STORE = 10;

  private final List<PkiId> peers = IntStream.range(0, 2)
      .mapToObj(i -> PkiId.fromBytes(ByteString.copyFromUtf8("peer" + i))).toList();
  private final List<PkiId> passedOn = new ArrayList<>();
  private long channelHeight;
  private final BlockPush push = new BlockPush("mychannel",
      new PushSettings(3, 1, MAX_BLOCK_COUNT_TO_STORE, Duration.ofMillis(10), 10,
          Optional.of(new Plumtree.Settings(3, Duration.ofMillis(200), Duration.ofMillis(100)))),
      new SplittableRandom(7), new BlockPush.Outbox() {
        @Override
        public List<PkiId> orgMembers() {
          return peers;
        }

        @Override
        public void deliver(PkiId to, Envelope envelope) {
          passedOn.add(to);
        }

        @Override
        public void send(PkiId to, GossipMessage message) {}

        @Override
        public void wakeForEmit(Duration delay) {}

        @Override
        public void wakeForGraft(Duration delay) {}

        @Override
        public void heightShown(PkiId peer, long height) {}
      });
  private final List<Rejection> rejections = new ArrayList<>();
  // Pull is not involved in what a commit does, nor in what a pulled block does once here. The
  // committer never commits: blocks below the ones offered are missing.
  private final BlockIntake intake = new BlockIntake("mychannel", new OrdererOrgs(0, List.of()), push, null,
      new Committer(100, run -> {}), MAX_BLOCK_COUNT_TO_STORE, () -> channelHeight, ChannelObserver.NONE,
      (rejection, peer) -> rejections.add(rejection), event -> {});

  private static List<Block> run(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(n -> BlockBuilder.block(n, ByteString.copyFromUtf8("previous"),
        List.of(ByteString.copyFromUtf8("tx" + n)))).toList();
  }

  @Test
  void blocksCaughtUpFarBelowTheChannelsHeadAreNeitherStoredNorPassedDownTheTree() {
    push.members(peers);
    channelHeight = 1000;
    intake.committed(run(100, 199));
    assertTrue(passedOn.isEmpty(), "every peer that announced height 1000 holds blocks 100 to 199");
    assertTrue(push.store().get(199).isEmpty(), "nor are they kept (and signed) for pull");

    channelHeight = 205;
    intake.committed(run(200, 204));
    assertEquals(5 * peers.size(), passedOn.size(), "the channel's newest blocks go down the tree");
  }

  private static Payload payload(Block block) {
    return Payload.newBuilder().setSeqNum(block.getHeader().getNumber()).setData(block.toByteString()).build();
  }

  @Test
  void aFirstCopyByPullGoesDownTheTreeAtOnceButNotBackToThePeerItCameFrom() {
    push.members(peers);
    Block block = run(5, 5).get(0);
    intake.fromGossip(payload(block), ArrivalPath.PULL, peers.get(0));
    assertEquals(List.of(peers.get(1)), passedOn, "before its commit, which waits on blocks 1 to 4");
    assertTrue(push.store().get(5).isPresent(), "kept for pull and grafts");

    passedOn.clear();
    intake.fromGossip(payload(block), ArrivalPath.PULL, peers.get(1));
    assertTrue(passedOn.isEmpty(), "a block is passed on once");
    assertTrue(rejections.isEmpty(), rejections.toString());
  }

  @Test
  void aBlockByPullThatFailsTheCheckOnArrivalIsRefusedAndNotPassedOn() {
    push.members(peers);
    Block good = run(5, 5).get(0);
    Block forged = good.toBuilder().setData(BlockData.newBuilder().addData(ByteString.copyFromUtf8("forged"))).build();
    intake.fromGossip(payload(forged), ArrivalPath.PULL, peers.get(0));
    assertTrue(passedOn.isEmpty());
    assertTrue(push.store().get(5).isEmpty());
    assertEquals(List.of(RejectionReason.BAD_DATA_HASH), rejections.stream().map(Rejection::reason).toList());

    intake.fromGossip(payload(good), ArrivalPath.PULL, peers.get(0));
    assertEquals(List.of(peers.get(1)), passedOn, "the forged copy left nothing behind that stops the real one");
  }

  @Test
  void theNewestBlocksOfARunGoDownTheTreeWhenNoPeerAnnouncedMore() {
    push.members(peers);
    channelHeight = 0;
    intake.committed(run(1, 30));
    assertEquals(MAX_BLOCK_COUNT_TO_STORE * peers.size(), passedOn.size(), "the run's newest maxBlockCountToStore");
    assertTrue(push.store().get(30).isPresent());
    assertTrue(push.store().get(20).isEmpty());
  }
}
