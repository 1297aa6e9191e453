package io.hearsay.channels.config;

import io.hearsay.protocol.identity.Msp;
import java.util.List;
import java.util.Optional;

/**
 * One org of a channel config: its config group name, its MSP id, its X.509 MSP (empty for an
 * idemix MSP, which Hearsay cannot validate: such an org's peers cannot join), and its anchor peers.
 */
public record OrgDefinition(String name, String mspId, Optional<Msp> msp, List<AnchorPeer> anchorPeers) {

  public OrgDefinition {
    anchorPeers = List.copyOf(anchorPeers);
  }
}
