package io.hearsay.runtime.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.comm.FabricLinks;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.TrustedCas;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.gossip.ConnEstablish;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fabric's gossip transport between two nodes on loopback (plain gRPC): who says what first on a stream. */
class GrpcGossipLinksTest {

  /** What a node's transport reported, in order. */
  private record Event(String kind, FabricLinks.Stream stream, Envelope envelope) {}

  private final BlockingQueue<Event> dialler = new LinkedBlockingQueue<>();
  private final BlockingQueue<Event> server = new LinkedBlockingQueue<>();
  private final GrpcGossipLinks dialling = start(TestCrypto.peer(1, 1), dialler);
  private final GrpcGossipLinks serving = start(TestCrypto.peer(1, 2), server);

  private static GrpcGossipLinks start(SigningIdentity identity, BlockingQueue<Event> events) {
    EnvelopeSigner signer = new EnvelopeSigner(identity);
    try {
      GrpcGossipLinks links = GrpcGossipLinks.start(new Endpoint("127.0.0.1", 0), Optional.empty(),
          new TrustedCas(List.of()), Duration.ofSeconds(3),
          (hash, probe) -> signer.sign(GossipMessages.connEstablish(identity.identity(), hash, probe)).envelope());
      links.listen(new FabricLinks.Listener() {
        @Override
        public void opened(FabricLinks.Stream stream) {
          events.add(new Event("opened", stream, null));
        }

        @Override
        public void received(FabricLinks.Stream stream, Envelope envelope) {
          events.add(new Event("received", stream, envelope));
        }

        @Override
        public void closed(FabricLinks.Stream stream, String why) {
          events.add(new Event("closed", stream, null));
        }

        @Override
        public void dialFailed(Endpoint to, String why) {
          events.add(new Event("dialFailed", null, null));
        }
      });
      return links;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void close() {
    dialling.close();
    serving.close();
  }

  private static Event next(BlockingQueue<Event> events, String kind) throws InterruptedException {
    Event event = events.poll(10, TimeUnit.SECONDS);
    assertNotNull(event, "no " + kind + " within 10 s");
    assertEquals(kind, event.kind());
    return event;
  }

  private static ConnEstablish connOf(Event received) throws Exception {
    GossipMessage message = GossipMessage.parseFrom(received.envelope().getPayload());
    assertTrue(message.hasConn(), "a ConnEstablish: " + message.getContentCase());
    return message.getConn();
  }

  private static Envelope hello() {
    return Envelope.newBuilder().setPayload(GossipMessages.hello("mychannel", 1).toByteString()).build();
  }

  @Test
  void onADialledStreamTheServerSpeaksFirstAndOursWaitsUntilAsked() throws Exception {
    dialling.dial(serving.endpoint());
    FabricLinks.Stream ours = next(dialler, "opened").stream();
    assertFalse(ours.inbound());
    assertFalse(connOf(next(dialler, "received")).getProbe(), "the server's ConnEstablish came at once");
    FabricLinks.Stream theirs = next(server, "opened").stream();
    assertTrue(theirs.inbound());
    assertNull(server.poll(200, TimeUnit.MILLISECONDS), "nothing from the dialler before it is asked");

    ours.sendConnEstablish(false);
    assertFalse(connOf(next(server, "received")).getProbe());
    assertTrue(ours.send(hello()), "the stream stays open");
  }

  @Test
  void aProbeOnADialledStreamIsItsLastWord() throws Exception {
    dialling.dial(serving.endpoint());
    FabricLinks.Stream ours = next(dialler, "opened").stream();
    next(dialler, "received");
    next(server, "opened");

    ours.sendConnEstablish(true);
    assertTrue(connOf(next(server, "received")).getProbe());
    next(server, "closed");
    assertFalse(ours.send(hello()), "nothing more goes on it");
  }
}
