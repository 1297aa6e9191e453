package io.hearsay.runtime.membership;

import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.config.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * What this peer may show, and to whom, across org boundaries (Fabric discovery's
 * {@code DisclosurePolicy}: a sieve deciding whether a member's alive message may be shown at all,
 * and a filter deciding what of it):
 *
 * <pre>
 * to a peer of this peer's org     every alive message, with its secret envelope (internal endpoint)
 * to a peer of another org         nothing, unless this peer has an external endpoint; then the
 *                                  alive messages of that org's own peers and of peers with an
 *                                  external endpoint, never with a secret envelope
 * reaching a member                one of this peer's org at its internal endpoint; one of another
 *                                  org at its external endpoint, and only with an external one here
 * </pre>
 */
final class DisclosurePolicy {

  private final String mspId;
  private final boolean external;

  DisclosurePolicy(String mspId, boolean hasExternalEndpoint) {
    this.mspId = mspId;
    this.external = hasExternalEndpoint;
  }

  /** Whether this peer talks to peers of {@code org} at all. */
  boolean talksTo(String org) {
    return org.equals(mspId) || external;
  }

  /** Whether {@code alive} may be shown to a peer of {@code viewerMsp} at all. */
  boolean discloses(SignedGossipMessage alive, String viewerMsp) {
    return viewerMsp.equals(mspId) || external && (alive.signer().mspId().equals(viewerMsp)
        || !alive.message().getAliveMsg().getMembership().getEndpoint().isEmpty());
  }

  /** {@code alive} as a peer of {@code viewerMsp} may see it: no internal endpoint across orgs. */
  Envelope disclosed(SignedGossipMessage alive, String viewerMsp) {
    return viewerMsp.equals(alive.signer().mspId()) ? alive.envelope() : alive.envelopeWithoutSecret();
  }

  /**
   * The alive messages of {@code alives} a peer of {@code viewerMsp} may see, as it may see them,
   * leaving out those it holds as new already ({@code theirs}: alive timestamps by PKI-ID).
   */
  List<Envelope> shown(List<SignedGossipMessage> alives, String viewerMsp, Map<PkiId, PeerTime> theirs) {
    return alives.stream().filter(m -> discloses(m, viewerMsp) && lacks(theirs, m))
        .map(m -> disclosed(m, viewerMsp)).toList();
  }

  /** Whether {@code theirs} lacks {@code alive} or holds an older one. */
  static boolean lacks(Map<PkiId, PeerTime> theirs, SignedGossipMessage alive) {
    return PeerTimes.isNewerThanKnown(alive.message().getAliveMsg().getTimestamp(), theirs, alive.signer().pkiId());
  }

  /** Where this peer reaches {@code member}, if it may. */
  Optional<Endpoint> endpointOf(MemberInfo member) {
    return talksTo(member.mspId()) ? member.endpointFor(mspId) : Optional.empty();
  }
}
