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
 *
 * <p>MSPs are scoped as Fabric's: the local MSPs are the ones the node's config names; each joined
 * channel has the MSPs its config block defines, which decide alone who is who in that channel
 * ({@link #validInChannel}). An identity is known to the peer (alive messages, membership) when it
 * is valid under the local MSP of its org or under that org's MSP in any joined channel, as
 * Fabric's gossip accepts an identity valid in any channel. Joining a channel never changes how
 * identities validate in another channel.
 */
public final class IdentityMapper {

  private record Known(PeerIdentity identity, Msp.ValidityWindow window) {}

  private final MspRegistry msps;
  private final Map<PkiId, Known> known = new ConcurrentHashMap<>();
  private final Map<String, MspRegistry> channels = new ConcurrentHashMap<>();
  /** Identities validated in a channel, per channel. */
  private final Map<String, Map<PkiId, Msp.ValidityWindow>> validInChannels = new ConcurrentHashMap<>();

  public IdentityMapper(MspRegistry msps) {
    this.msps = msps;
  }

  /** The local MSPs: the orgs the node's own config names. */
  public MspRegistry msps() {
    return msps;
  }

  /** The channel's config defines these MSPs; they decide alone who is who in that channel. */
  public void channelMsps(String channel, MspRegistry channelMsps) {
    channels.put(channel, channelMsps);
    validInChannels.remove(channel);
  }

  /** The MSPs a joined channel's config defines, if it is joined. */
  public Optional<MspRegistry> channelMsps(String channel) {
    return Optional.ofNullable(channels.get(channel));
  }

  /**
   * Whether {@code identity} is valid in {@code channel} by that channel's own MSPs (the chain is
   * verified once per channel; dates at every call). Empty when valid, else why not. A channel
   * whose MSPs were never given (a channel actor driven without a router: the simulator, tests)
   * takes the local MSPs.
   */
  public Optional<Rejection> validInChannel(String channel, PeerIdentity identity, Instant now) {
    MspRegistry channelMsps = channels.getOrDefault(channel, msps);
    Map<PkiId, Msp.ValidityWindow> valid = validInChannels.computeIfAbsent(channel, c -> new ConcurrentHashMap<>());
    Msp.ValidityWindow window = valid.get(identity.pkiId());
    if (window == null) {
      Verdict<Msp.ValidityWindow> verdict = channelMsps.validate(identity, now);
      if (!verdict.isAccepted()) {
        return Optional.of(Rejection.of(verdict.rejection().reason(), "in channel %s: %s", channel,
            verdict.rejection().detail()));
      }
      window = verdict.value();
      valid.put(identity.pkiId(), window);
    }
    return window.check(now);
  }

  /** Valid under the org's local MSP, or else under the org's MSP in any joined channel. */
  private Verdict<Msp.ValidityWindow> validate(PeerIdentity identity, Instant now) {
    Verdict<Msp.ValidityWindow> local = msps.validate(identity, now);
    if (local.isAccepted()) {
      return local;
    }
    Verdict<Msp.ValidityWindow> first = null;
    for (MspRegistry channel : channels.values()) {
      if (channel.get(identity.mspId()).isEmpty()) {
        continue;
      }
      Verdict<Msp.ValidityWindow> verdict = channel.validate(identity, now);
      if (verdict.isAccepted()) {
        return verdict;
      }
      first = first == null ? verdict : first;
    }
    // The local MSP's refusal says most when the org is configured locally; else a channel's.
    return msps.get(identity.mspId()).isPresent() || first == null ? local : first;
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
    return validate(identity, now).then(window -> {
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
