package io.hearsay.protocol.message;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.SigningIdentity;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.Secret;
import org.hyperledger.fabric.protos.gossip.SecretEnvelope;

/**
 * Signs gossip messages as Fabric does: the envelope's payload is the marshalled
 * {@code GossipMessage} and its signature is ECDSA over SHA-256 of exactly those bytes. An
 * internal endpoint travels in a separately signed {@code SecretEnvelope}.
 *
 * <p>Like Fabric, only what names its author is signed when made ({@link #envelope}); the rest
 * (blocks, pull, state transfer: what a channel sends) leaves unsigned, Fabric's
 * {@code NoopSign}, and the link it goes over authenticates it: the TLS-bound session of Fabric's
 * gossip, or a per-link MAC between Hearsay peers ({@code LinkMacs}), or else a signature added
 * when it is sent ({@link #sign(Envelope)}).
 */
public final class EnvelopeSigner {

  private final SigningIdentity self;

  public EnvelopeSigner(SigningIdentity self) {
    this.self = self;
  }

  public SigningIdentity self() {
    return self;
  }

  public SignedGossipMessage sign(GossipMessage message) {
    return new SignedGossipMessage(signedEnvelope(message).build(), message, self.identity(),
        Optional.empty());
  }

  /**
   * The envelope Fabric would send for {@code message}: signed when the message names its author
   * ({@link GossipMessages#namesItsAuthor}), since it is forwarded as it is; otherwise unsigned
   * ({@link #noopSign}), for the link to authenticate.
   */
  public Envelope envelope(GossipMessage message) {
    return GossipMessages.namesItsAuthor(message.getContentCase()) ? sign(message).envelope() : noopSign(message);
  }

  /** Fabric's {@code NoopSign}: the message as an envelope's payload, with no signature. */
  public static Envelope noopSign(GossipMessage message) {
    return Envelope.newBuilder().setPayload(message.toByteString()).build();
  }

  /** Whether the envelope carries no signature of any kind: it relies on its link. */
  public static boolean isNoopSigned(Envelope envelope) {
    return envelope.getSignature().isEmpty() && !envelope.hasSecretEnvelope();
  }

  /** {@code envelope} with this peer's signature over its payload, for a link that does not authenticate it. */
  public Envelope sign(Envelope envelope) {
    return envelope.toBuilder()
        .setSignature(ByteString.copyFrom(self.sign(envelope.getPayload().toByteArray())))
        .build();
  }

  /** Signs the message and attaches the internal endpoint in a signed secret envelope. */
  public SignedGossipMessage sign(GossipMessage message, String internalEndpoint) {
    ByteString secret = Secret.newBuilder().setInternalEndpoint(internalEndpoint).build().toByteString();
    SecretEnvelope secretEnvelope = SecretEnvelope.newBuilder()
        .setPayload(secret)
        .setSignature(ByteString.copyFrom(self.sign(secret.toByteArray())))
        .build();
    Envelope envelope = signedEnvelope(message).setSecretEnvelope(secretEnvelope).build();
    return new SignedGossipMessage(envelope, message, self.identity(), Optional.of(internalEndpoint));
  }

  private Envelope.Builder signedEnvelope(GossipMessage message) {
    ByteString payload = message.toByteString();
    return Envelope.newBuilder()
        .setPayload(payload)
        .setSignature(ByteString.copyFrom(self.sign(payload.toByteArray())));
  }
}
