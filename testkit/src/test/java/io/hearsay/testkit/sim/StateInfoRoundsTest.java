package io.hearsay.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.channels.epidemic.AntiEntropy.Mode;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.channels.stateinfo.StateInfoGossip.Spread;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The three anti-entropy exchanges on real StateInfo messages between three peers of one org,
 * whose new StateInfo is not sent at all (only the exchanges carry it).
 */
class StateInfoRoundsTest {

  /** Three peers of Org1 with {@code settings}, nothing sent yet. */
  private static StateInfoRounds rounds(StateInfoGossip.Settings settings) {
    List<SigningIdentity> signers = List.of(TestCrypto.peer(1, 0), TestCrypto.peer(1, 1), TestCrypto.peer(1, 2));
    IdentityMapper identities = new IdentityMapper(TestCrypto.msps());
    signers.forEach(s -> identities.learn(s.identity(), Instant.now()));
    return new StateInfoRounds("Org1MSP", signers, new EnvelopeVerifier(identities, 1 << 20), settings, 1);
  }

  /** Peer 0 at height 5 and peer 1 at height 7 published, unseen; everyone proved membership before. */
  private static StateInfoRounds peers(Mode exchange) {
    StateInfoRounds rounds = rounds(StateInfoGossip.Settings.FABRIC.with(Spread.ANTI_ENTROPY, exchange));
    for (int i = 0; i < 3; i++) {
      rounds.peer(i).publish(1);
    }
    rounds.introduceAll();
    rounds.peer(0).publish(5);
    rounds.peer(1).publish(7);
    rounds.deliver();
    assertEquals(0, rounds.messages(), "with anti-entropy only, a new StateInfo is not sent");
    return rounds;
  }

  @Test
  void pushIsOneMessageAndOnlyTheReceiverLearns() {
    StateInfoRounds rounds = peers(Mode.PUSH);
    rounds.peer(0).antiEntropyRound(1);
    rounds.deliver();
    assertEquals(1, rounds.messages());
    assertEquals(1, rounds.knowing(0, 5), "one peer learned peer 0's height");
    assertEquals(1, rounds.heightSeenBy(0, 1), "the pusher learned nothing");
    assertTrue(rounds.rejections().isEmpty(), rounds.rejections().toString());
  }

  @Test
  void pullIsTwoMessagesAndOnlyTheAskerLearns() {
    StateInfoRounds rounds = peers(Mode.PULL);
    rounds.peer(0).antiEntropyRound(1);
    rounds.deliver();
    assertEquals(2, rounds.messages());
    assertEquals(0, rounds.knowing(0, 5), "the answerer learned nothing of peer 0's height");
    assertTrue(rounds.rejections().isEmpty(), rounds.rejections().toString());
  }

  @Test
  void pushPullIsThreeMessagesAndBothSidesLearn() {
    StateInfoRounds rounds = peers(Mode.PUSH_PULL);
    rounds.peer(0).antiEntropyRound(2);
    rounds.deliver();
    assertEquals(6, rounds.messages(), "three messages with each of the two peers");
    assertEquals(7, rounds.heightSeenBy(0, 1), "peer 0 learned peer 1's height");
    assertEquals(2, rounds.knowing(0, 5), "both peers learned peer 0's height");
    assertEquals(7, rounds.heightSeenBy(2, 1), "peer 2 learned peer 1's height by way of peer 0");
    assertTrue(rounds.rejections().isEmpty(), rounds.rejections().toString());
  }

  @Test
  void everyModeConvergesAndPushPullNeedsTheFewestRounds() {
    int[] roundsNeeded = new int[3];
    for (Mode exchange : Mode.values()) {
      StateInfoRounds rounds = peers(exchange);
      int r = 0;
      while (rounds.knowing(0, 5) < 2 || rounds.knowing(1, 7) < 2) {
        rounds.round(1);
        r++;
        assertTrue(r < 50, exchange + " did not converge");
      }
      roundsNeeded[exchange.ordinal()] = r;
    }
    assertTrue(roundsNeeded[Mode.PUSH_PULL.ordinal()] <= roundsNeeded[Mode.PULL.ordinal()]
        && roundsNeeded[Mode.PUSH_PULL.ordinal()] <= roundsNeeded[Mode.PUSH.ordinal()],
        Arrays.toString(roundsNeeded));
  }

  @Test
  void introducedToNewPeersAPeerIsAProvenMemberOnceItIsSeenAlive() {
    for (boolean introduce : new boolean[] {false, true}) {
      var fabric = StateInfoGossip.Settings.FABRIC;
      StateInfoRounds rounds = rounds(new StateInfoGossip.Settings(fabric.spread(), fabric.rumor(), fabric.exchange(),
          introduce));
      rounds.peer(0).publish(3);
      rounds.deliver();
      assertEquals(0, rounds.messages(), "no one is alive yet, so no one is a proven member to send to");
      rounds.peer(0).membersChanged(Set.of(rounds.id(1), rounds.id(2)));
      rounds.deliver();
      assertEquals(introduce ? 2 : 0, rounds.messages());
      assertEquals(introduce, rounds.peer(1).isProvenMember(rounds.id(0)), "introduce = " + introduce);
      rounds.peer(0).membersChanged(Set.of(rounds.id(1), rounds.id(2)));
      rounds.deliver();
      assertEquals(introduce ? 2 : 0, rounds.messages(), "peers already alive are not introduced to again");
    }
  }
}
