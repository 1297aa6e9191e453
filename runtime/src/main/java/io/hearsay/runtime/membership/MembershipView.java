package io.hearsay.runtime.membership;

import io.hearsay.protocol.identity.PkiId;
import io.hearsay.runtime.config.Endpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A snapshot of one peer's membership: the peers it believes alive, and those it believes dead. */
public record MembershipView(List<MemberInfo> alive, List<MemberInfo> dead) {

  public MembershipView {
    alive = List.copyOf(alive);
    dead = List.copyOf(dead);
  }

  public Set<PkiId> alivePkiIds() {
    return alive.stream().map(MemberInfo::pkiId).collect(Collectors.toUnmodifiableSet());
  }

  public Set<PkiId> deadPkiIds() {
    return dead.stream().map(MemberInfo::pkiId).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Whether both views hold the same members at the same endpoints: a peer restarted at another
   * address keeps its PKI-ID, and the channels must learn where it is now.
   */
  public boolean sameMembersAs(MembershipView other) {
    return addresses(alive).equals(addresses(other.alive)) && deadPkiIds().equals(other.deadPkiIds());
  }

  private static Map<PkiId, List<Optional<Endpoint>>> addresses(List<MemberInfo> members) {
    Map<PkiId, List<Optional<Endpoint>>> addresses = new HashMap<>();
    members.forEach(m -> addresses.put(m.pkiId(), List.of(m.internalEndpoint(), m.externalEndpoint())));
    return addresses;
  }

  public Optional<MemberInfo> member(PkiId pkiId) {
    return alive.stream().filter(m -> m.pkiId().equals(pkiId)).findFirst()
        .or(() -> dead.stream().filter(m -> m.pkiId().equals(pkiId)).findFirst());
  }
}
