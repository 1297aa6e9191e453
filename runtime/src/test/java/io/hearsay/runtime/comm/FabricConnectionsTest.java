package io.hearsay.runtime.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.junit.jupiter.api.Test;

/** Fabric's connection rules, on streams that only record what is done to them. */
class FabricConnectionsTest {

  private static final class FakeStream implements FabricLinks.Stream {
    final boolean inbound;
    final Endpoint remote;
    final List<Envelope> sent = new ArrayList<>();
    boolean closed;
    /** Our ConnEstablish on it, when we dialled it: whether it was a probe. */
    Optional<Boolean> probed = Optional.empty();

    FakeStream(boolean inbound, Endpoint remote) {
      this.inbound = inbound;
      this.remote = remote;
    }

    @Override
    public boolean inbound() {
      return inbound;
    }

    @Override
    public Endpoint remote() {
      return remote;
    }

    @Override
    public Optional<ByteString> remoteCertificateHash() {
      return Optional.empty();
    }

    @Override
    public boolean send(Envelope envelope) {
      sent.add(envelope);
      return !closed;
    }

    @Override
    public void sendConnEstablish(boolean probe) {
      probed = Optional.of(probe);
      closed |= probe;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final SigningIdentity fabricPeer = TestCrypto.peer(1, 1);
  private final SigningIdentity otherPeer = TestCrypto.peer(1, 2);
  private final Endpoint at = new Endpoint("127.0.0.1", 7051);
  /** Where a stream the Fabric peer opens to us comes from. */
  private final Endpoint source = new Endpoint("127.0.0.1", 50123);
  private final Instant start = Instant.now();
  private final List<Endpoint> dialled = new ArrayList<>();
  private final FabricConnections connections = new FabricConnections(new FabricLinks() {
    @Override
    public Endpoint endpoint() {
      return new Endpoint("127.0.0.1", 7052);
    }

    @Override
    public void listen(Listener listener) {}

    @Override
    public void dial(Endpoint to) {
      dialled.add(to);
    }
  }, new EnvelopeVerifier(new IdentityMapper(TestCrypto.msps()), 1 << 20), false);

  private FakeStream handshaken(boolean inbound) {
    FakeStream stream = opened(inbound ? source : at, inbound, start);
    assertInstanceOf(FabricConnections.Handshaken.class, connections.received(stream, connOf(fabricPeer), start));
    return stream;
  }

  private FakeStream opened(Endpoint remote, boolean inbound, Instant when) {
    FakeStream stream = new FakeStream(inbound, remote);
    connections.opened(stream, when);
    return stream;
  }

  private static Envelope connOf(SigningIdentity peer) {
    return new EnvelopeSigner(peer).sign(GossipMessages.connEstablish(peer.identity(), ByteString.EMPTY, false))
        .envelope();
  }

  private Envelope hello(long nonce) {
    return Envelope.newBuilder().setPayload(GossipMessages.hello("mychannel", nonce).toByteString()).build();
  }

  @Test
  void ourConnEstablishOnAStreamWeDialledGoesOnlyOnceThePeersCame() {
    connections.send(at, hello(1));
    assertEquals(List.of(at), dialled);
    FakeStream ours = opened(at, false, start);
    assertEquals(Optional.empty(), ours.probed, "nothing said before the peer said who it is");

    assertInstanceOf(FabricConnections.Handshaken.class, connections.received(ours, connOf(fabricPeer), start));
    assertEquals(Optional.of(false), ours.probed, "our ConnEstablish, not a probe: the stream is a connection");
    assertEquals(1, ours.sent.size(), "what waited for the dial went on it");
  }

  @Test
  void aStreamWeDialledToAPeerThatAlreadyHasOneWithUsEndsWithAProbe() {
    FakeStream theirs = handshaken(true);
    connections.send(at, hello(1));
    FakeStream ours = opened(at, false, start);

    assertInstanceOf(FabricConnections.Handshaken.class, connections.received(ours, connOf(fabricPeer), start));
    assertEquals(Optional.of(true), ours.probed,
        "a Fabric peer would take a second connection for the newest and close its own, maybe mid-send");
    assertTrue(ours.closed);
    assertEquals(1, theirs.sent.size(), "what waited for the dial went on the peer's stream");
    connections.send(at, hello(2));
    assertEquals(2, theirs.sent.size(), "the endpoint is bound to the peer's stream");
    assertEquals(List.of(at), dialled, "no dial again");
  }

  @Test
  void aStreamWeDialledWaitsForAStreamStillHandshakingWithUsAndProbesWhenItWasThatPeers() {
    connections.send(at, hello(1));
    FakeStream ours = opened(at, false, start);
    FakeStream theirs = opened(source, true, start.plusMillis(1));

    FabricConnections.Arrival arrival = connections.received(ours, connOf(fabricPeer), start.plusMillis(2));
    assertEquals(new FabricConnections.Deciding(ours), arrival, "the dials crossed: the peer's stream is waited for");
    assertEquals(Optional.empty(), ours.probed);
    assertInstanceOf(FabricConnections.Handshaken.class, connections.received(theirs, connOf(fabricPeer),
        start.plusMillis(3)));

    assertInstanceOf(FabricConnections.Handshaken.class, connections.decide(ours));
    assertEquals(Optional.of(true), ours.probed, "the peer's stream was the first: ours is a probe");
    assertEquals(1, theirs.sent.size());
    assertInstanceOf(FabricConnections.Ignored.class, connections.decide(ours), "decided once");
  }

  @Test
  void aStreamWeDialledIsAConnectionWhenTheStreamItWaitedForWasAnotherPeers() {
    connections.send(at, hello(1));
    FakeStream ours = opened(at, false, start);
    FakeStream another = opened(source, true, start);
    assertInstanceOf(FabricConnections.Deciding.class, connections.received(ours, connOf(fabricPeer), start));
    connections.received(another, connOf(otherPeer), start);

    connections.decide(ours);
    assertEquals(Optional.of(false), ours.probed);
    assertEquals(1, ours.sent.size());
  }

  @Test
  void aStreamThatNeverHandshookHoldsNoDialBeyondTheWait() {
    opened(source, true, start);
    connections.send(at, hello(1));
    FakeStream ours = opened(at, false, start);
    assertInstanceOf(FabricConnections.Handshaken.class, connections.received(ours, connOf(fabricPeer),
        start.plus(FabricConnections.DECISION_WAIT).plusMillis(1)));
    assertEquals(Optional.of(false), ours.probed);
  }

  @Test
  void aStreamWeDialledThatClosesWhileItWaitsGivesUpWhatWaitedForIt() {
    connections.send(at, hello(1));
    FakeStream ours = opened(at, false, start);
    opened(source, true, start);
    connections.received(ours, connOf(fabricPeer), start);

    assertEquals(1, connections.closed(ours).size(), "the queued envelope is returned, unsent");
    assertInstanceOf(FabricConnections.Ignored.class, connections.decide(ours));
    connections.send(at, hello(2));
    assertEquals(List.of(at, at), dialled, "dialled again");
  }

  @Test
  void aStreamWithoutAConnEstablishWithinConnTimeoutIsClosedAndRefused() {
    FakeStream silent = opened(source, true, start);

    FabricConnections.TimedOut timedOut = connections.handshakeDue(silent, Duration.ofSeconds(2)).orElseThrow();
    assertEquals(RejectionReason.HANDSHAKE_TIMEOUT, timedOut.rejection().reason());
    assertEquals(source, timedOut.endpoint());
    assertTrue(silent.closed);
    assertInstanceOf(FabricConnections.Ignored.class, connections.received(silent, connOf(fabricPeer), start),
        "a ConnEstablish after the timeout binds nothing");
  }

  @Test
  void aDialWhosePeerNeverSpeaksGivesUpWhatWaitedForIt() {
    connections.send(at, hello(1));
    FakeStream ours = opened(at, false, start);

    assertEquals(1, connections.handshakeDue(ours, Duration.ofSeconds(2)).orElseThrow().unsent().size());
    assertTrue(ours.closed);
    connections.send(at, hello(2));
    assertEquals(List.of(at, at), dialled, "dialled again");
  }

  @Test
  void aStreamThatHandshookInTimeIsLeftAlone() {
    FakeStream theirs = handshaken(true);

    assertEquals(Optional.empty(), connections.handshakeDue(theirs, Duration.ofSeconds(2)));
    assertFalse(theirs.closed);
  }

  @Test
  void whenTwoPeersDialledEachOtherWeSendOnTheNewestAndLeaveTheOlderForThePeerToClose() {
    FakeStream ours = handshaken(false);
    FakeStream theirs = handshaken(true);

    assertFalse(ours.closed, "Fabric drops its good connection when a stream of ours it serves ends");
    connections.send(at, hello(1));
    assertEquals(1, theirs.sent.size(), "the newest carries what we send");
    assertInstanceOf(FabricConnections.Message.class, connections.received(ours, hello(2), Instant.now()),
        "the older is still read");

    connections.closed(theirs);
    connections.send(at, hello(3));
    assertEquals(1, ours.sent.size(), "the newest closed: the other takes over, no new dial");
    assertTrue(dialled.isEmpty());
  }

  @Test
  void aThirdStreamOfOnePeerClosesTheOldest() {
    FakeStream first = handshaken(false);
    FakeStream second = handshaken(true);
    FakeStream third = handshaken(true);

    assertTrue(first.closed, "at most two streams per peer");
    assertFalse(second.closed);
    connections.send(at, hello(1));
    assertEquals(1, third.sent.size());
  }
}
