package io.hearsay.runtime.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.ChannelObserver;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.election.ElectionState;
import io.hearsay.channels.election.Leadership;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.config.PeerSettingsLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A channel whose ledger stops says so and goes quiet: no zombie serving nothing. */
class ChannelLedgerFailureTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  /** A ledger that answers its height, then fails on the first append as a broken disk would. */
  private static Behavior<ChannelLedger.Command> failingLedger() {
    return Behaviors.receive(ChannelLedger.Command.class)
        .onMessage(ChannelLedger.GetHeight.class, g -> {
          g.replyTo().tell(new ChannelLedger.Height(0, com.google.protobuf.ByteString.EMPTY));
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
    Block genesis = GenesisBlocks.create("mychannel", TestCrypto.material(), Map.of());
    var settings = PeerSettingsLoader.channelSettings(ConfigFactory.parseMap(Map.of(
        "peer.gossip.publishStateInfoInterval", "100ms", "peer.gossip.requestStateInfoInterval", "100ms"))
        .withFallback(ConfigFactory.load()), "test");
    var signer = new EnvelopeSigner(TestCrypto.peer(1, 0));
    var identities = new IdentityMapper(TestCrypto.msps());
    identities.learn(TestCrypto.peer(1, 1).identity(), Instant.now());
    var verifier = new EnvelopeVerifier(identities, 10 << 20);
    List<Rejection> rejections = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    TestProbe<ChannelGossip.Send> out = TEST_KIT.createTestProbe();
    var leadership = new Leadership.Settings(Leadership.Mode.FOLLOWER, new ElectionState.Timings(Duration.ofSeconds(15),
        Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5)));
    var channel = TEST_KIT.spawn(ChannelGossip.create(new ChannelGossip.Setup(ChannelConfig.of(genesis), "Org1MSP", signer,
        verifier, settings, 1, out.getRef(), failingLedger(), (rejection, peer) -> rejections.add(rejection), leadership,
        c -> Behaviors.empty(), new ChannelObserver() {
          @Override
          public void channelFailed(String name, String why) {
            failures.add(name + ": " + why);
          }
        })));
    var other = TestCrypto.peer(1, 1);
    channel.tell(new ChannelGossip.MembersChanged(List.of(new ChannelGossip.Member(other.pkiId(), "Org1MSP"))));
    channel.tell(new ChannelGossip.CommitBlock(genesis));

    TestProbe<ChannelGossip.Status> status = TEST_KIT.createTestProbe();
    status.awaitAssert(Duration.ofSeconds(10), () -> {
      channel.tell(new ChannelGossip.GetStatus(status.getRef()));
      ChannelGossip.Status s = status.receiveMessage();
      assertTrue(s.failure().isPresent() && s.failure().get().contains("the disk is on fire"), s.toString());
      return null;
    });
    assertEquals(List.of("mychannel: its ledger stopped: java.lang.IllegalStateException: the disk is on fire"), failures);

    drain(out);
    // StateInfo is published and pulled every 100 ms while the channel runs: none of it any more.
    out.expectNoMessage(Duration.ofMillis(600));
    var stateInfo = new EnvelopeSigner(other).sign(GossipMessages.stateInfo(other.pkiId(), "mychannel",
        PeerTimes.of(1, 1), 5));
    channel.tell(new ChannelGossip.Inbound(verifier.verify(stateInfo.envelope(), Optional.empty(), Instant.now()).value(),
        other.pkiId()));
    status.awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(rejections.stream().anyMatch(r -> r.reason() == RejectionReason.LEDGER_NOT_RUNNING), rejections.toString());
      return null;
    });
    out.expectNoMessage(Duration.ofMillis(200));
  }

  /** Takes whatever the channel sent before its ledger failed. */
  private static void drain(TestProbe<ChannelGossip.Send> out) {
    while (true) {
      try {
        out.receiveMessage(Duration.ofMillis(100));
      } catch (AssertionError nothingLeft) {
        return;
      }
    }
  }
}
