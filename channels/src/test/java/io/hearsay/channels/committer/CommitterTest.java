package io.hearsay.channels.committer;

import static io.hearsay.channels.committer.ReorderBufferTest.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.Test;

class CommitterTest {

  private final List<List<Block>> appends = new ArrayList<>();
  private final Committer committer = new Committer(100, appends::add);

  @Test
  void blocksBufferedOrInTheAppendInFlightAreHeldUntilTheLedgerAnswers() {
    committer.heightKnown(1);
    committer.fromGossip(block(3));
    committer.fromGossip(block(4));
    assertTrue(committer.holds(3) && committer.holds(4), "buffered past the gap at 1..2");
    assertFalse(committer.holds(1) || committer.holds(2) || committer.holds(5));
    assertEquals(4, committer.newestHeld());
    committer.fromGossip(block(1));
    committer.fromGossip(block(2)); // 2 joins the buffer: 1 is in flight alone
    assertEquals(List.of(1L), appends.get(0).stream().map(b -> b.getHeader().getNumber()).toList());
    assertTrue(committer.holds(1), "in flight: the ledger has not answered");
    committer.appended(appends.get(0), true);
    assertEquals(2, committer.height());
    assertFalse(committer.holds(1), "committed");
    assertTrue(committer.holds(2) && committer.holds(4), "2..4 in flight now, the buffer empty");
    assertEquals(4, committer.newestHeld());
    committer.appended(appends.get(1), false);
    assertFalse(committer.holds(2) || committer.holds(4), "refused: to be fetched again");
    assertEquals(-1, committer.newestHeld());
  }

}
