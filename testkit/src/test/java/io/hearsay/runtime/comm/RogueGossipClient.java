package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.grpc.GrpcGossipLinks;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TlsSettings;
import io.hearsay.runtime.tls.TrustedCas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * A hostile gossip client over Fabric's transport: a member of an org (its identity and TLS key)
 * that dials a peer's gossip service and sends what the test makes it send. Its ConnEstablish
 * names {@code claimedTlsHash} (another peer's certificate, for a replayed handshake) or, when
 * empty, the certificate it really presents.
 */
public final class RogueGossipClient implements AutoCloseable {

  private final GrpcGossipLinks links;
  private final EnvelopeSigner signer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean answered = new AtomicBoolean();
  private final AtomicReference<FabricLinks.Stream> stream = new AtomicReference<>();
  /** Whether it sends its ConnEstablish once its stream opens (a silent one never does). */
  private final boolean introduces;

  private RogueGossipClient(GrpcGossipLinks links, EnvelopeSigner signer, boolean introduces) {
    this.links = links;
    this.signer = signer;
    this.introduces = introduces;
  }

  /** A client with {@code identity}, presenting {@code tls}, trusting {@code trusted}. */
  public static RogueGossipClient of(SigningIdentity identity, PemTls.KeyPair tls, List<X509Certificate> trusted,
      Optional<ByteString> claimedTlsHash) throws Exception {
    return of(identity, tls, trusted, claimedTlsHash, true);
  }

  private static RogueGossipClient of(SigningIdentity identity, PemTls.KeyPair tls, List<X509Certificate> trusted,
      Optional<ByteString> claimedTlsHash, boolean introduces) throws Exception {
    EnvelopeSigner signer = new EnvelopeSigner(identity);
    GrpcGossipLinks links = GrpcGossipLinks.start(new Endpoint("127.0.0.1", 0),
        Optional.of(new TlsSettings(tls, List.of(), false, List.of(), tls)), new TrustedCas(trusted), Duration.ofSeconds(3),
        (ownHash, probe) -> signer.sign(GossipMessages.connEstablish(identity.identity(),
            claimedTlsHash.orElse(ownHash), probe)).envelope());
    RogueGossipClient rogue = new RogueGossipClient(links, signer, introduces);
    links.listen(new FabricLinks.Listener() {
      @Override
      public void opened(FabricLinks.Stream opened) {
        rogue.stream.set(opened);
        if (rogue.introduces) {
          opened.sendConnEstablish(false);
        }
      }

      @Override
      public void received(FabricLinks.Stream from, Envelope envelope) {
        rogue.answered.set(true);
      }

      @Override
      public void closed(FabricLinks.Stream gone, String why) {
        rogue.closed.set(true);
      }

      @Override
      public void dialFailed(Endpoint to, String why) {
        rogue.closed.set(true);
      }
    });
    return rogue;
  }

  /**
   * Org1's peer {@code self} of Hearsay's generated material, whose ConnEstablish names the TLS
   * certificate of peer {@code named} instead of its own.
   */
  static RogueGossipClient replaying(CryptoMaterial material, int self, int named) throws Exception {
    CryptoMaterial.Org org = material.org("Org1MSP");
    Path otherTls = material.nodeDir(org, org.nodes().get(named)).resolve("tls");
    return org1Peer(material, self, Optional.of(ByteString.copyFrom(Ecdsa.sha256(
        Pem.readCertificate(otherTls.resolve("server.crt")).getEncoded()))), true);
  }

  /** Org1's peer {@code self} of Hearsay's generated material, which opens a stream and never says who it is. */
  static RogueGossipClient silent(CryptoMaterial material, int self) throws Exception {
    return org1Peer(material, self, Optional.empty(), false);
  }

  /** Org1's peer {@code self} of Hearsay's generated material, with its identity and TLS key. */
  private static RogueGossipClient org1Peer(CryptoMaterial material, int self, Optional<ByteString> claimedTlsHash,
      boolean introduces) throws Exception {
    CryptoMaterial.Org org = material.org("Org1MSP");
    Path tls = material.nodeDir(org, org.nodes().get(self)).resolve("tls");
    return of(material.signingIdentity(org, org.nodes().get(self)),
        new PemTls.KeyPair(tls.resolve("server.crt"), tls.resolve("server.key")),
        Pem.certificates(Files.readAllBytes(tls.resolve("ca.crt"))), claimedTlsHash, introduces);
  }

  /** Where its own gossip service listens (what its alive message may announce). */
  public Endpoint endpoint() {
    return links.endpoint();
  }

  public void dial(Endpoint target) {
    links.dial(target);
  }

  /** Whether the stream is open and the target answered (its ConnEstablish came). */
  public boolean bound() {
    return stream.get() != null && answered.get() && !closed.get();
  }

  /** Signs {@code message} as this client and sends it on the open stream. */
  public void send(GossipMessage message) {
    stream.get().send(signer.sign(message).envelope());
  }

  /** Sends an envelope as it is. */
  public void send(Envelope envelope) {
    stream.get().send(envelope);
  }

  public boolean closed() {
    return closed.get();
  }

  @Override
  public void close() {
    links.close();
  }
}
