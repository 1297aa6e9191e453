package io.hearsay.protocol.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two ActorSystems joined by real Artery TCP on 127.0.0.1: signed envelopes cross unchanged and
 * verify on arrival; a tampered one arrives intact and is refused by the verifier.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvelopeOverArteryTest {

  private static final Config ARTERY = ConfigFactory.parseString("""
      pekko.actor.provider = remote
      pekko.remote.artery.transport = tcp
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      pekko.loglevel = WARNING
      """);

  private final ActorTestKit sender = ActorTestKit.create("sender", ARTERY);
  private final ActorTestKit receiver = ActorTestKit.create("receiver", ARTERY);

  @AfterAll
  void shutdown() {
    sender.shutdownTestKit();
    receiver.shutdownTestKit();
  }

  /** Verifies every envelope it receives and reports the verdict to {@code results}. */
  private static Behavior<Envelope> verifying(EnvelopeVerifier verifier,
      ActorRef<Verdict<SignedGossipMessage>> results) {
    return Behaviors.receiveMessage(envelope -> {
      results.tell(verifier.verify(envelope, Optional.empty(), Instant.now()));
      return Behaviors.same();
    });
  }

  @Test
  void envelopesUseTheEnvelopeSerializer() {
    Envelope envelope = Envelope.newBuilder().setPayload(ByteString.copyFromUtf8("x")).build();
    var serializer = SerializationExtension.get(sender.system().classicSystem()).findSerializerFor(envelope);
    assertInstanceOf(EnvelopeSerializer.class, serializer);
  }

  @Test
  void signedEnvelopesCrossArteryAndVerifyOnArrival() {
    SigningIdentity peer = TestCrypto.peer(1, 0);
    EnvelopeSigner signer = new EnvelopeSigner(peer);
    EnvelopeVerifier verifier = new EnvelopeVerifier(new IdentityMapper(TestCrypto.msps()), 1 << 20);
    TestProbe<Verdict<SignedGossipMessage>> results = receiver.createTestProbe();
    ActorRef<Envelope> local = receiver.spawn(verifying(verifier, results.getRef()), "verifier");
    ActorRef<Envelope> remote = ActorRefResolver.get(sender.system()).resolveActorRef(
        ActorRefResolver.get(receiver.system()).toSerializationFormat(local));
    assertTrue(remote.path().address().hasGlobalScope(), "resolved through Artery: " + remote.path());

    SignedGossipMessage alive = signer.sign(
        GossipMessages.alive(peer.identity(), "peer0.org1.example.com:7051", PeerTimes.of(7, 1), ByteString.EMPTY),
        "10.1.1.1:7051");
    remote.tell(alive.envelope());
    SignedGossipMessage stateInfo = signer.sign(GossipMessages.stateInfo(peer.pkiId(), "mychannel", PeerTimes.of(7, 2), 12));
    remote.tell(stateInfo.envelope());
    Envelope tampered = alive.envelope().toBuilder().setPayload(stateInfo.envelope().getPayload()).build();
    remote.tell(tampered);

    Verdict<SignedGossipMessage> first = results.receiveMessage(Duration.ofSeconds(15));
    assertEquals(alive.envelope(), first.value().envelope(), "bytes unchanged by the trip");
    assertEquals(Optional.of("10.1.1.1:7051"), first.value().internalEndpoint());
    assertEquals(peer.pkiId(), first.value().signer().pkiId());
    Verdict<SignedGossipMessage> second = results.receiveMessage(Duration.ofSeconds(5));
    assertEquals(12, second.value().message().getStateInfo().getProperties().getLedgerHeight());
    Verdict<SignedGossipMessage> third = results.receiveMessage(Duration.ofSeconds(5));
    assertEquals(RejectionReason.BAD_SIGNATURE, third.rejection().reason());
  }
}
