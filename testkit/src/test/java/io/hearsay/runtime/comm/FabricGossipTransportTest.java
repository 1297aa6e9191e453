package io.hearsay.runtime.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hearsay peers that serve Fabric's gossip ({@code peer.listenAddress}): they find each other
 * through gRPC gossip endpoints (the addresses Fabric peers and anchor-peer lists use), learn each
 * other's Artery address from the alive message's metadata, and over TLS a handshake must name
 * the certificate its session presented.
 */
class FabricGossipTransportTest {

  private final TestNetwork network = new TestNetwork(1, 3);

  @AfterEach
  void stop() {
    network.close();
  }

  private Map<String, Object> fabricGossip(int peer, boolean tls) {
    Map<String, Object> keys = new HashMap<>();
    keys.put("peer.listenAddress", "127.0.0.1:0");
    keys.put("hearsay.artery.endpoint", "127.0.0.1:0");
    if (tls) {
      CryptoMaterial material = network.material();
      CryptoMaterial.Org org = material.org("Org1MSP");
      Path dir = material.nodeDir(org, org.nodes().get(peer)).resolve("tls");
      keys.put("peer.tls.enabled", true);
      keys.put("peer.tls.cert.file", dir.resolve("server.crt").toString());
      keys.put("peer.tls.key.file", dir.resolve("server.key").toString());
      keys.put("peer.tls.rootcert.file", dir.resolve("ca.crt").toString());
    }
    return keys;
  }

  private List<HearsayPeer> startThree(boolean tls) {
    List<HearsayPeer> peers = new ArrayList<>();
    HearsayPeer first = network.start(network.config(1, 0, List.of(), fabricGossip(0, tls)));
    peers.add(first);
    for (int i = 1; i < 3; i++) {
      peers.add(network.start(network.config(1, i, List.of(first.endpoint()), fabricGossip(i, tls))));
    }
    return peers;
  }

  @Test
  void peersFoundThroughTheirGrpcGossipEndpointsLearnEachOthersArteryAddress() {
    List<HearsayPeer> peers = startThree(false);
    for (HearsayPeer peer : peers) {
      assertTrue(!peer.endpoint().equals(peer.arteryEndpoint()), "gossip endpoint and Artery apart");
    }
    TestNetwork.awaitViews(peers, Duration.ofSeconds(30), "every peer sees the other two, with their Artery addresses",
        pv -> pv.seesAlive(peers) && peers.stream().filter(p -> p != pv.peer()).allMatch(other ->
            pv.view().member(other.pkiId()).flatMap(m -> m.artery()).equals(Optional.of(other.arteryEndpoint()))
                && pv.view().member(other.pkiId()).flatMap(m -> m.internalEndpoint())
                .equals(Optional.of(other.endpoint()))));
  }

  @Test
  void overTlsPeersHandshakeOnTheirSessionsCertificates() {
    List<HearsayPeer> peers = startThree(true);
    TestNetwork.awaitViews(peers, Duration.ofSeconds(30), "every peer sees the other two over TLS",
        pv -> pv.seesAlive(peers));
    for (HearsayPeer peer : peers) {
      assertEquals(0L, peer.rejections().getOrDefault(RejectionReason.TLS_CERT_HASH_MISMATCH, 0L));
    }
  }

  @Test
  void aHandshakeNamingAnotherCertificateThanItsSessionsIsRefused() throws Exception {
    HearsayPeer target = network.start(network.config(1, 0, List.of(), fabricGossip(0, true)));
    // A rogue with Org1 peer 1's identity and TLS key, whose ConnEstablish names peer 2's certificate.
    dialAndAwaitRefusal(target, RogueGossipClient.replaying(network.material(), 1, 2),
        RejectionReason.TLS_CERT_HASH_MISMATCH);
  }

  @Test
  void aStreamThatNeverSaysWhoItIsIsClosedAfterConnTimeout() throws Exception {
    Map<String, Object> keys = fabricGossip(0, true);
    keys.put("peer.gossip.connTimeout", "500ms");
    HearsayPeer target = network.start(network.config(1, 0, List.of(), keys));
    dialAndAwaitRefusal(target, RogueGossipClient.silent(network.material(), 1), RejectionReason.HANDSHAKE_TIMEOUT);
  }

  /** {@code rogue} dials {@code target}, which counts its stream as {@code reason} and closes it. */
  private static void dialAndAwaitRefusal(HearsayPeer target, RogueGossipClient rogue, RejectionReason reason) {
    try (rogue) {
      rogue.dial(target.endpoint());
      Eventually.await(Duration.ofSeconds(20), "the stream is refused as " + reason,
          () -> target.rejections().getOrDefault(reason, 0L) >= 1);
      Eventually.await(Duration.ofSeconds(20), "the stream is closed", rogue::closed);
    }
  }

  static Endpoint loopback(int port) {
    return new Endpoint("127.0.0.1", port);
  }
}
