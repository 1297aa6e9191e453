package io.hearsay.protocol.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;

/**
 * PKI-ID → validated identity, as Fabric's identity mapper. An identity is parsed and its chain
 * verified once; afterwards only its validity dates are re-checked, so an identity that expires
 * while known is refused (and forgotten) from then on.
 */
public final class IdentityMapper {

  private record Known(PeerIdentity identity, Msp.ValidityWindow window) {}

  private final MspRegistry msps;
  private final Map<PkiId, Known> known = new ConcurrentHashMap<>();

  public IdentityMapper(MspRegistry msps) {
    this.msps = msps;
  }

  public MspRegistry msps() {
    return msps;
  }

  /**
   * Parses, validates and remembers serialized identity bytes (e.g. from an alive message). An
   * identity already known with the same bytes costs a hash, not a certificate parse.
   */
  public Verdict<PeerIdentity> learn(ByteString serializedIdentity, Instant now) {
    Known cached = knownWithBytes(serializedIdentity);
    if (cached != null) {
      return checkDates(cached, now);
    }
    Verdict<PeerIdentity> parsed = PeerIdentity.parse(serializedIdentity);
    return parsed.isAccepted() ? learn(parsed.value(), now) : parsed;
  }

  private Known knownWithBytes(ByteString serializedIdentity) {
    try {
      SerializedIdentity sid = SerializedIdentity.parseFrom(serializedIdentity);
      Known cached = known.get(PkiId.of(sid.getMspid(), sid.getIdBytes()));
      return cached != null && cached.identity().serialized().equals(serializedIdentity) ? cached : null;
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /** Validates and remembers an already parsed identity. */
  public Verdict<PeerIdentity> learn(PeerIdentity identity, Instant now) {
    return msps.validate(identity, now).then(window -> {
      known.put(identity.pkiId(), new Known(identity, window));
      return Verdict.accept(identity);
    });
  }

  /** The identity known for a PKI-ID, if it is still within its validity dates. */
  public Verdict<PeerIdentity> get(PkiId pkiId, Instant now) {
    Known cached = known.get(pkiId);
    if (cached == null) {
      return Verdict.reject(RejectionReason.UNKNOWN_SIGNER, "no identity known for PKI-ID %s", pkiId.hex());
    }
    return checkDates(cached, now);
  }

  public Optional<PeerIdentity> find(PkiId pkiId) {
    return Optional.ofNullable(known.get(pkiId)).map(Known::identity);
  }

  /** Forgets every identity whose chain has expired; returns how many were dropped. */
  public int purgeExpired(Instant now) {
    int before = known.size();
    known.values().removeIf(k -> k.window().check(now).isPresent());
    return before - known.size();
  }

  public int size() {
    return known.size();
  }

  private Verdict<PeerIdentity> checkDates(Known cached, Instant now) {
    Optional<Rejection> dates = cached.window().check(now);
    if (dates.isPresent()) {
      known.remove(cached.identity().pkiId(), cached);
      return Verdict.reject(dates.get());
    }
    return Verdict.accept(cached.identity());
  }
}
