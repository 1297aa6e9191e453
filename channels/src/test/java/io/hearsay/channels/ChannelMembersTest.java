package io.hearsay.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.testing.TestCrypto;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.junit.jupiter.api.Test;

/** The org's proven members, kept between changes of who is alive or proven, and found again on each. */
class ChannelMembersTest {

  private static final String CHANNEL = "mychannel";
  private final SigningIdentity self = TestCrypto.peer(1, 0);
  private final SigningIdentity first = TestCrypto.peer(1, 1);
  private final SigningIdentity second = TestCrypto.peer(1, 2);
  private final SigningIdentity otherOrg = TestCrypto.peer(2, 0);
  private final StateInfoGossip stateInfo = new StateInfoGossip(CHANNEL, Set.of("Org1MSP", "Org2MSP"),
      new EnvelopeSigner(self), new EnvelopeVerifier(new IdentityMapper(TestCrypto.msps()), 1 << 20), 1,
      StateInfoGossip.Settings.FABRIC, new SplittableRandom(1), new StateInfoGossip.Outbox() {
        @Override
        public void send(PkiId to, Envelope envelope) {}

        @Override
        public void reject(Rejection rejection, PkiId from) {
          throw new AssertionError(rejection.toString());
        }

        @Override
        public Collection<PkiId> alive() {
          return List.of();
        }
      });
  private final ChannelMembers members = new ChannelMembers(self.pkiId(), "Org1MSP", stateInfo, -1);

  private void proves(SigningIdentity who, long seq, long height) {
    stateInfo.onStateInfo(new EnvelopeSigner(who).sign(GossipMessages.stateInfo(who.pkiId(), CHANNEL,
        PeerTimes.of(1, seq), height)), who.pkiId());
  }

  private static ChannelGossip.Member member(SigningIdentity who) {
    return new ChannelGossip.Member(who.pkiId(), who.mspId(), true);
  }

  @Test
  void theOrgsProvenMembersAreFoundAgainWhenSomeoneProvesOrDiesButNotWhenHeightsMove() {
    members.alive(List.of(member(first), member(second), member(otherOrg)));
    proves(first, 1, 5);
    proves(otherOrg, 1, 5);
    List<PkiId> onlyFirst = members.orgMembers();
    assertEquals(List.of(first.pkiId()), onlyFirst, "the other org's peer is not of ours; the second proved nothing");

    proves(first, 2, 9);
    stateInfo.heightShown(first.pkiId(), 12);
    assertSame(onlyFirst, members.orgMembers(), "heights moved: the same list, not a new scan");

    proves(second, 1, 5);
    assertEquals(List.of(first.pkiId(), second.pkiId()), members.orgMembers(), "the second proved membership");

    members.alive(List.of(member(second), member(otherOrg)));
    assertEquals(List.of(second.pkiId()), members.orgMembers(), "the first died");

    members.alive(List.of(member(first), member(second), member(otherOrg)));
    assertEquals(List.of(second.pkiId()), members.orgMembers(), "back alive, the first must prove membership again");
    stateInfo.onPullRequest(GossipMessages.stateInfoPullRequest(first.pkiId(), CHANNEL), first.pkiId());
    assertEquals(List.of(first.pkiId(), second.pkiId()), members.orgMembers(), "proved by a pull request's channel MAC");
  }

  @Test
  void theHighestAnnouncedHeightIsTheOrgsHighestAmongItsAliveMembers() {
    members.alive(List.of(member(first), member(second), member(otherOrg)));
    proves(first, 1, 5);
    proves(second, 1, 7);
    proves(otherOrg, 1, 30);
    assertEquals(7, members.highestAnnounced(), "the other org's 30 is not our org's");
    assertEquals(7, members.announcedHeights().values().stream().mapToLong(Long::longValue).max().orElseThrow());
    stateInfo.heightShown(first.pkiId(), 12);
    assertEquals(7, members.highestAnnounced(), "block 11 alone does not show the first holds 5..10");
    for (long shown = 5; shown <= 11; shown++) {
      stateInfo.heightShown(first.pkiId(), shown + 1);
    }
    assertEquals(12, members.highestAnnounced(), "blocks 5..11 the first showed in turn");
    members.alive(List.of(member(second), member(otherOrg)));
    assertEquals(7, members.highestAnnounced(), "the first died");
  }
}
