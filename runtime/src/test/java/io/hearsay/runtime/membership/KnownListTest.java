package io.hearsay.runtime.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.testing.TestCrypto;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.junit.jupiter.api.Test;

class KnownListTest {

  private final PkiId named = TestCrypto.peer(1, 1).pkiId();
  private final PkiId other = TestCrypto.peer(1, 2).pkiId();

  @Test
  void fabricsEmptyListAsksForTheWholeView() {
    KnownList.Ask ask = KnownList.parse(List.of());
    assertTrue(ask.shows(named, true) && ask.shows(named, false));
  }

  @Test
  void aProbeAsksForTheNamedPeerAloneAliveOrDead() {
    KnownList.Ask ask = KnownList.parse(KnownList.probe(List.of(named)));
    assertTrue(ask.shows(named, true));
    assertTrue(ask.shows(named, false));
    assertFalse(ask.shows(other, true));
    assertFalse(ask.shows(other, false));
  }

  @Test
  void aDigestAsksForTheAlivePeersItLacksAndTheDeadPeersItHoldsAlive() {
    KnownList.Ask ask = KnownList.parse(KnownList.digest(List.of(named)));
    assertFalse(ask.shows(named, true), "held alive there already");
    assertTrue(ask.shows(named, false), "dead here, held alive there: the disagreement is told");
    assertTrue(ask.shows(other, true), "alive here, lacking there");
    assertFalse(ask.shows(other, false), "dead here, not held alive there");
  }

  @Test
  void aCheckCarriesASummaryThatIsTheSameForTheSamePeersInAnyOrder() {
    PkiId third = TestCrypto.peer(2, 0).pkiId();
    var summary = KnownList.summary(List.of(named, other, third));
    assertEquals(summary, KnownList.summary(List.of(third, named, other)));
    assertNotEquals(summary, KnownList.summary(List.of(named, other)), "one peer fewer");
    assertEquals(java.util.Optional.of(summary), KnownList.checked(KnownList.check(summary)));
    assertTrue(KnownList.checked(KnownList.digest(List.of(named))).isEmpty(), "a digest is no check");
  }

  @Test
  void aVerdictCarriesTheDeadPeersAliveMessageAndIsNoOtherForm() {
    Envelope last = Envelope.newBuilder().setPayload(ByteString.copyFromUtf8("alive")).build();
    List<ByteString> verdict = KnownList.verdict(last);
    assertEquals(Optional.of(last.toByteString()), KnownList.verdictOf(verdict));
    assertEquals(Optional.empty(), KnownList.checked(verdict));
    assertEquals(Optional.empty(), KnownList.verdictOf(KnownList.check(KnownList.summary(List.of(named)))));
    assertEquals(Optional.empty(), KnownList.verdictOf(List.of(named.bytes(), other.bytes())),
        "two PKI-IDs named are Fabric's form");
  }

  @Test
  void fullPkiIdsNamedLeaveOutThoseAliveAndKeepTheDeadList() {
    KnownList.Ask ask = KnownList.parse(List.of(named.bytes()));
    assertFalse(ask.shows(named, true));
    assertTrue(ask.shows(named, false));
    assertTrue(ask.shows(other, true));
    assertTrue(ask.shows(other, false));
  }
}
