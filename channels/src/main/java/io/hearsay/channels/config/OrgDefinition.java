package io.hearsay.channels.config;

import io.hearsay.protocol.identity.Msp;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One org of a channel config: its config group name, its MSP id, its X.509 MSP (empty for an
 * idemix MSP, which Hearsay cannot validate: such an org's peers cannot join), its anchor peers,
 * and the CAs of its TLS certificates (the MSP's {@code tls_root_certs} and
 * {@code tls_intermediate_certs}: how a peer trusts the orderers of an orderer org, as Fabric's
 * deliver client does).
 */
public record OrgDefinition(String name, String mspId, Optional<Msp> msp, List<AnchorPeer> anchorPeers,
    List<X509Certificate> tlsCas) {

  public OrgDefinition {
    anchorPeers = List.copyOf(anchorPeers);
    tlsCas = List.copyOf(tlsCas);
  }
}
