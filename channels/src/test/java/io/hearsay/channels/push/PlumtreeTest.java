package io.hearsay.channels.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlumtreeTest {

  private static final long MS = 1_000_000L;
  private final Plumtree<String> tree = new Plumtree<>(
      new Plumtree.Settings(3, Duration.ofMillis(200), Duration.ofMillis(100)), new SplittableRandom(7));

  @Test
  void viewHoldsViewSizePeersAllEagerAndNewcomersAreReturnedForAGraft() {
    List<String> added = tree.members(List.of("a", "b", "c", "d", "e"));
    assertEquals(3, added.size());
    assertEquals(Set.copyOf(added), tree.eagerPeers());
    // A departed view peer is replaced; the survivors stay.
    String gone = added.get(0);
    List<String> refill = tree.members(List.of("a", "b", "c", "d", "e").stream().filter(p -> !p.equals(gone)).toList());
    assertEquals(1, refill.size());
    assertFalse(tree.eagerPeers().contains(gone));
    assertEquals(3, tree.eagerPeers().size());
  }

  @Test
  void firstCopyIsForwardedToEagerPeersButItsSenderAndADuplicatePrunesTheLink() {
    tree.members(List.of("a", "b", "c"));
    assertTrue(tree.received(5, Optional.of("a"), 0, 0));
    Plumtree.Forward<String> forward = tree.forward(5);
    assertEquals(List.of("b", "c"), forward.eager().stream().sorted().toList());
    assertTrue(forward.lazy().isEmpty());

    assertFalse(tree.received(5, Optional.of("b"), 0, 0), "a second copy is a duplicate");
    assertTrue(tree.lazyPeers().contains("b"));
    assertFalse(tree.eagerPeers().contains("b"));
    // The pruned link now gets announcements instead of payloads.
    assertTrue(tree.received(6, Optional.of("a"), 0, 0));
    assertEquals(List.of("b"), tree.forward(6).lazy());
  }

  @Test
  void blocksBelowTheLedgerHeightAreDuplicates() {
    tree.members(List.of("a"));
    assertFalse(tree.received(3, Optional.of("a"), 10, 0));
    assertTrue(tree.lazyPeers().contains("a"));
  }

  @Test
  void announcedBlockNotReceivedInTimeIsGraftedFromEachAnnouncerInTurn() {
    tree.members(List.of("a", "b", "c"));
    tree.onPrune("b");
    tree.onPrune("c");
    tree.onIHave("b", List.of(8L), 0, 0);
    tree.onIHave("c", List.of(8L), 0, 10 * MS);
    assertEquals(Optional.of(200 * MS), tree.nextDeadline());
    assertTrue(tree.due(0, 199 * MS).isEmpty(), "the eager copy still has time");

    assertEquals(List.of(new Plumtree.Graft<>("b", List.of(8L))), tree.due(0, 200 * MS));
    assertTrue(tree.eagerPeers().contains("b"), "grafting makes the link eager");
    assertTrue(tree.due(0, 250 * MS).isEmpty());
    assertEquals(List.of(new Plumtree.Graft<>("c", List.of(8L))), tree.due(0, 300 * MS));
    // Nobody else announced it: it is given up (pull and state transfer remain).
    assertTrue(tree.due(0, 400 * MS).isEmpty());
    assertEquals(Optional.empty(), tree.nextDeadline());
  }

  @Test
  void aPeerThatPushedALaterBlockIsGraftedOnlyAfterThePeersThatAnnouncedTheMissingOne() {
    tree.members(List.of("a", "b", "c"));
    tree.onPrune("b");
    tree.onPrune("c");
    // 9 came down the tree from a before 8: a passes blocks on as they arrive, and if its own copy
    // of 8 was lost it lacks 8 as well.
    assertTrue(tree.received(9, Optional.of("a"), 0, 0));
    tree.onPushedAbove("a", List.of(8L), 0, 0);
    tree.onIHave("b", List.of(8L), 0, 10 * MS);
    assertEquals(Optional.of(200 * MS), tree.nextDeadline(), "the wait runs from the first sign of 8");
    assertEquals(List.of(new Plumtree.Graft<>("b", List.of(8L))), tree.due(0, 200 * MS));
    assertEquals(List.of(new Plumtree.Graft<>("a", List.of(8L))), tree.due(0, 300 * MS));
    assertTrue(tree.due(0, 400 * MS).isEmpty());

    // A pusher that then announces the block holds it: it is an announcer in its turn.
    tree.onPushedAbove("a", List.of(11L), 0, 500 * MS);
    tree.onIHave("c", List.of(11L), 0, 500 * MS);
    tree.onIHave("a", List.of(11L), 0, 510 * MS);
    assertEquals(List.of(new Plumtree.Graft<>("c", List.of(11L))), tree.due(0, 700 * MS));
    assertEquals(List.of(new Plumtree.Graft<>("a", List.of(11L))), tree.due(0, 800 * MS));
    assertTrue(tree.due(0, 900 * MS).isEmpty(), "a is not asked twice");
  }

  @Test
  void aBlockThatArrivesOrIsHeldIsNotGrafted() {
    tree.members(List.of("a", "b"));
    tree.onIHave("b", List.of(4L, 6L), 5, 0);
    tree.received(6, Optional.of("a"), 5, 0);
    assertEquals(Optional.empty(), tree.nextDeadline(), "4 is below the height, 6 arrived");
    tree.onIHave("b", List.of(7L), 5, 0);
    tree.obtained(7, Optional.empty());
    assertTrue(tree.due(5, 1000 * MS).isEmpty(), "7 came by pull");
  }

  @Test
  void graftAndPruneMoveTheLink() {
    tree.members(List.of("a"));
    tree.onPrune("a");
    assertEquals(Set.of("a"), tree.lazyPeers());
    tree.onGraft("a");
    assertEquals(Set.of("a"), tree.eagerPeers());
    assertTrue(tree.lazyPeers().isEmpty());
  }

  /** A tree whose waits adapt between 20 ms and 250 ms, with "a" eager and "b" lazy. */
  private static Plumtree<String> adaptiveTree() {
    Plumtree<String> adaptive = new Plumtree<>(new Plumtree.Settings(2, Duration.ofMillis(250), Duration.ofMillis(250),
        Duration.ofMillis(20)), new SplittableRandom(7));
    adaptive.members(List.of("a", "b"));
    adaptive.onPrune("b");
    return adaptive;
  }

  @Test
  void theGraftTimeoutShrinksToHowLateEagerCopiesComeAfterTheirAnnouncementButNotBelowTheFloor() {
    Plumtree<String> adaptive = adaptiveTree();
    assertEquals(Duration.ofMillis(250), adaptive.graftTimeout(), "the ceiling until something was measured");
    long now = 0;
    for (long n = 1; n <= 40; n++, now += 500 * MS) {
      adaptive.onIHave("b", List.of(n), 0, now);
      assertTrue(adaptive.received(n, Optional.of("a"), 0, now + 5 * MS));
    }
    assertEquals(Duration.ofMillis(20), adaptive.graftTimeout(), "eager copies 5 ms after the announcement: the floor");
    adaptive.onIHave("b", List.of(41L), 0, now);
    assertTrue(adaptive.due(0, now + 19 * MS).isEmpty());
    assertEquals(List.of(new Plumtree.Graft<>("b", List.of(41L))), adaptive.due(0, now + 20 * MS));
  }

  @Test
  void eagerCopiesComingAfterTheirBlockWasGraftedLengthenTheGraftTimeout() {
    Plumtree<String> adaptive = adaptiveTree();
    long now = 0;
    for (long n = 1; n <= 40; n++, now += 500 * MS) {
      adaptive.onIHave("b", List.of(n), 0, now);
      adaptive.received(n, Optional.of("a"), 0, now + 5 * MS);
    }
    // The eager link slows down: each block is grafted from "b" at the timeout, whose copy comes
    // first, and the eager copy 100 ms after the announcement.
    for (long n = 41; n <= 60; n++, now += 500 * MS) {
      adaptive.onPrune("b");
      adaptive.onIHave("b", List.of(n), 0, now);
      long grafted = now + adaptive.graftTimeout().toNanos();
      assertEquals(List.of(new Plumtree.Graft<>("b", List.of(n))), adaptive.due(0, grafted));
      assertTrue(adaptive.received(n, Optional.of("b"), 0, grafted + 2 * MS));
      assertFalse(adaptive.received(n, Optional.of("a"), 0, now + 100 * MS), "the late eager copy is a duplicate");
      adaptive.onGraft("a");
    }
    assertTrue(adaptive.graftTimeout().compareTo(Duration.ofMillis(100)) > 0,
        "late copies count: the wait grew past their lag, " + adaptive.graftTimeout());
  }
}
