package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.grpc.GrpcGossipLinks;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TlsSettings;
import io.hearsay.runtime.tls.TrustedCas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * A member of Org1 (peer {@code self}'s identity and TLS key) that dials a peer's Fabric gossip and
 * sends a ConnEstablish naming the TLS certificate of another peer ({@code named}) instead of the
 * one its own session presents: what a peer replaying another's handshake would send.
 */
final class RogueGossipClient implements AutoCloseable {

  private final GrpcGossipLinks links;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RogueGossipClient(GrpcGossipLinks links) {
    this.links = links;
  }

  static RogueGossipClient of(CryptoMaterial material, int self, int named) throws Exception {
    CryptoMaterial.Org org = material.org("Org1MSP");
    Path tls = material.nodeDir(org, org.nodes().get(self)).resolve("tls");
    Path otherTls = material.nodeDir(org, org.nodes().get(named)).resolve("tls");
    SigningIdentity identity = material.signingIdentity(org, org.nodes().get(self));
    PemTls.KeyPair keys = new PemTls.KeyPair(tls.resolve("server.crt"), tls.resolve("server.key"));
    ByteString wrongHash = ByteString.copyFrom(Ecdsa.sha256(
        Pem.readCertificate(otherTls.resolve("server.crt")).getEncoded()));
    EnvelopeSigner signer = new EnvelopeSigner(identity);
    GrpcGossipLinks links = GrpcGossipLinks.start(new Endpoint("127.0.0.1", 0),
        Optional.of(new TlsSettings(keys, List.of(tls.resolve("ca.crt")), false, List.of(), keys)),
        new TrustedCas(Pem.certificates(Files.readAllBytes(tls.resolve("ca.crt")))), Duration.ofSeconds(3),
        ownHash -> signer.sign(GossipMessages.connEstablish(identity.identity(), wrongHash, false)).envelope());
    RogueGossipClient rogue = new RogueGossipClient(links);
    links.listen(new FabricLinks.Listener() {
      @Override
      public void opened(FabricLinks.Stream stream) {
      }

      @Override
      public void received(FabricLinks.Stream stream, Envelope envelope) {
      }

      @Override
      public void closed(FabricLinks.Stream stream, String why) {
        rogue.closed.set(true);
      }

      @Override
      public void dialFailed(Endpoint to, String why) {
        rogue.closed.set(true);
      }
    });
    return rogue;
  }

  void handshake(Endpoint target) {
    links.dial(target);
  }

  boolean closed() {
    return closed.get();
  }

  @Override
  public void close() {
    links.close();
  }
}
