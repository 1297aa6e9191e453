package io.hearsay.protocol.identity;

import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MSPs of the orgs a peer knows, by MSP id. Channel configs add orgs at run time, hence a
 * concurrent map.
 */
public final class MspRegistry {

  private final Map<String, Msp> byId = new ConcurrentHashMap<>();

  public MspRegistry(Collection<Msp> msps) {
    msps.forEach(this::add);
  }

  public static MspRegistry of(Msp... msps) {
    return new MspRegistry(List.of(msps));
  }

  public void add(Msp msp) {
    byId.put(msp.mspId(), msp);
  }

  public Optional<Msp> get(String mspId) {
    return Optional.ofNullable(byId.get(mspId));
  }

  /** Validates an identity against the MSP of the org it claims; an unknown org is refused. */
  public Verdict<Msp.ValidityWindow> validate(PeerIdentity identity, Instant now) {
    Msp msp = byId.get(identity.mspId());
    if (msp == null) {
      return Verdict.reject(RejectionReason.UNKNOWN_ORG,
          "org %s, subject %s: no MSP known for this org (known: %s)",
          identity.mspId(), identity.subject(), byId.keySet());
    }
    return msp.validate(identity, now);
  }
}
