package io.hearsay.channels;

import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.channels.stateinfo.StateInfoTable;
import io.hearsay.protocol.identity.PkiId;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who a channel's peers are at this peer: alive in membership (of the channel's orgs) and, among
 * them, the peers of this peer's org that proved membership of the channel by their StateInfo.
 * Only those take part in block push, pull, state transfer and elections.
 */
final class ChannelMembers {

  /**
   * The org's peers as the election and the push tree see them; the tree is built of the Hearsay
   * peers among the proven ones (a Fabric peer gets no Plumtree message).
   */
  record OrgPeers(List<PkiId> proven, List<PkiId> provenHearsay, int aliveOfOrg, Set<PkiId> farBehind,
      boolean provenChanged) {}

  private final PkiId self;
  private final String ownMspId;
  private final StateInfoGossip stateInfo;
  /** How many blocks behind the org's highest peer a peer may be and still succeed a leader; -1: not looked at. */
  private final long successorMaxLag;
  private List<ChannelGossip.Member> alive = List.of();
  /**
   * The same, by PKI-ID: asked on every inbound message. A scan of the alive list per message (and
   * a list's contains per peer in refresh) made a 1000-peer start-up O(n²) per StateInfo: 83% of
   * the CPU of the 1000-peer dissemination bench (a JFR profile).
   */
  private Map<PkiId, ChannelGossip.Member> aliveById = Map.of();
  /**
   * {@link #orgMembers()} as of the alive list and {@link StateInfoGossip#provenMembersVersion}:
   * asked on every commit and targeted pull round, a scan of the alive peers each time was 15% of
   * the 1000-peer bench's CPU. Null: to be found again.
   */
  private List<PkiId> orgMembers;
  private long orgMembersVersion;
  private List<PkiId> lastProven = List.of();
  private int lastAliveOfOrg;
  private Set<PkiId> lastFarBehind = Set.of();

  ChannelMembers(PkiId self, String ownMspId, StateInfoGossip stateInfo, long successorMaxLag) {
    this.self = self;
    this.ownMspId = ownMspId;
    this.stateInfo = stateInfo;
    this.successorMaxLag = successorMaxLag;
  }

  /** Membership's alive peers of the channel's orgs changed. */
  void alive(List<ChannelGossip.Member> members) {
    alive = List.copyOf(members);
    Map<PkiId, ChannelGossip.Member> byId = new HashMap<>();
    alive.forEach(m -> byId.put(m.pkiId(), m));
    aliveById = byId;
    orgMembers = null;
    stateInfo.membersChanged(alive.stream().map(ChannelGossip.Member::pkiId).collect(Collectors.toSet()));
  }

  /** The alive peers, of any org of the channel. */
  Collection<PkiId> aliveIds() {
    return alive.stream().map(ChannelGossip.Member::pkiId).toList();
  }

  /** Same-org peers that are alive and have proven channel membership. */
  List<PkiId> orgMembers() {
    long version = stateInfo.provenMembersVersion();
    if (orgMembers == null || version != orgMembersVersion) {
      orgMembers = alive.stream()
          .filter(m -> m.mspId().equals(ownMspId))
          .map(ChannelGossip.Member::pkiId)
          .filter(stateInfo::isProvenMember)
          .toList();
      orgMembersVersion = version;
    }
    return orgMembers;
  }

  /** An alive peer of any of the channel's orgs that proved its membership of the channel. */
  boolean isProvenChannelMember(PkiId peer) {
    return aliveById.containsKey(peer) && stateInfo.isProvenMember(peer);
  }

  /**
   * Whether an identity of {@code mspId} is of this peer's org. By the verified sender's identity,
   * not by the alive view: the view reaches the channel after the membership learned of the peer,
   * and a Fabric peer's first block can come before it.
   */
  boolean isOwnOrg(String mspId) {
    return ownMspId.equals(mspId);
  }

  /** A peer not known to be a Hearsay peer (it announced no Artery address): Fabric's, as far as we know. */
  boolean isFabricPeer(PkiId peer) {
    ChannelGossip.Member member = aliveById.get(peer);
    return member == null || !member.hearsay();
  }

  boolean isMemberOfOwnOrg(PkiId peer) {
    ChannelGossip.Member member = aliveById.get(peer);
    return member != null && member.mspId().equals(ownMspId) && stateInfo.isProvenMember(peer);
  }

  /** The ledger heights the org's proven members announced in their StateInfo (-1: none yet). */
  Map<PkiId, Long> announcedHeights() {
    return heightsOf(orgMembers());
  }

  /**
   * The highest of {@link #announcedHeights()}, from the StateInfo table's heights by org, which
   * hold the org's members alive with a StateInfo (a member proven only by a pull request's MAC
   * announced none).
   */
  long highestAnnounced() {
    return stateInfo.table().highestHeight(ownMspId);
  }

  private Map<PkiId, Long> heightsOf(List<PkiId> peers) {
    Map<PkiId, Long> heights = new HashMap<>(peers.size() * 4 / 3 + 1);
    for (PkiId peer : peers) {
      heights.put(peer, stateInfo.table().entry(peer).map(StateInfoTable.Entry::ledgerHeight).orElse(-1L));
    }
    return heights;
  }

  /**
   * The org's peers, if the proven ones, the number alive, or those far behind changed since the
   * last call; {@code ownHeight} is this peer's ledger height.
   */
  Optional<OrgPeers> refresh(long ownHeight) {
    List<PkiId> proven = orgMembers();
    int aliveOfOrg = (int) alive.stream().filter(m -> m.mspId().equals(ownMspId)).count();
    Set<PkiId> farBehind = farBehind(proven, ownHeight);
    boolean provenChanged = !proven.equals(lastProven);
    if (!provenChanged && aliveOfOrg == lastAliveOfOrg && farBehind.equals(lastFarBehind)) {
      return Optional.empty();
    }
    lastProven = proven;
    lastAliveOfOrg = aliveOfOrg;
    lastFarBehind = farBehind;
    Set<PkiId> provenSet = new HashSet<>(proven);
    List<PkiId> hearsay = alive.stream().filter(ChannelGossip.Member::hearsay).map(ChannelGossip.Member::pkiId)
        .filter(provenSet::contains).toList();
    return Optional.of(new OrgPeers(proven, hearsay, aliveOfOrg, farBehind, provenChanged));
  }

  /**
   * The peers among {@code proven} and this one more than successorMaxLag blocks below the highest
   * height among them (announced in StateInfo; this peer's own as its ledger has it).
   */
  private Set<PkiId> farBehind(List<PkiId> proven, long ownHeight) {
    if (successorMaxLag < 0) {
      return Set.of();
    }
    Map<PkiId, Long> heights = heightsOf(proven);
    heights.put(self, ownHeight);
    long highest = heights.values().stream().mapToLong(Long::longValue).max().orElse(0);
    Set<PkiId> behind = new HashSet<>();
    heights.forEach((peer, height) -> {
      if (height < highest - successorMaxLag) {
        behind.add(peer);
      }
    });
    return behind;
  }
}
