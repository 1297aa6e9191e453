package io.hearsay.channels.stateinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.protocol.testing.TestCrypto;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateInfoTableTest {

  private final SigningIdentity a = TestCrypto.peer(1, 0);
  private final SigningIdentity b = TestCrypto.peer(1, 1);
  private final SigningIdentity other = TestCrypto.peer(2, 0);
  private final StateInfoTable table = new StateInfoTable("mychannel", Set.of("Org1MSP"));

  private static SignedGossipMessage stateInfo(SigningIdentity who, String channel, long seq, long height) {
    return new EnvelopeSigner(who).sign(GossipMessages.stateInfo(who.pkiId(), channel, PeerTimes.of(1, seq), height));
  }

  @Test
  void newerStateInfoReplacesOlderAndTheHighestHeightIsKnown() {
    assertInstanceOf(StateInfoTable.Updated.class, table.onStateInfo(stateInfo(a, "mychannel", 1, 5)));
    assertInstanceOf(StateInfoTable.Updated.class, table.onStateInfo(stateInfo(b, "mychannel", 1, 9)));
    assertEquals(StateInfoTable.Stale.INSTANCE, table.onStateInfo(stateInfo(a, "mychannel", 1, 7)));
    assertInstanceOf(StateInfoTable.Updated.class, table.onStateInfo(stateInfo(a, "mychannel", 2, 12)));
    assertEquals(12, table.highestHeight());
    assertEquals(1, table.membersWithBlock(10).size());
    assertTrue(table.isMember(b.pkiId()));
  }

  @Test
  void stateInfoForAnotherChannelIsNotProofOfMembership() {
    var outcome = table.onStateInfo(stateInfo(a, "otherchannel", 1, 5));
    assertEquals(RejectionReason.SPOOFED_SENDER, assertInstanceOf(StateInfoTable.Refused.class, outcome).rejection().reason());
    assertFalse(table.isMember(a.pkiId()));
  }

  @Test
  void stateInfoFromAnOrgOutsideTheChannelIsRefused() {
    var outcome = table.onStateInfo(stateInfo(other, "mychannel", 1, 5));
    assertEquals(RejectionReason.UNKNOWN_ORG, assertInstanceOf(StateInfoTable.Refused.class, outcome).rejection().reason());
  }

  @Test
  void deadPeersAreForgotten() {
    table.onStateInfo(stateInfo(a, "mychannel", 1, 5));
    table.onStateInfo(stateInfo(b, "mychannel", 1, 9));
    table.retainOnly(Set.of(a.pkiId()));
    assertEquals(5, table.highestHeight());
    assertFalse(table.isMember(b.pkiId()));
  }

  @Test
  void theHighestHeightFollowsRisesFallsAndDeparturesAndTheMembersVersionOnlyArrivalsAndDepartures() {
    assertEquals(0, table.highestHeight(), "no member yet");
    table.onStateInfo(stateInfo(a, "mychannel", 1, 5));
    table.onStateInfo(stateInfo(b, "mychannel", 1, 9));
    long twoMembers = table.membersVersion();
    assertEquals(9, table.highestHeight());
    assertEquals(5, table.lowestHeight(-1));
    assertFalse(table.observeHeight(a.pkiId(), 11), "block 10 shows a holds it, not blocks 5..9");
    assertEquals(9, table.highestHeight());
    for (long shown = 5; shown <= 10; shown++) {
      table.observeHeight(a.pkiId(), shown + 1);
    }
    assertEquals(11, table.highestHeight(), "blocks 5..10 shown in turn raise a to 11, the highest");
    assertEquals(9, table.lowestHeight(-1), "and the lowest");
    table.onStateInfo(stateInfo(a, "mychannel", 2, 3));
    assertEquals(9, table.highestHeight(), "a's newer StateInfo, signed lower (a ledger started anew), is b's 9 again");
    assertEquals(3, table.lowestHeight(-1));
    assertEquals(twoMembers, table.membersVersion(), "heights alone leave who is a member as it was");
    table.retainOnly(Set.of(a.pkiId()));
    assertEquals(3, table.highestHeight(), "b, the highest, is gone");
    assertTrue(table.membersVersion() != twoMembers);
    long oneMember = table.membersVersion();
    table.retainOnly(Set.of(a.pkiId()));
    assertEquals(oneMember, table.membersVersion(), "nobody left");
    table.retainOnly(Set.of());
    assertEquals(0, table.highestHeight());
    assertEquals(-1, table.lowestHeight(-1), "no member: the caller's default");
  }

  @Test
  void eachOrgsHighestHeightIsKeptApart() {
    StateInfoTable twoOrgs = new StateInfoTable("mychannel", Set.of("Org1MSP", "Org2MSP"));
    twoOrgs.onStateInfo(stateInfo(a, "mychannel", 1, 5));
    twoOrgs.onStateInfo(stateInfo(other, "mychannel", 1, 20));
    twoOrgs.onStateInfo(stateInfo(b, "mychannel", 1, 7));
    assertEquals(7, twoOrgs.highestHeight("Org1MSP"));
    assertEquals(20, twoOrgs.highestHeight("Org2MSP"));
    assertEquals(20, twoOrgs.highestHeight());
    assertEquals(0, twoOrgs.highestHeight("Org3MSP"), "no member of that org");
    twoOrgs.observeHeight(b.pkiId(), 8);
    twoOrgs.observeHeight(b.pkiId(), 10);
    assertEquals(8, twoOrgs.highestHeight("Org1MSP"), "b showed block 7, the next after its 7, then 9");
    twoOrgs.observeHeight(a.pkiId(), 6);
    twoOrgs.observeHeight(a.pkiId(), 7);
    twoOrgs.observeHeight(a.pkiId(), 8);
    twoOrgs.observeHeight(a.pkiId(), 9);
    assertEquals(9, twoOrgs.highestHeight("Org1MSP"));
    twoOrgs.retainOnly(Set.of(b.pkiId(), other.pkiId()));
    assertEquals(8, twoOrgs.highestHeight("Org1MSP"), "a, Org1's highest, is gone");
    twoOrgs.retainOnly(Set.of(b.pkiId()));
    assertEquals(0, twoOrgs.highestHeight("Org2MSP"));
    assertEquals(8, twoOrgs.lowestHeight(-1));
  }
}
