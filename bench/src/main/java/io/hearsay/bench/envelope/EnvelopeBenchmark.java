package io.hearsay.bench.envelope;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.cryptogen.CertificateAuthority;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.comm.GossipFrames;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Envelope signing and verification against the raw ECDSA verify of the same payload bytes, in
 * one run: Hearsay's envelope path should cost little more than the signature check itself.
 *
 * <p>Baselines: {@code rawBcLightweight} is the primitive the envelope path uses (Bouncy Castle's
 * ECDSASigner on its custom P-256 curve, decoded key reused); {@code rawBcJca} and {@code rawJdk}
 * are {@code SHA256withECDSA} through the JCA with the Bouncy Castle and the JDK's SunEC provider.
 *
 * <p>One hop of a block message between two Hearsay peers, both ends: {@code blockHopSigned} signs
 * the envelope and verifies it from its bytes at the receiver (how every block hop went before
 * link MACs, and how one goes before its link is bound); {@code blockHopLinkTagged} tags it with
 * the link's MAC and checks it there ({@link GossipFrames}). The block messages (10 KiB of block
 * each, like the dissemination bench's) cycle, so neither end reuses a digest.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EnvelopeBenchmark {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private EnvelopeSigner signer;
  private EnvelopeVerifier verifier;
  private GossipMessage stateInfo;
  private Envelope stateInfoEnvelope;
  private byte[] stateInfoBytes;
  private Envelope aliveEnvelope;
  private ECPublicKeyParameters lightweightKey;
  private Signature bcJca;
  private Signature jdk;
  private Instant now;
  /** More distinct envelopes than the verifier remembers, so each verify in a cycle is a real one. */
  private byte[][] freshEnvelopes;
  private byte[][] freshPayloads;
  private byte[][] freshSignatures;
  private int next;
  private int nextRaw;
  private Envelope[] blockMessages;
  private int nextBlock;
  private GossipFrames sender;
  private GossipFrames receiver;
  private SigningIdentity self;
  private SigningIdentity peer;

  @Setup
  public void setUp() throws Exception {
    now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create("ca.bench.org", "bench.org",
        now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    KeyPair keys = CertificateAuthority.newKeyPair();
    var cert = ca.issueSigningCertificate("peer0.bench.org", "peer", keys.getPublic(),
        now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    self = SigningIdentity.of("BenchMSP", cert, keys.getPrivate());
    signer = new EnvelopeSigner(self);
    IdentityMapper identities = new IdentityMapper(MspRegistry.of(new Msp("BenchMSP", List.of(ca.certificate()))));
    verifier = new EnvelopeVerifier(identities, 1 << 20);

    stateInfo = GossipMessages.stateInfo(self.pkiId(), "mychannel", PeerTimes.of(1, 1), 42);
    stateInfoEnvelope = signer.sign(stateInfo).envelope();
    stateInfoBytes = stateInfoEnvelope.toByteArray();
    aliveEnvelope = signer.sign(GossipMessages.alive(self.identity(), "peer0.bench.org:7051",
        PeerTimes.of(1, 1), ByteString.EMPTY)).envelope();
    // The alive message teaches the verifier the identity, as it does on a live peer.
    Verdict<SignedGossipMessage> first = verifier.verify(aliveEnvelope, Optional.empty(), now);
    if (!first.isAccepted()) {
      throw new IllegalStateException(first.rejection().toString());
    }

    freshEnvelopes = new byte[10_000][];
    freshPayloads = new byte[freshEnvelopes.length][];
    freshSignatures = new byte[freshEnvelopes.length][];
    for (int i = 0; i < freshEnvelopes.length; i++) {
      Envelope envelope = signer.sign(GossipMessages.stateInfo(self.pkiId(), "mychannel", PeerTimes.of(1, 2 + i), i))
          .envelope();
      freshEnvelopes[i] = envelope.toByteArray();
      freshPayloads[i] = envelope.getPayload().toByteArray();
      freshSignatures[i] = envelope.getSignature().toByteArray();
    }

    KeyPair peerKeys = CertificateAuthority.newKeyPair();
    peer = SigningIdentity.of("BenchMSP", ca.issueSigningCertificate("peer1.bench.org", "peer", peerKeys.getPublic(),
        now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))), peerKeys.getPrivate());
    EnvelopeVerifier peerVerifier = new EnvelopeVerifier(identities, 1 << 20);
    identities.learn(peer.identity(), now);
    sender = new GossipFrames(signer, verifier);
    receiver = new GossipFrames(new EnvelopeSigner(peer), peerVerifier);
    blockMessages = new Envelope[64];
    byte[] block = new byte[10 * 1024];
    for (int i = 0; i < blockMessages.length; i++) {
      block[0] = (byte) i;
      blockMessages[i] =
          EnvelopeSigner.noopSign(GossipMessages.dataMessage("mychannel", i, ByteString.copyFrom(block)));
    }

    PublicKey publicKey = cert.getPublicKey();
    lightweightKey = Ecdsa.publicKeyParameters(publicKey);
    bcJca = Signature.getInstance("SHA256withECDSA", BC);
    bcJca.initVerify(publicKey);
    jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
    jdk.initVerify(publicKey);
  }

  @Benchmark
  public SignedGossipMessage sign() {
    return signer.sign(stateInfo);
  }

  /**
   * The envelope path on envelopes never seen before, from the bytes that arrive off the wire:
   * parse, tag and signer checks, signature verify. This is the figure to compare with raw verify.
   */
  @Benchmark
  public Verdict<SignedGossipMessage> verifyFreshEnvelopeFromBytes() {
    byte[] envelope = freshEnvelopes[next];
    next = (next + 1) % freshEnvelopes.length;
    return verifier.verify(envelope, Optional.empty(), now);
  }

  /** An envelope seen again (gossip forwards): recognised without a new signature check. */
  @Benchmark
  public Verdict<SignedGossipMessage> verifyRepeatedEnvelope() {
    return verifier.verify(stateInfoEnvelope, Optional.empty(), now);
  }

  /** A repeated envelope from the bytes (parse + recognise). */
  @Benchmark
  public Verdict<SignedGossipMessage> verifyRepeatedEnvelopeFromBytes() {
    return verifier.verify(stateInfoBytes, Optional.empty(), now);
  }

  /** An alive message carries its identity: the mapper recognises the bytes it already knows. */
  @Benchmark
  public Verdict<SignedGossipMessage> verifyRepeatedAliveEnvelope() {
    return verifier.verify(aliveEnvelope, Optional.empty(), now);
  }

  private Envelope nextBlockMessage() {
    Envelope envelope = blockMessages[nextBlock];
    nextBlock = (nextBlock + 1) % blockMessages.length;
    return envelope;
  }

  /** A block message's hop with a signature: signed by the sender, verified from its bytes by the receiver. */
  @Benchmark
  public Verdict<SignedGossipMessage> blockHopSigned() {
    return receiver.verify(sender.frame(null, Optional.empty(), nextBlockMessage()), self.identity(), now);
  }

  /** The same hop over a bound link: tagged with the link's MAC, checked by the receiver. */
  @Benchmark
  public Verdict<SignedGossipMessage> blockHopLinkTagged() {
    return receiver.verify(sender.frame(null, Optional.of(peer.identity()), nextBlockMessage()), self.identity(), now);
  }

  /** Raw verifies cycle through the same payloads and signatures as the fresh envelope path. */
  private int rawIndex() {
    int i = nextRaw;
    nextRaw = (nextRaw + 1) % freshPayloads.length;
    return i;
  }

  @Benchmark
  public Ecdsa.Check rawBcLightweightVerify() {
    int i = rawIndex();
    return Ecdsa.verify(lightweightKey, freshPayloads[i], freshSignatures[i]);
  }

  @Benchmark
  public boolean rawBcJcaVerify() throws Exception {
    int i = rawIndex();
    bcJca.update(freshPayloads[i]);
    return bcJca.verify(freshSignatures[i]);
  }

  @Benchmark
  public boolean rawJdkVerify() throws Exception {
    int i = rawIndex();
    jdk.update(freshPayloads[i]);
    return jdk.verify(freshSignatures[i]);
  }
}
