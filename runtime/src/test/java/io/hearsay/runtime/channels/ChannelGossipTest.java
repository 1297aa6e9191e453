package io.hearsay.runtime.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.ChannelObserver;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.election.ElectionState;
import io.hearsay.channels.election.Leadership;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.ledger.store.BlockStore;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.config.ChannelSettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.Payload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The channel actor with probes for its ports (what it sends, what it refuses, what it tells its
 * observer) and its ledger on Pekko's in-memory journal: its message handling without a network.
 * Fabric's channel defaults, StateInfo every 100 ms.
 */
class ChannelGossipTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(PersistenceTestKitPlugin.getInstance().config()
      .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config()).withFallback(ConfigFactory.load()));
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  /** What the channel sent out, with the message it carries. */
  private record Sent(PkiId to, GossipMessage message) {}

  private final CryptoMaterial material = TestCrypto.material();
  private final SigningIdentity self = TestCrypto.peer(1, 0);
  private final SigningIdentity other = TestCrypto.peer(1, 1);
  private final IdentityMapper identities = new IdentityMapper(TestCrypto.msps());
  private final EnvelopeVerifier verifier = new EnvelopeVerifier(identities, 10 << 20);
  private final TestProbe<Sent> out = TEST_KIT.createTestProbe();
  private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  ChannelGossipTest() {
    identities.learn(self.identity(), Instant.now());
    identities.learn(other.identity(), Instant.now());
  }

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private static ChannelSettings settings() throws Exception {
    var follower = new Leadership.Settings(Leadership.Mode.FOLLOWER, new ElectionState.Timings(Duration.ofSeconds(15),
        Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5)));
    return ChannelSettingsReader.read(ConfigFactory.parseMap(Map.of(
        "peer.gossip.publishStateInfoInterval", "100ms", "peer.gossip.requestStateInfoInterval", "100ms"))
        .withFallback(ConfigFactory.load()), "test").withLeadership(follower);
  }

  /** The ledger of a fresh channel on the in-memory journal, its blocks read back through its read journal. */
  private static Behavior<ChannelLedger.Command> inMemoryLedger(String channel) throws Exception {
    return ChannelLedger.create(new LedgerSettings(Path.of("unused"), 1 << 20, 10, PersistenceTestKitPlugin.PluginId(),
        PersistenceTestKitSnapshotPlugin.PluginId(), PersistenceTestKitReadJournal.Identifier(), false,
        BlockStore.OnCorruption.REPAIR), channel);
  }

  private ActorRef<ChannelGossip.Command> channel(Block genesis, Behavior<ChannelLedger.Command> ledger) throws Exception {
    return TEST_KIT.spawn(ChannelGossip.create(new ChannelGossip.Setup(ChannelConfig.of(genesis), "Org1MSP",
        new EnvelopeSigner(self), verifier, settings(), 1, (to, envelope) -> out.getRef().tell(new Sent(to, parse(envelope))),
        ledger, (rejection, peer) -> rejections.add(rejection), c -> Behaviors.empty(), new ChannelObserver() {
          @Override
          public void channelFailed(String name, String why) {
            failures.add(name + ": " + why);
          }
        })));
  }

  private static GossipMessage parse(Envelope envelope) {
    try {
      return GossipMessage.parseFrom(envelope.getPayload());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String freshChannel() {
    return "ch" + CHANNELS.incrementAndGet();
  }

  private List<Block> chain(Block genesis, int blocks) throws Exception {
    CryptoMaterial.Org ordererOrg = material.org("OrdererMSP");
    SigningIdentity orderer = material.signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
    List<Block> chain = new ArrayList<>(List.of(genesis));
    for (int i = 1; i <= blocks; i++) {
      chain.add(OrdererSignatures.sign(BlockBuilder.next(chain.get(i - 1), List.of(ByteString.copyFromUtf8("tx" + i))),
          orderer));
    }
    return chain;
  }

  private ChannelGossip.Inbound from(SigningIdentity peer, GossipMessage message) {
    Envelope envelope = new EnvelopeSigner(peer).sign(message).envelope();
    return new ChannelGossip.Inbound(verifier.verify(envelope, Optional.of(peer.pkiId()), Instant.now()).value(),
        peer.pkiId());
  }

  /** {@code other} is alive in the org and proves channel membership with its StateInfo. */
  private void otherJoins(ActorRef<ChannelGossip.Command> channel, String name, long height) {
    channel.tell(new ChannelGossip.MembersChanged(List.of(new ChannelGossip.Member(other.pkiId(), "Org1MSP"))));
    channel.tell(from(other, GossipMessages.stateInfo(other.pkiId(), name, PeerTimes.of(1, 1), height)));
  }

  private long height(ActorRef<ChannelGossip.Command> channel) {
    TestProbe<ChannelLedger.Height> reply = TEST_KIT.createTestProbe();
    channel.tell(new ChannelGossip.GetHeight(reply.getRef()));
    return reply.receiveMessage(Duration.ofSeconds(5)).height();
  }

  private void awaitHeight(ActorRef<ChannelGossip.Command> channel, long expected) {
    out.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(expected, height(channel));
      return null;
    });
  }

  @Test
  void aBlockFromTheSourceIsCommittedAndPushedToAProvenPeerOfTheOrgAfterOurStateInfo() throws Exception {
    String name = freshChannel();
    List<Block> chain = chain(GenesisBlocks.create(name, material, Map.of()), 1);
    ActorRef<ChannelGossip.Command> channel = channel(chain.get(0), inMemoryLedger(name));
    TestProbe<ChannelGossip.Event> events = TEST_KIT.createTestProbe();
    channel.tell(new ChannelGossip.Subscribe(events.getRef()));
    otherJoins(channel, name, 1);
    channel.tell(new ChannelGossip.CommitBlock(chain.get(0)));
    channel.tell(new ChannelGossip.CommitBlock(chain.get(1)));

    List<Sent> sent = out.fishForMessage(Duration.ofSeconds(10), s -> s.message().hasDataMsg()
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndCollect());
    Sent block = sent.get(sent.size() - 1);
    assertEquals(other.pkiId(), block.to());
    assertEquals(1, block.message().getDataMsg().getPayload().getSeqNum(), "the genesis block is never gossiped");
    // Our proof of membership went first (a StateInfo, or its pull request while the height is unknown).
    assertTrue(sent.stream().anyMatch(s -> s.to().equals(other.pkiId())
        && (s.message().hasStateInfo() || s.message().hasStateInfoPullReq())),
        "proof before the block: " + sent.stream().map(s -> s.message().getContentCase()).toList());
    events.fishForMessage(Duration.ofSeconds(5), e -> e.equals(new ChannelGossip.BlockCommitted(name, 1))
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    assertEquals(2, height(channel));
    assertTrue(rejections.isEmpty(), rejections.toString());
  }

  @Test
  void aBlockFromAPeerThatHasNotProvenMembershipIsNotTakenAndNotCommitted() throws Exception {
    String name = freshChannel();
    List<Block> chain = chain(GenesisBlocks.create(name, material, Map.of()), 1);
    ActorRef<ChannelGossip.Command> channel = channel(chain.get(0), inMemoryLedger(name));
    channel.tell(new ChannelGossip.CommitBlock(chain.get(0)));
    awaitHeight(channel, 1);
    SigningIdentity ofOrg2 = TestCrypto.peer(2, 0);
    identities.learn(ofOrg2.identity(), Instant.now());
    channel.tell(from(ofOrg2, GossipMessages.dataMessage(name, 1, chain.get(1).toByteString())));
    out.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(List.of(RejectionReason.NOT_IN_CHANNEL), rejections.stream().map(Rejection::reason).toList(),
          "blocks never cross orgs: a peer of another org is refused");
      return null;
    });
    // A peer of our org, before the channel's view lists it or its StateInfo came: left aside as
    // Fabric does, not refused (the membership may have told the channel nothing yet).
    channel.tell(from(other, GossipMessages.dataMessage(name, 1, chain.get(1).toByteString())));
    channel.tell(new ChannelGossip.MembersChanged(List.of(new ChannelGossip.Member(other.pkiId(), "Org1MSP"))));
    channel.tell(from(other, GossipMessages.dataMessage(name, 1, chain.get(1).toByteString())));
    out.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(List.of(RejectionReason.NOT_IN_CHANNEL, RejectionReason.MEMBERSHIP_NOT_YET_PROVEN,
          RejectionReason.MEMBERSHIP_NOT_YET_PROVEN), rejections.stream().map(Rejection::reason).toList());
      return null;
    });
    assertEquals(1, height(channel));
  }

  @Test
  void aStateRequestOfAProvenPeerIsAnsweredFromTheLedgerWithItsNonce() throws Exception {
    String name = freshChannel();
    List<Block> chain = chain(GenesisBlocks.create(name, material, Map.of()), 3);
    ActorRef<ChannelGossip.Command> channel = channel(chain.get(0), inMemoryLedger(name));
    chain.forEach(b -> channel.tell(new ChannelGossip.CommitBlock(b)));
    awaitHeight(channel, 4);
    otherJoins(channel, name, 1);
    channel.tell(from(other, GossipMessages.remoteStateRequest(name, 1, 3).toBuilder().setNonce(77).build()));

    List<Sent> sent = out.fishForMessage(Duration.ofSeconds(10), s -> s.message().hasStateResponse()
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndCollect());
    Sent response = sent.get(sent.size() - 1);
    assertEquals(other.pkiId(), response.to());
    assertEquals(77, response.message().getNonce());
    assertEquals(List.of(1L, 2L, 3L), response.message().getStateResponse().getPayloadsList().stream()
        .map(Payload::getSeqNum).toList());
    assertEquals(chain.get(3).toByteString(), response.message().getStateResponse().getPayloads(2).getData());
  }

  /** A ledger that answers its height, then fails on the first append as a broken disk would. */
  private static Behavior<ChannelLedger.Command> failingLedger() {
    return Behaviors.receive(ChannelLedger.Command.class)
        .onMessage(ChannelLedger.GetHeight.class, g -> {
          g.replyTo().tell(new ChannelLedger.Height(0, ByteString.EMPTY));
          return Behaviors.same();
        })
        .onMessage(ChannelLedger.AppendBlocks.class, a -> {
          throw new IllegalStateException("the disk is on fire");
        })
        .onAnyMessage(other -> Behaviors.same())
        .build();
  }

  @Test
  void aChannelWhoseLedgerStopsReportsItFailedStopsItsStateInfoAndRefusesItsTraffic() throws Exception {
    String name = freshChannel();
    Block genesis = GenesisBlocks.create(name, material, Map.of());
    ActorRef<ChannelGossip.Command> channel = channel(genesis, failingLedger());
    channel.tell(new ChannelGossip.MembersChanged(List.of(new ChannelGossip.Member(other.pkiId(), "Org1MSP"))));
    channel.tell(new ChannelGossip.CommitBlock(genesis));

    TestProbe<ChannelStatus> status = TEST_KIT.createTestProbe();
    status.awaitAssert(Duration.ofSeconds(10), () -> {
      channel.tell(new ChannelGossip.GetStatus(status.getRef()));
      var s = status.receiveMessage();
      assertTrue(s.failure().isPresent() && s.failure().get().contains("the disk is on fire"), s.toString());
      return null;
    });
    assertEquals(List.of(name + ": its ledger stopped: java.lang.IllegalStateException: the disk is on fire"), failures);

    drain();
    // StateInfo is published and pulled every 100 ms while the channel runs: none of it any more.
    out.expectNoMessage(Duration.ofMillis(600));
    channel.tell(from(other, GossipMessages.stateInfo(other.pkiId(), name, PeerTimes.of(1, 1), 5)));
    status.awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(rejections.stream().anyMatch(r -> r.reason() == RejectionReason.LEDGER_NOT_RUNNING), rejections.toString());
      return null;
    });
    out.expectNoMessage(Duration.ofMillis(200));
  }

  /** Takes whatever the channel sent before its ledger failed. */
  private void drain() {
    while (true) {
      try {
        out.receiveMessage(Duration.ofMillis(100));
      } catch (AssertionError nothingLeft) {
        return;
      }
    }
  }
}
