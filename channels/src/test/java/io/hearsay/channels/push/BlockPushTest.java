package io.hearsay.channels.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.channels.common.ArrivalPath;
import io.hearsay.channels.common.BlockDigests;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.junit.jupiter.api.Test;

/** Plumtree in an org that also has Fabric peers: the tree is Hearsay's, Fabric's peers get Fabric's push. */
class BlockPushTest {

  private final List<PkiId> hearsayPeers = peers("hearsay", 2);
  private final List<PkiId> fabricPeers = peers("fabric", 5);
  private final List<PkiId> delivered = new ArrayList<>();
  private final List<Envelope> deliveredEnvelopes = new ArrayList<>();
  private final List<PkiId> sentTo = new ArrayList<>();
  private final List<GossipMessage> sent = new ArrayList<>();
  private final Map<PkiId, Long> heightsShown = new HashMap<>();
  private final BlockPush push = new BlockPush("mychannel",
      new PushSettings(3, 1, 10, Duration.ofMillis(10), 10,
          Optional.of(new Plumtree.Settings(3, Duration.ofMillis(200), Duration.ofMillis(100)))),
      new SplittableRandom(7), new BlockPush.Outbox() {
        @Override
        public List<PkiId> orgMembers() {
          List<PkiId> all = new ArrayList<>(hearsayPeers);
          all.addAll(fabricPeers);
          return all;
        }

        @Override
        public void deliver(PkiId to, Envelope envelope) {
          delivered.add(to);
          deliveredEnvelopes.add(envelope);
        }

        @Override
        public void send(PkiId to, GossipMessage message) {
          sentTo.add(to);
          sent.add(message);
        }

        @Override
        public void wakeForEmit(Duration delay) {}

        @Override
        public void wakeForGraft(Duration delay) {}

        @Override
        public void heightShown(PkiId peer, long height) {
          heightsShown.merge(peer, height, Math::max);
        }
      });

  private static List<PkiId> peers(String kind, int count) {
    return IntStream.range(0, count).mapToObj(i -> PkiId.fromBytes(ByteString.copyFromUtf8(kind + i))).toList();
  }

  private static Block block(long number) {
    return BlockBuilder.block(number, ByteString.copyFromUtf8("previous"), List.of(ByteString.copyFromUtf8("tx")));
  }

  @Test
  void aBlockFromTheSourceGoesDownTheTreeAndToPropagatePeerNumOfTheOrgsFabricPeers() throws Exception {
    push.members(hearsayPeers);
    sentTo.clear();
    push.arrived(block(5), ArrivalPath.SOURCE);

    assertTrue(delivered.containsAll(hearsayPeers), "both Hearsay peers, eagerly: " + delivered);
    List<PkiId> toFabric = delivered.stream().filter(fabricPeers::contains).toList();
    assertEquals(3, toFabric.size(), "Fabric's leader pushes to propagatePeerNum peers");
    assertEquals(3, Set.copyOf(toFabric).size());
    assertTrue(sentTo.stream().noneMatch(fabricPeers::contains), "no GRAFT, PRUNE or IHAVE reaches a Fabric peer");
    assertTrue(lazyPushesTo().stream().noneMatch(fabricPeers::contains), "no IHAVE reaches a Fabric peer");
  }

  /** The peers delivered an IHAVE. */
  private List<PkiId> lazyPushesTo() throws InvalidProtocolBufferException {
    List<PkiId> to = new ArrayList<>();
    for (int i = 0; i < delivered.size(); i++) {
      if (GossipMessages.isLazyPush(GossipMessage.parseFrom(deliveredEnvelopes.get(i).getPayload()))) {
        to.add(delivered.get(i));
      }
    }
    return to;
  }

  @Test
  void theLazyPeersOfABlockGetOneIHaveSignedOnce() throws Exception {
    List<PkiId> tree = peers("tree", 4);
    push.members(tree);
    push.pushed(5, tree.get(0), 1);
    push.arrived(block(5), ArrivalPath.PUSH);
    push.pushed(5, tree.get(1), 1); // duplicates: those links turn lazy
    push.pushed(5, tree.get(2), 1);
    delivered.clear();
    deliveredEnvelopes.clear();

    push.pushed(6, tree.get(0), 1);
    push.arrived(block(6), ArrivalPath.PUSH);
    assertEquals(Set.of(tree.get(1), tree.get(2)), Set.copyOf(lazyPushesTo()), "the lazy links get an IHAVE");
    Envelope first = deliveredEnvelopes.get(delivered.indexOf(tree.get(1)));
    assertSame(first, deliveredEnvelopes.get(delivered.indexOf(tree.get(2))), "one signature for every lazy peer");
    GossipMessage iHave = GossipMessage.parseFrom(first.getPayload());
    assertEquals(List.of(6L), BlockDigests.numbers(iHave.getDataDig().getDigestsList()));
  }

  @Test
  void aPeerNewToTheViewIsLinkedAndToldTheBlocksKeptForIt() throws Exception {
    push.members(hearsayPeers.subList(0, 1));
    assertTrue(delivered.isEmpty(), "nothing kept yet: no IHAVE");
    push.arrived(block(1), ArrivalPath.SOURCE);
    push.arrived(block(2), ArrivalPath.SOURCE);
    sent.clear();
    sentTo.clear();
    delivered.clear();
    deliveredEnvelopes.clear();

    push.members(hearsayPeers);
    assertEquals(List.of(hearsayPeers.get(1)), sentTo, "the newcomer alone is grafted");
    assertEquals(List.of(hearsayPeers.get(1)), lazyPushesTo(), "and announced what this peer keeps");
    GossipMessage iHave = GossipMessage.parseFrom(deliveredEnvelopes.get(0).getPayload());
    assertEquals(List.of(1L, 2L), BlockDigests.numbers(iHave.getDataDig().getDigestsList()));
  }

  @Test
  void aBlockPushedByAHearsayPeerGoesOnlyDownTheTree() {
    push.members(hearsayPeers);
    assertEquals(BlockPush.Copy.FIRST, push.pushed(5, hearsayPeers.get(0), 1));
    push.arrived(block(5), ArrivalPath.PUSH);

    assertEquals(List.of(hearsayPeers.get(1)), delivered, "Fabric's own push spreads it among Fabric's peers");
  }

  @Test
  void aFabricPeersPushIsACopyButNothingIsPrunedOrAwaitedFromIt() {
    push.members(hearsayPeers);
    sent.clear();
    sentTo.clear();
    assertEquals(BlockPush.Copy.FIRST, push.pushed(5, fabricPeers.get(0), 1));
    push.arrived(block(5), ArrivalPath.PUSH);
    assertEquals(BlockPush.Copy.DUPLICATE, push.pushed(5, fabricPeers.get(1), 1));

    assertTrue(sentTo.isEmpty(), "no PRUNE to a Fabric peer: " + sent);
    assertTrue(delivered.containsAll(hearsayPeers), "the tree gets the block a Fabric peer pushed");
  }

  @Test
  void aTreePeersPushOrAnnouncementShowsItsHeightAndAFabricPeersPushDoesNot() {
    push.members(hearsayPeers);
    push.pushed(5, hearsayPeers.get(0), 1);
    push.onLazyPush(GossipMessages.iHave("mychannel", BlockDigests.list(List.of(7L, 8L))), hearsayPeers.get(1), 1);
    push.pushed(5, fabricPeers.get(0), 1);

    assertEquals(Map.of(hearsayPeers.get(0), 6L, hearsayPeers.get(1), 9L), heightsShown);
  }
}
