package io.hearsay.protocol.crypto;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates the messages on a link between two Hearsay peers with a MAC instead of an ECDSA
 * signature each, for what Fabric itself sends unsigned on an authenticated stream and a
 * channel sends this way (blocks, IHAVEs, pull and state-transfer messages, StateInfo snapshots
 * and pull requests: Fabric's {@code NoopSign}).
 *
 * <pre>
 * secret(A, B) = ECDH(A's signing key, B's certified key) = ECDH(B's, A's)      once per peer
 * key(A → B)   = HMAC-SHA256(secret(A, B), "hearsay link v1" ‖ PKI-ID(A) ‖ PKI-ID(B))
 * tag(A → B, m) = HMAC-SHA256(key(A → B), SHA-256(m))          m: the envelope's bytes as sent
 * check(tag)   = the tag recomputed, compared in constant time
 * </pre>
 *
 * Why it authenticates as a signature does: only A and B can compute {@code secret(A, B)} (it
 * needs one of their private keys), and B's key is the one in the certificate its org's MSP
 * validated; so a tag that checks at B with A's key came from A. The key differs per direction, so
 * a frame of A's to B does not check as B's to A. What a MAC cannot do, a third peer checking it,
 * is why messages forwarded as they are (alive, StateInfo, leadership, identities) keep their
 * signatures; a replay of a frame is no easier than of a signed envelope (neither binds a nonce)
 * and the receiver's staleness checks apply to both. Cost: two hashes per message at each end
 * against an ECDSA sign and verify; one ECDH per peer the link reaches.
 *
 * <p>Not thread-safe: one per actor that sends or receives.
 */
public final class LinkMacs {

  public static final int TAG_BYTES = 32;
  private static final int KEYS = 4096;
  private static final byte[] LABEL = "hearsay link v1".getBytes(StandardCharsets.US_ASCII);

  private record Keys(Mac toPeer, Mac fromPeer) {}

  private final SigningIdentity self;
  private final Map<PkiId, Keys> keys = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PkiId, Keys> eldest) {
      return size() > KEYS;
    }
  };

  public LinkMacs(SigningIdentity self) {
    this.self = self;
  }

  /** SHA-256 of the bytes a tag covers: once per message, however many links it goes over. */
  public static byte[] digest(ByteString bytes) {
    return Ecdsa.sha256(bytes);
  }

  /** The tag for a message of {@link #digest} {@code digest} sent to {@code to}. */
  public byte[] tag(PeerIdentity to, byte[] digest) {
    return keys(to).toPeer().doFinal(digest);
  }

  /** Whether {@code tag} is the one {@code from} makes for a message of {@code digest} to this peer. */
  public boolean checks(PeerIdentity from, byte[] digest, byte[] tag) {
    return tag.length == TAG_BYTES && MessageDigest.isEqual(keys(from).fromPeer().doFinal(digest), tag);
  }

  private Keys keys(PeerIdentity peer) {
    return keys.computeIfAbsent(peer.pkiId(), id -> {
      byte[] secret = self.agree(peer.verificationKey());
      return new Keys(mac(secret, self.pkiId(), id), mac(secret, id, self.pkiId()));
    });
  }

  private static Mac mac(byte[] secret, PkiId from, PkiId to) {
    try {
      Mac derive = Mac.getInstance("HmacSHA256");
      derive.init(new SecretKeySpec(secret, "HmacSHA256"));
      derive.update(LABEL);
      derive.update(from.bytes().toByteArray());
      derive.update(to.bytes().toByteArray());
      Mac link = Mac.getInstance("HmacSHA256");
      link.init(new SecretKeySpec(derive.doFinal(), "HmacSHA256"));
      return link;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
