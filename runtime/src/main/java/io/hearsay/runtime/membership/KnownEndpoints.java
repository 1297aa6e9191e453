package io.hearsay.runtime.membership;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.runtime.config.Endpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The endpoints a peer dials before it knows who is behind them (Fabric's bootstrap peers, anchor
 * peers of other orgs from channel configs):
 *
 * <pre>
 * dial every bootstrap and anchor endpoint not known alive, at start, whenever no member is alive
 *   to gossip with, and every reconnectInterval
 * an endpoint dialled awaits its handshake; only then is the peer behind it contacted, once
 * a bootstrap peer must be of this peer's org: one of another org is refused once (counted and
 *   logged) and never dialled again; other orgs are reached through their anchor peers
 * </pre>
 */
final class KnownEndpoints {

  private final String mspId;
  private final Endpoint self;
  private final Set<Endpoint> bootstrap;
  private final Set<Endpoint> refusedBootstrap = new HashSet<>();
  private final List<Endpoint> anchors = new ArrayList<>();
  private final Set<Endpoint> awaitingHandshake = new HashSet<>();

  KnownEndpoints(String mspId, Endpoint self, List<Endpoint> bootstrap, List<Endpoint> anchors) {
    this.mspId = mspId;
    this.self = self;
    this.bootstrap = new HashSet<>(bootstrap);
    this.bootstrap.remove(self);
    this.anchors.addAll(anchors);
  }

  /** Endpoints never forgotten while they are down: bootstrap and anchor peers. */
  Set<Endpoint> neverForget() {
    Set<Endpoint> all = new HashSet<>(bootstrap);
    all.addAll(anchors);
    return all;
  }

  /** Adds anchor peers from a channel config; returns those not known before. */
  List<Endpoint> addAnchors(List<Endpoint> more) {
    List<Endpoint> fresh = more.stream().filter(a -> !anchors.contains(a) && !a.equals(self)).distinct().toList();
    anchors.addAll(fresh);
    return fresh;
  }

  /** Bootstrap (unless refused) and anchor endpoints where no alive member is known. */
  List<Endpoint> toDial(Predicate<Endpoint> aliveAt) {
    List<Endpoint> out = new ArrayList<>();
    bootstrap.stream().filter(e -> !refusedBootstrap.contains(e) && !aliveAt.test(e)).forEach(out::add);
    anchors.stream().filter(e -> !e.equals(self) && !aliveAt.test(e)).forEach(out::add);
    return out;
  }

  /** {@code endpoint} is being dialled: the peer behind it is contacted once its handshake arrives. */
  void dialling(Endpoint endpoint) {
    awaitingHandshake.add(endpoint);
  }

  /**
   * {@code peer} completed a handshake from {@code endpoint}: whether it is to be contacted now (it
   * was dialled and is no foreign bootstrap peer), and the rejection of a foreign bootstrap peer
   * the first time it shows up.
   */
  Handshake onHandshake(PeerIdentity peer, Endpoint endpoint) {
    boolean dialled = awaitingHandshake.remove(endpoint);
    if (!bootstrap.contains(endpoint) || peer.mspId().equals(mspId)) {
      return new Handshake(dialled, Optional.empty());
    }
    Optional<Rejection> refused = !refusedBootstrap.add(endpoint) ? Optional.empty()
        : Optional.of(Rejection.of(RejectionReason.FOREIGN_BOOTSTRAP_PEER, "bootstrap peer %s is %s of org %s, "
            + "not of this peer's org %s; it is not used (reach other orgs through anchor peers)",
            endpoint, peer.subject(), peer.mspId(), mspId));
    return new Handshake(false, refused);
  }

  /** What a handshake means for discovery. */
  record Handshake(boolean contact, Optional<Rejection> refusedBootstrap) {}
}
