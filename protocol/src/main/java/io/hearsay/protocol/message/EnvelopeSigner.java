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
    return new SignedGossipMessage(envelope(message).build(), message, self.identity(),
        Optional.empty());
  }

  /** Signs the message and attaches the internal endpoint in a signed secret envelope. */
  public SignedGossipMessage sign(GossipMessage message, String internalEndpoint) {
    ByteString secret = Secret.newBuilder().setInternalEndpoint(internalEndpoint).build().toByteString();
    SecretEnvelope secretEnvelope = SecretEnvelope.newBuilder()
        .setPayload(secret)
        .setSignature(ByteString.copyFrom(self.sign(secret.toByteArray())))
        .build();
    Envelope envelope = envelope(message).setSecretEnvelope(secretEnvelope).build();
    return new SignedGossipMessage(envelope, message, self.identity(), Optional.of(internalEndpoint));
  }

  private Envelope.Builder envelope(GossipMessage message) {
    ByteString payload = message.toByteString();
    return Envelope.newBuilder()
        .setPayload(payload)
        .setSignature(ByteString.copyFrom(self.sign(payload.toByteArray())));
  }
}
