package io.hearsay.runtime.comm;

import static io.hearsay.testkit.TestNetwork.awaitViews;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.LinkMacs;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettingsLoader;
import io.hearsay.runtime.node.NodeSystems;
import io.hearsay.testkit.Terminations;
import io.hearsay.testkit.TestNetwork;
import io.hearsay.runtime.tls.PemTls;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** What comm refuses at the door: unknown TLS CAs, lying handshakes, frames before a handshake. */
class CommSecurityTest {

  private final TestNetwork network = new TestNetwork(1, 3);
  private final TestNetwork foreign = new TestNetwork(1, 1);

  @AfterEach
  void stop() {
    network.close();
    foreign.close();
  }

  private static Map<String, Object> tls(CryptoMaterial material, String node, Path trustStore) throws Exception {
    CryptoMaterial.Org org = material.org("Org1MSP");
    Path tlsDir = material.nodeDir(org, node).resolve("tls");
    Map<String, Object> values = new HashMap<>();
    values.put("hearsay.tls.enabled", true);
    values.put("hearsay.tls.keyStore", tlsDir.resolve(CryptoMaterial.KEY_STORE_FILE).toString());
    values.put("hearsay.tls.trustStore", trustStore == null ? tlsDir.resolve(CryptoMaterial.TRUST_STORE_FILE).toString()
        : trustStore.toString());
    values.put("hearsay.tls.passwordFile", tlsDir.resolve(CryptoMaterial.STORE_PASSWORD_FILE).toString());
    return values;
  }

  @Test
  void peersTalkOverMutualTlsAndACertificateFromAnUnknownCaIsRefusedByTheAcceptingSide() throws Exception {
    CryptoMaterial material = network.material();
    List<String> nodes = material.org("Org1MSP").nodes();
    HearsayPeer a = network.start(network.config(1, 0, List.of(), tls(material, nodes.get(0), null)));
    HearsayPeer b = network.start(network.config(1, 1, List.of(a.endpoint()), tls(material, nodes.get(1), null)));
    awaitViews(List.of(a, b), Duration.ofSeconds(20), "TLS peers see each other", pv -> pv.seesAlive(List.of(a, b)));

    // The rogue trusts our TLS CA (so it accepts our server certificate) but its own certificate
    // comes from a CA we do not know: only the accepting side can refuse it.
    CryptoMaterial rogueMaterial = foreign.material();
    String rogueNode = rogueMaterial.org("Org1MSP").nodes().get(0);
    Path trust = trustStoreWithPassword(material, nodes.get(0), rogueMaterial, rogueNode);
    HearsayPeer rogue = foreign.start(foreign.config(1, 0, List.of(a.endpoint()), tls(rogueMaterial, rogueNode, trust)));

    awaitViews(List.of(a), Duration.ofSeconds(20), "A refused the rogue's certificate",
        pv -> pv.peer().refusedTlsCertificates() >= 1);
    assertFalse(TestNetwork.view(a).member(rogue.pkiId()).isPresent());
  }

  @Test
  void handshakeClaimingAnotherPkiIdIsRefusedAndGossipBeforeAHandshakeIsCounted() throws Exception {
    HearsayPeer a = network.start(1, 0, List.of());
    ActorSystem<Comm.Command> hostile = hostileSystem();
    try {
      ActorRefResolver resolver = ActorRefResolver.get(hostile);
      ActorRef<Comm.Command> target = commAt(resolver, a.endpoint());
      CryptoMaterial material = network.material();
      var org = material.org("Org1MSP");
      var mallory = material.signingIdentity(org, org.nodes().get(1));
      var victim = material.signingIdentity(org, org.nodes().get(2));
      // Mallory's identity and signature, but the victim's PKI-ID.
      GossipMessage lie = GossipMessages.connEstablish(mallory.identity(), ByteString.EMPTY, false).toBuilder()
          .setConn(GossipMessages.connEstablish(mallory.identity(), ByteString.EMPTY, false).getConn().toBuilder()
              .setPkiId(victim.pkiId().bytes()))
          .build();
      ByteString envelope = new EnvelopeSigner(mallory).sign(lie).envelope().toByteString();
      target.tell(new WireFrame(WireFrame.Kind.HANDSHAKE, hostile, envelope));
      ByteString hello = new EnvelopeSigner(mallory).sign(GossipMessages.hello("mychannel", 1)).envelope().toByteString();
      target.tell(new WireFrame(WireFrame.Kind.GOSSIP, hostile, hello));

      awaitViews(List.of(a), Duration.ofSeconds(10), "A counted both", pv -> pv.peer().rejections()
          .getOrDefault(RejectionReason.PKI_ID_MISMATCH, 0L) >= 1
          && pv.peer().rejections().getOrDefault(RejectionReason.UNBOUND_SENDER, 0L) >= 1);
    } finally {
      Terminations.terminate(hostile, Duration.ofSeconds(30));
    }
  }

  @Test
  void aLinkTaggedFrameIsTakenFromThePeerWhoseKeyTaggedItAndRefusedWhenItClaimsAnotherPeersEndpoint()
      throws Exception {
    HearsayPeer a = network.start(1, 0, List.of());
    HearsayPeer b = network.start(1, 1, List.of(a.endpoint()));
    awaitViews(List.of(a, b), Duration.ofSeconds(20), "A and B see each other", pv -> pv.seesAlive(List.of(a, b)));
    ActorSystem<Comm.Command> hostile = hostileSystem();
    try {
      ActorRefResolver resolver = ActorRefResolver.get(hostile);
      ActorRef<Comm.Command> target = commAt(resolver, a.endpoint());
      var org = network.material().org("Org1MSP");
      var mallory = network.material().signingIdentity(org, org.nodes().get(2));
      // Mallory, a peer of the org, binds its own endpoint honestly.
      target.tell(new WireFrame(WireFrame.Kind.HANDSHAKE, hostile, new EnvelopeSigner(mallory)
          .sign(GossipMessages.connEstablish(mallory.identity(), ByteString.EMPTY, false)).envelope().toByteString()));
      ByteString hello = EnvelopeSigner.noopSign(GossipMessages.hello("mychannel", 1)).toByteString();
      byte[] tag = new LinkMacs(mallory).tag(a.identity().identity(), LinkMacs.digest(hello));
      target.tell(WireFrame.linkGossip(hostile, tag, hello));
      awaitViews(List.of(a), Duration.ofSeconds(10), "A took Mallory's tagged Hello as Mallory's",
          pv -> hellos(pv.peer()) >= 1);

      // The same frame claiming B's endpoint: A checks the tag with B's link key.
      ActorRef<Comm.Command> posingAsB = commAt(resolver, b.arteryEndpoint());
      target.tell(WireFrame.linkGossip(posingAsB, tag, hello));
      awaitViews(List.of(a), Duration.ofSeconds(10), "A refused the frame posing as B's", pv -> pv.peer().rejections()
          .getOrDefault(RejectionReason.BAD_LINK_MAC, 0L) >= 1);
      Assertions.assertEquals(1L, hellos(a), "only Mallory's own Hello was taken: " + a.receivedMessages());
    } finally {
      Terminations.terminate(hostile, Duration.ofSeconds(30));
    }
  }

  @Test
  void overTlsAConnEstablishNamingACertificateNoSessionPresentedIsRefusedAndTheHonestOneBinds() throws Exception {
    CryptoMaterial material = network.material();
    List<String> nodes = material.org("Org1MSP").nodes();
    HearsayPeer a = network.start(network.config(1, 0, List.of(), tls(material, nodes.get(0), null)));
    // The intruder holds a valid TLS certificate of the org (node 1's) and replays node 2's
    // identity: its signed handshake names node 2's TLS certificate, which it cannot present.
    Map<String, Object> values = new HashMap<>(tls(material, nodes.get(1), null));
    values.put("peer.gossip.endpoint", "127.0.0.1:0");
    Config intruderConfig = NodeSystems.systemConfig(new Endpoint("127.0.0.1", 0),
        PeerSettingsLoader.pkcs12(new ConfigReader(ConfigFactory.parseMap(values), "test")),
        ConfigFactory.parseString("pekko.actor.provider = remote\npekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    ActorSystem<Comm.Command> intruder = ActorSystem.create(Behaviors.ignore(), "hearsay", intruderConfig);
    try {
      var org = material.org("Org1MSP");
      var node2 = material.signingIdentity(org, nodes.get(2));
      byte[] node2Tls = PemTls.certificate(new PemTls.KeyPair(
          material.nodeDir(org, nodes.get(2)).resolve("tls/server.crt"), material.nodeDir(org, nodes.get(2)).resolve("tls/server.key")))
          .getEncoded();
      ByteString handshake = new EnvelopeSigner(node2).sign(GossipMessages.connEstablish(node2.identity(),
          ByteString.copyFrom(Ecdsa.sha256(node2Tls)), false)).envelope().toByteString();
      ActorRef<Comm.Command> target = commAt(ActorRefResolver.get(intruder), a.endpoint());
      target.tell(new WireFrame(WireFrame.Kind.HANDSHAKE, intruder, handshake));
      awaitViews(List.of(a), Duration.ofSeconds(20), "A refused the replayed handshake", pv -> pv.peer().rejections()
          .getOrDefault(RejectionReason.TLS_CERT_HASH_MISMATCH, 0L) >= 1);
    } finally {
      Terminations.terminate(intruder, Duration.ofSeconds(30));
    }
    // An honest peer over TLS binds: its handshake names the certificate its session presented.
    HearsayPeer b = network.start(network.config(1, 1, List.of(a.endpoint()), tls(material, nodes.get(1), null)));
    awaitViews(List.of(a, b), Duration.ofSeconds(20), "TLS peers see each other", pv -> pv.seesAlive(List.of(a, b)));
    Assertions.assertEquals(1L, a.rejections().get(RejectionReason.TLS_CERT_HASH_MISMATCH),
        "only the intruder's handshake was refused: " + a.rejections());
  }

  /** An ActorSystem on loopback that is no peer: it sends whatever frames a test makes. */
  private static ActorSystem<Comm.Command> hostileSystem() {
    Config hostileConfig = ConfigFactory.parseString("""
        pekko.actor.provider = remote
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.loglevel = WARNING
        """).withFallback(ConfigFactory.load());
    return ActorSystem.create(Behaviors.ignore(), "hearsay", hostileConfig);
  }

  private static ActorRef<Comm.Command> commAt(ActorRefResolver resolver, Endpoint endpoint) {
    return resolver.resolveActorRef("pekko://hearsay@" + endpoint + NodeSystems.PEER_PATH + "/" + Comm.NAME);
  }

  private static long hellos(HearsayPeer peer) {
    return peer.receivedMessages().entrySet().stream().filter(e -> e.getKey().equals("HELLO@mychannel"))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /** Our node's trust store re-saved under the rogue's store password. */
  private static Path trustStoreWithPassword(CryptoMaterial ours, String ourNode, CryptoMaterial theirs,
      String theirNode) throws Exception {
    var org = ours.org("Org1MSP");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ours.trustStore(org, ourNode))) {
      store.load(in, ours.storePassword(org, ourNode).toCharArray());
    }
    Path out = Files.createTempFile(theirs.root(), "trust", ".p12");
    try (OutputStream os = Files.newOutputStream(out)) {
      store.store(os, theirs.storePassword(theirs.org("Org1MSP"), theirNode).toCharArray());
    }
    return out;
  }
}
