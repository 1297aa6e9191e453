package io.hearsay.runtime.membership;

import io.hearsay.protocol.identity.PkiId;
import io.hearsay.runtime.config.Endpoint;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * What a peer knows of another: its PKI-ID and org, the endpoint other orgs know it by (if it
 * has one), the internal endpoint (known only to peers of its own org), its latest PeerTime, and,
 * for a Hearsay peer that also speaks Fabric's gossip, the Artery address its alive message
 * announces.
 */
public record MemberInfo(PkiId pkiId, String mspId, Optional<Endpoint> externalEndpoint,
    Optional<Endpoint> internalEndpoint, PeerTime time, Optional<Endpoint> artery) {

  public MemberInfo(PkiId pkiId, String mspId, Optional<Endpoint> externalEndpoint, Optional<Endpoint> internalEndpoint,
      PeerTime time) {
    this(pkiId, mspId, externalEndpoint, internalEndpoint, time, Optional.empty());
  }

  /** The endpoint a peer of {@code viewerMspId} uses to reach this member, if it has one. */
  public Optional<Endpoint> endpointFor(String viewerMspId) {
    if (viewerMspId.equals(mspId) && internalEndpoint.isPresent()) {
      return internalEndpoint;
    }
    return externalEndpoint;
  }
}
