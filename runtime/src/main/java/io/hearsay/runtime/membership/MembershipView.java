package io.hearsay.runtime.membership;

import io.hearsay.protocol.identity.PkiId;
import java.util.List;
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

  public Optional<MemberInfo> member(PkiId pkiId) {
    return alive.stream().filter(m -> m.pkiId().equals(pkiId)).findFirst()
        .or(() -> dead.stream().filter(m -> m.pkiId().equals(pkiId)).findFirst());
  }
}
