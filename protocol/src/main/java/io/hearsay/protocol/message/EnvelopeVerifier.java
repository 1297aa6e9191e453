package io.hearsay.protocol.message;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.GossipMessage.ContentCase;
import org.hyperledger.fabric.protos.gossip.Secret;

/**
 * Verifies inbound envelopes before anything else looks at them. In order, cheapest first:
 *
 * <ol>
 *   <li>the payload is present and within {@code maxPayloadBytes};
 *   <li>it parses as a {@code GossipMessage} Hearsay carries, with the tag Fabric requires;
 *   <li>the signer is found: messages that carry an identity (alive, ConnEstablish, peer identity)
 *       have it validated by the org's MSP and its PKI-ID must be the one the message claims;
 *       messages that name a PKI-ID (state info, leadership) are checked against the identity
 *       known for it; all others against the identity of the transport-level sender;
 *   <li>the signature is DER, low-S and verifies over the payload with the signer's key;
 *   <li>a secret envelope, when present, verifies with the same key and holds a {@code Secret}.
 * </ol>
 *
 * Every failure is a {@link Rejection} with a distinct reason; nothing here throws on bad input.
 *
 * <p>Fabric signs only the messages that name their author (alive, StateInfo, leadership, peer
 * identity, ConnEstablish); the rest (blocks, pull, membership and state-transfer requests and
 * responses) it sends unsigned on a stream whose peer its handshake authenticated, bound to the
 * TLS session. {@link #verifyFromSession} accepts such unsigned messages as the session peer's;
 * a signature, when present, is still checked, but for a forwarded block's (see
 * {@link #verifyFromAuthenticated}). Over Artery, where a frame cannot be tied to its
 * TLS session, every message must be signed.
 *
 * <p>Gossip delivers the same envelope many times (every forward of an alive message, every
 * membership response that carries it). Signature checks dominate CPU, so the envelopes of
 * messages that name their author (alive, StateInfo, leadership, identity: those forwarded as
 * they are) that verified recently are remembered by their signature and accepted again without a
 * new check, as long as the bytes are identical and the signer's certificate is still valid. Only
 * envelopes up to 64 KiB are remembered, so the cache stays small whatever the block size.
 */
public final class EnvelopeVerifier {

  private static final int RECENTLY_VERIFIED = 8192;
  /**
   * Envelopes larger than this are not remembered: the cache is bounded by count, and blocks
   * (up to 10 MB, each pull response a new envelope) would make that bound gigabytes. The
   * duplicates it saves work on are small: alive messages, StateInfo, leadership.
   */
  private static final int LARGEST_REMEMBERED = 64 * 1024;

  private final IdentityMapper identities;
  private final int maxPayloadBytes;
  private final Map<ByteString, SignedGossipMessage> recentlyVerified =
      new LinkedHashMap<>(RECENTLY_VERIFIED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, SignedGossipMessage> eldest) {
          return size() > RECENTLY_VERIFIED;
        }
      };

  public EnvelopeVerifier(IdentityMapper identities, int maxPayloadBytes) {
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException("maxPayloadBytes must be positive: " + maxPayloadBytes);
    }
    this.identities = identities;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public IdentityMapper identities() {
    return identities;
  }

  /** Parses and verifies envelope bytes as they arrive from the network. */
  public Verdict<SignedGossipMessage> verify(byte[] envelopeBytes, Optional<PkiId> transportSender,
      Instant now) {
    return envelope(envelopeBytes).then(envelope -> verify(envelope, transportSender, now));
  }

  /**
   * Verifies envelope bytes from a stream whose peer {@code sessionPeer} was authenticated by a
   * handshake bound to its TLS session (Fabric's gossip over gRPC): a message that names no author
   * may come unsigned, as Fabric sends it, and is then the session peer's.
   */
  public Verdict<SignedGossipMessage> verifyFromSession(byte[] envelopeBytes, PkiId sessionPeer, Instant now) {
    return envelope(envelopeBytes).then(envelope -> verifyFromAuthenticated(envelope, sessionPeer, now));
  }

  private static Verdict<Envelope> envelope(byte[] bytes) {
    try {
      return Verdict.accept(Envelope.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      return Verdict.reject(RejectionReason.MALFORMED_ENVELOPE, "%d bytes: %s", bytes.length, e.getMessage());
    }
  }

  /**
   * Verifies an envelope whose sender {@code sender} is already authenticated: by its session, or
   * by the verified message that encloses this one (the block messages of a pull response, which
   * Fabric leaves unsigned). A message that names no author may then come unsigned; one that
   * names its author must be signed by it; a signature present is checked, but for a block's.
   *
   * <p>A block message is the sender's whatever its signature: Fabric forwards block messages with
   * the envelope it received, signed by whichever peer first sent it (a Hearsay peer signs its
   * own), and never checks that signature. What makes a block trustworthy is its orderer's
   * signature, which every block is checked for before anything takes it.
   */
  public Verdict<SignedGossipMessage> verifyFromAuthenticated(Envelope envelope, PkiId sender, Instant now) {
    boolean signed = !envelope.getSignature().isEmpty() || envelope.hasSecretEnvelope();
    Optional<PkiId> from = Optional.of(sender);
    Optional<Verdict<SignedGossipMessage>> known = signed ? remembered(envelope, now) : Optional.empty();
    if (known.isPresent()) {
      return known.get();
    }
    return parse(envelope).then(message -> {
      if (message.getContentCase() != ContentCase.DATA_MSG && signed) {
        return verifyParsed(envelope, message, from, now);
      }
      if (GossipMessages.namesItsAuthor(message.getContentCase())) {
        return Verdict.reject(RejectionReason.MISSING_SIGNATURE, "unsigned %s names its author: it must be signed",
            message.getContentCase());
      }
      return identities.get(sender, now)
          .then(peer -> Verdict.accept(new SignedGossipMessage(envelope, message, peer, Optional.empty())));
    });
  }

  /**
   * Verifies an envelope. {@code transportSender} is the PKI-ID the connection is bound to; it is
   * needed only for messages that neither carry nor name their signer.
   */
  public Verdict<SignedGossipMessage> verify(Envelope envelope, Optional<PkiId> transportSender,
      Instant now) {
    return remembered(envelope, now)
        .orElseGet(() -> parse(envelope).then(message -> verifyParsed(envelope, message, transportSender, now)));
  }

  /**
   * The verdict for an envelope that verified recently, while its signer is still valid. Only
   * messages that name their signer are remembered, so whoever forwards it, it is the signer's.
   */
  private Optional<Verdict<SignedGossipMessage>> remembered(Envelope envelope, Instant now) {
    SignedGossipMessage known = recentlyVerified(envelope);
    if (known == null) {
      return Optional.empty();
    }
    Verdict<PeerIdentity> signer = identities.get(known.signer().pkiId(), now);
    return Optional.of(signer.isAccepted() ? Verdict.accept(known) : Verdict.reject(signer.rejection()));
  }

  /** Signer and signatures of a parsed envelope; an envelope that verifies is remembered. */
  private Verdict<SignedGossipMessage> verifyParsed(Envelope envelope, GossipMessage message,
      Optional<PkiId> transportSender, Instant now) {
    Verdict<SignedGossipMessage> verdict = signerOf(message, transportSender, now)
        .then(signer -> checkSignatures(envelope, message, signer));
    // Only what travels by forwarding arrives again: a response (membership, StateInfo snapshot,
    // state transfer) is a new envelope every time: at 200 simulated peers the cache held 1 606
    // StateInfo snapshots, 150 MB, none of which ever came again.
    if (verdict.isAccepted() && GossipMessages.namesItsAuthor(message.getContentCase())
        && envelope.getPayload().size() <= LARGEST_REMEMBERED && !envelope.getSignature().isEmpty()) {
      synchronized (recentlyVerified) {
        recentlyVerified.put(envelope.getSignature(), verdict.value());
      }
    }
    return verdict;
  }

  private SignedGossipMessage recentlyVerified(Envelope envelope) {
    SignedGossipMessage known;
    synchronized (recentlyVerified) {
      known = recentlyVerified.get(envelope.getSignature());
    }
    return known != null && known.envelope().equals(envelope) ? known : null;
  }

  /** The payload as a GossipMessage Hearsay carries, within the size limit and with Fabric's tag. */
  private Verdict<GossipMessage> parse(Envelope envelope) {
    ByteString payload = envelope.getPayload();
    if (payload.isEmpty()) {
      return Verdict.reject(RejectionReason.EMPTY_PAYLOAD, "envelope has no payload");
    }
    if (payload.size() > maxPayloadBytes) {
      return Verdict.reject(RejectionReason.OVERSIZED_PAYLOAD, "payload of %d bytes exceeds the limit of %d",
          payload.size(), maxPayloadBytes);
    }
    GossipMessage message;
    try {
      message = GossipMessage.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      return Verdict.reject(RejectionReason.MALFORMED_PAYLOAD, "not a GossipMessage: %s", e.getMessage());
    }
    Optional<Rejection> tag = TagRules.check(message);
    if (tag.isPresent()) {
      return Verdict.reject(tag.get());
    }
    return Verdict.accept(message);
  }

  private Verdict<PeerIdentity> signerOf(GossipMessage message, Optional<PkiId> transportSender,
      Instant now) {
    return switch (message.getContentCase()) {
      case ALIVE_MSG -> {
        var alive = message.getAliveMsg();
        PkiId claimed = PkiId.fromBytes(alive.getMembership().getPkiId());
        // Fabric sends the identity only in a peer's first alive messages; later ones name it.
        yield alive.getIdentity().isEmpty()
            ? identities.get(claimed, now)
            : carried(alive.getIdentity(), claimed, now);
      }
      case CONN -> carried(message.getConn().getIdentity(),
          PkiId.fromBytes(message.getConn().getPkiId()), now);
      case PEER_IDENTITY -> carried(message.getPeerIdentity().getCert(),
          PkiId.fromBytes(message.getPeerIdentity().getPkiId()), now);
      case STATE_INFO -> identities.get(PkiId.fromBytes(message.getStateInfo().getPkiId()), now);
      case LEADERSHIP_MSG ->
          identities.get(PkiId.fromBytes(message.getLeadershipMsg().getPkiId()), now);
      default -> transportSender
          .map(sender -> identities.get(sender, now))
          .orElseGet(() -> Verdict.reject(RejectionReason.UNKNOWN_SIGNER,
              "%s names no signer and the transport gave none", message.getContentCase()));
    };
  }

  private Verdict<PeerIdentity> carried(ByteString serializedIdentity, PkiId claimed, Instant now) {
    return identities.learn(serializedIdentity, now).then(identity -> identity.pkiId().equals(claimed)
        ? Verdict.accept(identity)
        : Verdict.reject(RejectionReason.PKI_ID_MISMATCH,
            "message claims PKI-ID %s but its identity (org %s, subject %s) has PKI-ID %s",
            claimed.hex(), identity.mspId(), identity.subject(), identity.pkiId().hex()));
  }

  private Verdict<SignedGossipMessage> checkSignatures(Envelope envelope, GossipMessage message,
      PeerIdentity signer) {
    Optional<Rejection> main = signatureProblem(envelope.getPayload(), envelope.getSignature(),
        signer, RejectionReason.BAD_SIGNATURE);
    if (main.isPresent()) {
      return Verdict.reject(new Rejection(main.get().reason(), message.getContentCase() + ": " + main.get().detail()));
    }
    if (!envelope.hasSecretEnvelope()) {
      return Verdict.accept(new SignedGossipMessage(envelope, message, signer, Optional.empty()));
    }
    var secretEnvelope = envelope.getSecretEnvelope();
    Optional<Rejection> secretProblem = signatureProblem(secretEnvelope.getPayload(),
        secretEnvelope.getSignature(), signer, RejectionReason.BAD_SECRET_SIGNATURE);
    if (secretProblem.isPresent()) {
      return Verdict.reject(secretProblem.get());
    }
    try {
      Secret secret = Secret.parseFrom(secretEnvelope.getPayload());
      return Verdict.accept(new SignedGossipMessage(envelope, message, signer,
          Optional.of(secret.getInternalEndpoint())));
    } catch (InvalidProtocolBufferException e) {
      return Verdict.reject(RejectionReason.MALFORMED_SECRET, "secret envelope of %s: %s",
          signer, e.getMessage());
    }
  }

  private static Optional<Rejection> signatureProblem(ByteString signed, ByteString signature,
      PeerIdentity signer, RejectionReason whenInvalid) {
    if (signature.isEmpty()) {
      return Optional.of(Rejection.of(RejectionReason.MISSING_SIGNATURE,
          "unsigned envelope claiming signer %s", signer));
    }
    return switch (Ecdsa.verifyDigest(signer.verificationKey(), Ecdsa.sha256(signed), signature.toByteArray())) {
      case VALID -> Optional.empty();
      case MALFORMED -> Optional.of(Rejection.of(RejectionReason.MALFORMED_SIGNATURE,
          "signature of %d bytes claiming signer %s is not DER ECDSA", signature.size(), signer));
      case HIGH_S -> Optional.of(Rejection.of(RejectionReason.NON_CANONICAL_SIGNATURE,
          "signature claiming signer %s has a high S value", signer));
      case INVALID -> Optional.of(Rejection.of(whenInvalid,
          "signature does not verify with the key of %s", signer));
    };
  }
}
