package io.hearsay.channels.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fabric's windows: digestWaitTime 1s, requestWaitTime 1.5s, responseWaitTime 2s; time in ns. */
class PullMediatorTest {

  private static final long MS = 1_000_000L;
  private final PkiId a = PkiId.fromBytes(ByteString.copyFromUtf8("a"));
  private final PkiId b = PkiId.fromBytes(ByteString.copyFromUtf8("b"));
  private final PkiId c = PkiId.fromBytes(ByteString.copyFromUtf8("c"));

  private PullMediator mediator(long seed) {
    return new PullMediator(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2), new SplittableRandom(seed));
  }

  @Test
  void aFullExchangeFetchesOnlyWhatIsMissingAndNotBelowTheHeight() {
    PullMediator initiator = mediator(1);
    PullMediator responderB = mediator(2);
    PullMediator responderC = mediator(3);
    List<PullMediator.Outgoing> hellos = initiator.startRound(List.of(b, c), 0);

    var digestB = responderB.onHello(a, hellos.get(0).nonce(), List.of(3L, 4L, 5L, 6L), 10 * MS);
    var digestC = responderC.onHello(a, hellos.get(1).nonce(), List.of(6L, 7L), 10 * MS);
    assertTrue(initiator.onDigest(b, digestB.nonce(), digestB.items(), 20 * MS));
    assertTrue(initiator.onDigest(c, digestC.nonce(), digestC.items(), 20 * MS));
    assertFalse(initiator.digestWindowClosed(500 * MS));
    assertTrue(initiator.collecting(500 * MS), "a new round now would drop these digests");
    assertTrue(initiator.digestWindowClosed(1000 * MS));
    assertTrue(initiator.collecting(1000 * MS), "until its requests are made");

    List<PullMediator.Outgoing> requests = initiator.requests(4, Set.of(6L), 1000 * MS);
    assertFalse(initiator.collecting(1000 * MS), "requests made: the next round may start");
    List<Long> requested = requests.stream().flatMap(r -> r.items().stream()).sorted().toList();
    assertEquals(List.of(4L, 5L, 7L), requested, "3 is below the height, 6 we have");
    for (PullMediator.Outgoing request : requests) {
      PullMediator responder = request.to().equals(b) ? responderB : responderC;
      assertEquals(hellos.get(request.to().equals(b) ? 0 : 1).nonce(), request.nonce(), "one nonce per exchange");
      assertTrue(responder.acceptRequest(a, request.nonce(), 1100 * MS));
      assertTrue(initiator.acceptResponse(request.to(), request.nonce(), 1200 * MS));
      assertFalse(initiator.acceptResponse(request.to(), request.nonce(), 1300 * MS), "a response counts once");
    }
  }

  @Test
  void responsesWithAnUnknownNonceOrFromAnotherPeerOrTooLateAreDropped() {
    PullMediator initiator = mediator(1);
    var hello = initiator.startRound(List.of(b), 0).get(0);
    initiator.onDigest(b, hello.nonce(), List.of(1L, 2L), 10 * MS);
    var request = initiator.requests(0, Set.of(), 1000 * MS).get(0);
    assertFalse(initiator.acceptResponse(b, request.nonce() + 1, 1100 * MS));
    assertFalse(initiator.acceptResponse(c, request.nonce(), 1100 * MS));
    assertFalse(initiator.acceptResponse(b, request.nonce(), 3001 * MS));
  }

  @Test
  void lateOrForeignDigestsAreDropped() {
    PullMediator initiator = mediator(1);
    var hello = initiator.startRound(List.of(b), 0).get(0);
    assertFalse(initiator.onDigest(c, hello.nonce(), List.of(1L), 10 * MS), "not the peer asked");
    assertFalse(initiator.onDigest(b, hello.nonce() + 1, List.of(1L), 10 * MS), "not a nonce of the round");
    assertFalse(initiator.onDigest(b, hello.nonce(), List.of(1L), 1001 * MS), "after digestWaitTime");
    assertTrue(initiator.requests(0, Set.of(), 1001 * MS).isEmpty());
  }

  @Test
  void requestsWithoutADigestOrAfterTheWindowAreRefused() {
    PullMediator responder = mediator(2);
    assertFalse(responder.acceptRequest(a, 42, 0), "no Hello was answered with this nonce");
    responder.onHello(a, 42, List.of(1L), 0);
    assertFalse(responder.acceptRequest(b, 42, 100 * MS), "another peer");
    assertTrue(responder.acceptRequest(a, 42, 1500 * MS));
    assertFalse(responder.acceptRequest(a, 42, 1501 * MS), "after requestWaitTime");
  }
}
