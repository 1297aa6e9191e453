package io.hearsay.runtime.membership;

import static io.hearsay.testkit.TestNetwork.awaitViews;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.TestNetwork;
import java.time.Duration;
import java.util.List;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpoofingTest {

  private final TestNetwork network = new TestNetwork(1, 4);

  @AfterEach
  void stop() {
    network.close();
  }

  private SigningIdentity node(int index) throws Exception {
    CryptoMaterial m = network.material();
    CryptoMaterial.Org org = m.org("Org1MSP");
    return m.signingIdentity(org, org.nodes().get(index));
  }

  private List<HearsayPeer> startThree() {
    HearsayPeer a = network.start(1, 0, List.of());
    List<HearsayPeer> peers = List.of(a, network.start(1, 1, List.of(a.endpoint())),
        network.start(1, 2, List.of(a.endpoint())));
    awaitViews(peers, Duration.ofSeconds(20), "full view", pv -> pv.seesAlive(peers));
    return peers;
  }

  @Test
  void membershipRequestCarryingAnotherPeersAliveIsRefusedAndCounted() throws Exception {
    List<HearsayPeer> peers = startThree();
    HearsayPeer a = peers.get(0);
    HearsayPeer b = peers.get(1);
    HearsayPeer c = peers.get(2);

    // A asks B for membership, presenting C's (genuinely signed) alive message as its own.
    Envelope cAlive = new EnvelopeSigner(node(2)).sign(GossipMessages.alive(node(2).identity(),
        "", PeerTimes.of(1, 1), ByteString.EMPTY)).envelope();
    GossipMessage request = GossipMessages.membershipRequest(cAlive, List.of());
    a.sendEnvelope(b.endpoint(), new EnvelopeSigner(a.identity()).sign(request).envelope());

    awaitViews(List.of(b), Duration.ofSeconds(10), "B counted a spoofed sender",
        pv -> pv.peer().rejections().getOrDefault(RejectionReason.SPOOFED_SENDER, 0L) >= 1);
  }

  @Test
  void forgedAliveMessageNeverEntersAnyView() throws Exception {
    List<HearsayPeer> peers = startThree();
    HearsayPeer a = peers.get(0);
    HearsayPeer b = peers.get(1);
    HearsayPeer c = peers.get(2);

    // A forges an alive message of peer 3 (never started): 3's identity, A's signature.
    SigningIdentity ghost = node(3);
    GossipMessage alive = GossipMessages.alive(ghost.identity(), "", PeerTimes.of(1, 1), ByteString.EMPTY);
    Envelope forged = Envelope.newBuilder().setPayload(alive.toByteString())
        .setSignature(ByteString.copyFrom(a.identity().sign(alive.toByteArray()))).build();
    a.sendEnvelope(b.endpoint(), forged);
    a.sendEnvelope(c.endpoint(), forged);

    awaitViews(List.of(b, c), Duration.ofSeconds(10), "the forgery was counted as a bad signature",
        pv -> pv.peer().rejections().getOrDefault(RejectionReason.BAD_SIGNATURE, 0L) >= 1);
    // The forgery was dropped at comm, so no peer holds the ghost, alive or dead.
    for (HearsayPeer peer : peers) {
      MembershipView view = TestNetwork.view(peer);
      assertFalse(view.member(ghost.pkiId()).isPresent(), peer.endpoint() + " knows the ghost");
    }
  }
}
