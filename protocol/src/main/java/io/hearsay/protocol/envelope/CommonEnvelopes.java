package io.hearsay.protocol.envelope;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.SigningIdentity;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;

/**
 * Fabric's signed {@code common.Envelope}, as clients send it to an orderer (transactions, deliver
 * requests): a payload with a channel header and a signature header naming its creator, signed by
 * the creator's key. Verifying one checks, in order, that it parses, that the creator is a valid
 * member of one of the given orgs, and that the signature is the creator's.
 */
public final class CommonEnvelopes {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A verified envelope: who signed it, for which channel, carrying what. */
  public record Signed(ChannelHeader channelHeader, PeerIdentity creator, Payload payload) {}

  private CommonEnvelopes() {}

  /** Signs {@code data} as a {@code type} envelope on {@code channel} by {@code creator}. */
  public static Envelope sign(SigningIdentity creator, String channel, HeaderType type, ByteString data) {
    return sign(creator, channel, type, data, nonce());
  }

  /** As {@link #sign(SigningIdentity, String, HeaderType, ByteString)}, with the nonce given. */
  public static Envelope sign(SigningIdentity creator, String channel, HeaderType type, ByteString data, byte[] nonce) {
    return sign(creator, channel, type, data, nonce, ByteString.EMPTY);
  }

  /**
   * As {@link #sign(SigningIdentity, String, HeaderType, ByteString, byte[])}, bound to the TLS
   * session: the channel header's {@code tls_cert_hash} is SHA-256 of the client certificate the
   * signer presents (Fabric's orderer checks it when it requires mutual TLS); empty for none.
   */
  public static Envelope sign(SigningIdentity creator, String channel, HeaderType type, ByteString data, byte[] nonce,
      ByteString tlsCertHash) {
    SignatureHeader signatureHeader = SignatureHeader.newBuilder()
        .setCreator(creator.identity().serialized())
        .setNonce(ByteString.copyFrom(nonce))
        .build();
    Instant now = Instant.now();
    ChannelHeader channelHeader = ChannelHeader.newBuilder()
        .setType(type.getNumber())
        .setChannelId(channel)
        .setTxId(txId(nonce, creator.identity().serialized()))
        .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setTlsCertHash(tlsCertHash)
        .build();
    Payload payload = Payload.newBuilder()
        .setHeader(Header.newBuilder()
            .setChannelHeader(channelHeader.toByteString())
            .setSignatureHeader(signatureHeader.toByteString()))
        .setData(data)
        .build();
    return Envelope.newBuilder()
        .setPayload(payload.toByteString())
        .setSignature(ByteString.copyFrom(creator.sign(payload.toByteArray())))
        .build();
  }

  /** Fabric's transaction id: hex of SHA-256(nonce ‖ serialized creator). */
  public static String txId(byte[] nonce, ByteString serializedCreator) {
    var digest = Ecdsa.sha256();
    digest.update(nonce);
    digest.update(serializedCreator.toByteArray());
    return HexFormat.of().formatHex(digest.digest());
  }

  /** 24 random bytes, Fabric's nonce size. */
  public static byte[] nonce() {
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** The channel an envelope names, without verifying anything (to route it). */
  public static Verdict<ChannelHeader> channelHeader(Envelope envelope) {
    try {
      Payload payload = Payload.parseFrom(envelope.getPayload());
      return Verdict.accept(ChannelHeader.parseFrom(payload.getHeader().getChannelHeader()));
    } catch (InvalidProtocolBufferException e) {
      return Verdict.reject(RejectionReason.MALFORMED_PAYLOAD, "envelope payload does not parse: %s", e.getMessage());
    }
  }

  /** Verifies an envelope signed by a member of one of {@code orgs}. */
  public static Verdict<Signed> verify(Envelope envelope, MspRegistry orgs, Instant now) {
    Payload payload;
    ChannelHeader channelHeader;
    SignatureHeader signatureHeader;
    try {
      payload = Payload.parseFrom(envelope.getPayload());
      channelHeader = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
      signatureHeader = SignatureHeader.parseFrom(payload.getHeader().getSignatureHeader());
    } catch (InvalidProtocolBufferException e) {
      return Verdict.reject(RejectionReason.MALFORMED_PAYLOAD, "envelope payload does not parse: %s", e.getMessage());
    }
    if (envelope.getSignature().isEmpty()) {
      return Verdict.reject(RejectionReason.MISSING_SIGNATURE, "envelope for channel %s is not signed",
          channelHeader.getChannelId());
    }
    return creatorSignature(signatureHeader.getCreator(), envelope.getPayload().toByteArray(),
        envelope.getSignature().toByteArray(), orgs, now)
        .then(creator -> Verdict.accept(new Signed(channelHeader, creator, payload)));
  }

  /** Checks that {@code signature} over {@code signed} is by {@code serializedCreator}, a valid member of {@code orgs}. */
  public static Verdict<PeerIdentity> creatorSignature(ByteString serializedCreator, byte[] signed, byte[] signature,
      MspRegistry orgs, Instant now) {
    return creatorSignature(serializedCreator, signed, signature, orgs, now, Ecdsa::verify);
  }

  /** As above, verifying the signature itself with {@code verifier} (one that remembers, say). */
  public static Verdict<PeerIdentity> creatorSignature(ByteString serializedCreator, byte[] signed, byte[] signature,
      MspRegistry orgs, Instant now, SignatureCheck verifier) {
    Verdict<PeerIdentity> creator = PeerIdentity.parse(serializedCreator);
    if (!creator.isAccepted()) {
      return creator;
    }
    var valid = orgs.validate(creator.value(), now);
    if (!valid.isAccepted()) {
      return Verdict.reject(valid.rejection());
    }
    return switch (verifier.verify(creator.value().verificationKey(), signed, signature)) {
      case VALID -> creator;
      case MALFORMED -> Verdict.reject(RejectionReason.MALFORMED_SIGNATURE, "signature by %s is not DER ECDSA", creator.value());
      case HIGH_S -> Verdict.reject(RejectionReason.NON_CANONICAL_SIGNATURE, "signature by %s has a high S", creator.value());
      case INVALID -> Verdict.reject(Rejection.of(RejectionReason.BAD_SIGNATURE, "signature is not by %s", creator.value()));
    };
  }

  /** An ECDSA check of a signature over a message. */
  @FunctionalInterface
  public interface SignatureCheck {
    Ecdsa.Check verify(ECPublicKeyParameters key, byte[] message, byte[] derSignature);
  }
}
