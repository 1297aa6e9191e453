package io.hearsay.channels.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.LeadershipMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The election actor with probes for its ports: what it sends to the org's peers, what it tells
 * the channel, what it refuses. Fabric's timings scaled down (grace 300 ms, elections of 200 ms).
 */
class ElectionActorTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create();
  private static final ElectionState.Timings TIMINGS = new ElectionState.Timings(Duration.ofMillis(300),
      Duration.ofMillis(50), Duration.ofMillis(600), Duration.ofMillis(200));

  /** Peers of Org1 by PKI-ID, lowest first. */
  private static final List<SigningIdentity> BY_PKI_ID = Stream.of(TestCrypto.peer(1, 0), TestCrypto.peer(1, 1),
      TestCrypto.peer(1, 2)).sorted(Comparator.comparing(SigningIdentity::pkiId)).toList();

  private record Sent(PkiId to, LeadershipMessage message) {}

  private final TestProbe<Sent> out = TEST_KIT.createTestProbe();
  private final TestProbe<Election.LeadershipChanged> channel = TEST_KIT.createTestProbe();
  private final List<Rejection> rejections = new CopyOnWriteArrayList<>();

  @AfterAll
  static void stop() {
    TEST_KIT.shutdownTestKit();
  }

  private ActorRef<Election.Command> election(SigningIdentity self) {
    return TEST_KIT.spawn(Election.create(new Election.Setup("mychannel", new EnvelopeSigner(self), TIMINGS,
        Leadership.Handover.FABRIC, (to, envelope) -> out.getRef().tell(new Sent(to, leadership(envelope))),
        channel.getRef(), (rejection, peer) -> rejections.add(rejection))));
  }

  private static LeadershipMessage leadership(Envelope envelope) {
    try {
      return GossipMessage.parseFrom(envelope.getPayload()).getLeadershipMsg();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static SignedGossipMessage from(SigningIdentity author, long incNum, long seqNum, boolean declaration) {
    return new EnvelopeSigner(author).sign(GossipMessages.leadership(author.pkiId(), "mychannel",
        PeerTimes.of(incNum, seqNum), declaration));
  }

  @Test
  void theLowestPeerProposesToEveryProvenPeerThenDeclaresAndTellsTheChannelItLeads() {
    SigningIdentity lowest = BY_PKI_ID.get(0);
    List<PkiId> others = List.of(BY_PKI_ID.get(1).pkiId(), BY_PKI_ID.get(2).pkiId());
    ActorRef<Election.Command> election = election(lowest);
    election.tell(new Election.Peers(others, 2));

    List<Sent> proposals = out.receiveSeveralMessages(2, Duration.ofSeconds(5));
    assertEquals(others.stream().sorted().toList(), proposals.stream().map(Sent::to).sorted().toList());
    proposals.forEach(p -> assertFalse(p.message().getIsDeclaration(), "a proposal first"));
    List<Sent> declarations = out.receiveSeveralMessages(2, Duration.ofSeconds(5));
    declarations.forEach(d -> assertTrue(d.message().getIsDeclaration(), "then a declaration"));
    assertEquals(new Election.LeadershipChanged(true), channel.receiveMessage(Duration.ofSeconds(5)));
    assertTrue(rejections.isEmpty(), rejections.toString());
  }

  @Test
  void aPeerHearingALowerPeersDeclarationFollowsAndNeverTellsTheChannelItLeads() {
    SigningIdentity lower = BY_PKI_ID.get(0);
    ActorRef<Election.Command> election = election(BY_PKI_ID.get(1));
    election.tell(new Election.Peers(List.of(lower.pkiId()), 1));
    election.tell(new Election.Inbound(from(lower, System.currentTimeMillis() * 1_000_000, 1, true), lower.pkiId()));
    // A declaration every alive threshold keeps it a follower, as the lower peer would send them.
    for (int i = 2; i < 6; i++) {
      channel.expectNoMessage(Duration.ofMillis(250));
      election.tell(new Election.Inbound(from(lower, System.currentTimeMillis() * 1_000_000, i, true), lower.pkiId()));
    }
    channel.expectNoMessage(Duration.ofMillis(250));
  }

  @Test
  void theLeaderStepsDownWhenTheOrderingServiceIsUnreachable() {
    ActorRef<Election.Command> election = election(BY_PKI_ID.get(0));
    election.tell(new Election.Peers(List.of(), 0));
    assertEquals(new Election.LeadershipChanged(true), channel.receiveMessage(Duration.ofSeconds(5)));
    election.tell(Election.YieldLeadership.INSTANCE);
    assertEquals(new Election.LeadershipChanged(false), channel.receiveMessage(Duration.ofSeconds(5)));
  }

  @Test
  void aLeadershipMessageRelayedForAnotherPeerIsSpoofedAndOneNotNewerIsStale() {
    SigningIdentity author = BY_PKI_ID.get(1);
    SigningIdentity relay = BY_PKI_ID.get(2);
    ActorRef<Election.Command> election = election(BY_PKI_ID.get(0));
    SignedGossipMessage proposal = from(author, 1, 1, false);
    election.tell(new Election.Inbound(proposal, relay.pkiId()));
    election.tell(new Election.Inbound(proposal, author.pkiId()));
    election.tell(new Election.Inbound(proposal, author.pkiId()));
    TestProbe<Object> done = TEST_KIT.createTestProbe();
    done.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(List.of(RejectionReason.SPOOFED_SENDER, RejectionReason.STALE_MESSAGE),
          rejections.stream().map(Rejection::reason).toList());
      return null;
    });
  }
}
