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
import io.hearsay.runtime.config.Endpoint;
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
    public void close() {
      closed = true;
    }
  }

  private final SigningIdentity fabricPeer = TestCrypto.peer(1, 1);
  private final Endpoint at = new Endpoint("127.0.0.1", 7051);
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
    FakeStream stream = new FakeStream(inbound, at);
    connections.opened(stream);
    Envelope conn = new EnvelopeSigner(fabricPeer).sign(GossipMessages.connEstablish(fabricPeer.identity(),
        ByteString.EMPTY, false)).envelope();
    assertInstanceOf(FabricConnections.Handshaken.class, connections.received(stream, conn, Instant.now()));
    return stream;
  }

  private Envelope hello(long nonce) {
    return Envelope.newBuilder().setPayload(GossipMessages.hello("mychannel", nonce).toByteString()).build();
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
