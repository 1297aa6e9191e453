package io.hearsay.channels.stateinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.junit.jupiter.api.Test;

/** Heights riding on blocks: a Hearsay peer that knows we are in the channel is not sent every new StateInfo. */
class StateInfoGossipTest {

  private static final String CHANNEL = "mychannel";

  private final SigningIdentity self = TestCrypto.peer(1, 0);
  private final SigningIdentity hearsay = TestCrypto.peer(1, 1);
  private final SigningIdentity fabric = TestCrypto.peer(1, 2);
  /** Who got a StateInfo of ours, in order. */
  private final List<PkiId> stateInfoTo = new ArrayList<>();
  private final StateInfoGossip.Outbox outbox = new StateInfoGossip.Outbox() {
        @Override
        public void send(PkiId to, Envelope envelope) {
          stateInfoTo.add(to);
        }

        @Override
        public void reject(Rejection rejection, PkiId from) {
          throw new AssertionError(rejection.toString());
        }

        @Override
        public Collection<PkiId> alive() {
          return List.of(hearsay.pkiId(), fabric.pkiId());
        }

        @Override
        public boolean isHearsayPeer(PkiId peer) {
          return peer.equals(hearsay.pkiId());
        }
      };
  private final StateInfoGossip gossip = gossip(false);

  private StateInfoGossip gossip(boolean introduceToNewPeers) {
    return new StateInfoGossip(CHANNEL, Set.of("Org1MSP"), new EnvelopeSigner(self),
        new EnvelopeVerifier(new IdentityMapper(TestCrypto.msps()), 1 << 20), 1,
        new StateInfoGossip.Settings(StateInfoGossip.Settings.FABRIC.spread(), StateInfoGossip.Settings.FABRIC.rumor(),
            StateInfoGossip.Settings.FABRIC.exchange(), introduceToNewPeers, Duration.ofHours(1), Duration.ofSeconds(60)),
        new SplittableRandom(1), outbox);
  }

  private static SignedGossipMessage stateInfo(SigningIdentity who, long incarnation, long seq, long height) {
    return new EnvelopeSigner(who).sign(GossipMessages.stateInfo(who.pkiId(), CHANNEL, PeerTimes.of(incarnation, seq), height));
  }

  private void bothProven() {
    gossip.onStateInfo(stateInfo(hearsay, 1, 1, 1), hearsay.pkiId());
    gossip.onStateInfo(stateInfo(fabric, 1, 1, 1), fabric.pkiId());
  }

  @Test
  void aHearsayPeerHoldingOurStateInfoIsNotSentTheNextWithinTheIntervalAndAFabricPeerIs() {
    bothProven();
    gossip.publish(1, 0);
    assertEquals(List.of(hearsay.pkiId(), fabric.pkiId()), stateInfoTo, "the first goes to every member");
    stateInfoTo.clear();

    long hour = Duration.ofHours(1).toNanos();
    gossip.publish(2, 1);
    gossip.introduceTo(hearsay.pkiId());
    gossip.introduceTo(fabric.pkiId());
    assertEquals(List.of(fabric.pkiId()), stateInfoTo, "our blocks show the Hearsay peer our height");
    stateInfoTo.clear();

    gossip.publish(2, hour - 1);
    assertEquals(List.of(), stateInfoTo);
    gossip.publish(2, hour);
    assertEquals(List.of(hearsay.pkiId()), stateInfoTo, "blocks stopped: the withheld StateInfo goes after the interval");
  }

  @Test
  void peersSeenAliveBeforeTheLedgerOpensAreIntroducedByTheFirstStateInfoNotEachByAPullRequest() {
    StateInfoGossip introducing = gossip(true);
    introducing.membersChanged(Set.of(hearsay.pkiId(), fabric.pkiId()));
    assertEquals(List.of(), stateInfoTo,
        "no height yet: nothing, where a pull request to each would bring back each one's whole snapshot");
    introducing.heightKnown(1);
    assertEquals(Set.of(hearsay.pkiId(), fabric.pkiId()), Set.copyOf(stateInfoTo), "the first StateInfo introduces us");
    assertEquals(2, stateInfoTo.size());

    stateInfoTo.clear();
    StateInfoGossip opening = gossip(true);
    opening.introduceTo(hearsay.pkiId());
    assertEquals(List.of(hearsay.pkiId()), stateInfoTo,
        "a message about to go before any height: a pull request goes first, its channel MAC the proof");
  }

  @Test
  void aHearsayPeerThatRestartedIsSentOurStateInfoBeforeOurNextMessage() {
    bothProven();
    gossip.publish(1);
    stateInfoTo.clear();
    gossip.onStateInfo(stateInfo(hearsay, 2, 1, 1), hearsay.pkiId()); // a new incarnation: it forgot ours
    gossip.introduceTo(hearsay.pkiId());
    assertEquals(List.of(hearsay.pkiId()), stateInfoTo);
  }

  @Test
  void aPushOrAnnouncementRaisesAMembersHeightButNotAStrangersOrBelowWhatItSigned() {
    bothProven();
    gossip.heightShown(hearsay.pkiId(), 9);
    gossip.heightShown(fabric.pkiId(), 0);
    gossip.heightShown(self.pkiId(), 5);
    assertEquals(9, gossip.table().entry(hearsay.pkiId()).orElseThrow().ledgerHeight());
    assertEquals(1, gossip.table().entry(fabric.pkiId()).orElseThrow().ledgerHeight());
    assertEquals(1, gossip.table().entry(hearsay.pkiId()).orElseThrow().message().message().getStateInfo()
        .getProperties().getLedgerHeight(), "the signed StateInfo, relayed in snapshots, is as its author signed it");
    assertFalse(gossip.table().isMember(self.pkiId()));
  }

  @Test
  void whileBlocksShowHeightsTheStateInfoPullRunsOnlyAsABackstopAndInAQuietChannelEveryTick() {
    long second = 1_000_000_000L;
    bothProven();
    assertTrue(gossip.antiEntropyDue(0), "nothing shown yet: a quiet channel pulls");
    for (long t = 4; t < 60; t += 4) {
      gossip.heightShown(hearsay.pkiId(), 2 + t);
      assertFalse(gossip.antiEntropyDue(t * second), "heights ride on blocks at " + t + " s");
    }
    gossip.heightShown(hearsay.pkiId(), 100);
    assertTrue(gossip.antiEntropyDue(60 * second), "the backstop, 60 s after the last round");
    assertTrue(gossip.antiEntropyDue(64 * second), "blocks stopped: every tick again");
  }
}
