package io.hearsay.protocol.message;

import io.hearsay.protocol.identity.PeerIdentity;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * A gossip message whose envelope signature has been made or verified: the envelope exactly as it
 * travels, the parsed message, who signed it, and the internal endpoint from its secret envelope
 * when it carried one. Only {@link EnvelopeSigner} and {@link EnvelopeVerifier} create these, so
 * holding one means the signature is good.
 */
public final class SignedGossipMessage {

  private final Envelope envelope;
  private final GossipMessage message;
  private final PeerIdentity signer;
  private final Optional<String> internalEndpoint;

  SignedGossipMessage(Envelope envelope, GossipMessage message, PeerIdentity signer,
      Optional<String> internalEndpoint) {
    this.envelope = envelope;
    this.message = message;
    this.signer = signer;
    this.internalEndpoint = internalEndpoint;
  }

  public Envelope envelope() {
    return envelope;
  }

  public GossipMessage message() {
    return message;
  }

  public PeerIdentity signer() {
    return signer;
  }

  /** The signer's internal endpoint; present only in envelopes meant for the signer's own org. */
  public Optional<String> internalEndpoint() {
    return internalEndpoint;
  }

  /**
   * The envelope without its secret envelope, for sending to another org: Fabric never lets an
   * internal endpoint leave the org. The signature covers only the payload, so it stays valid.
   */
  public Envelope envelopeWithoutSecret() {
    return envelope.hasSecretEnvelope() ? envelope.toBuilder().clearSecretEnvelope().build() : envelope;
  }

  @Override
  public String toString() {
    return message.getContentCase() + " signed by " + signer.pkiId();
  }
}
