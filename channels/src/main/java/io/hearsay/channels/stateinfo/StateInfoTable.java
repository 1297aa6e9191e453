package io.hearsay.channels.stateinfo;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hyperledger.fabric.protos.gossip.PeerTime;
import org.hyperledger.fabric.protos.gossip.StateInfo;

/**
 * What the peers of one channel say about themselves: the latest StateInfo of each, which is also
 * the proof that the peer is in the channel.
 *
 * <pre>
 * on StateInfo s signed by p (the envelope is already verified):
 *   s.pki_id != p, or s.channel_MAC != SHA-256(p ‖ channel)   -> refused (not proof of membership)
 *   p's org is not one of the channel's                         -> refused
 *   s older than or equal to p's latest                         -> STALE
 *   otherwise s is p's latest                                   -> the caller may forward it
 * </pre>
 *
 * Peers that membership declares dead are dropped with {@link #retainOnly}. A member's height may
 * also be raised by what it sent since its StateInfo ({@link #observeHeight}: a block or an
 * announcement of one shows it holds that block), without a new StateInfo; its signed StateInfo,
 * relayed in snapshots, stays as it signed it.
 */
public final class StateInfoTable {

  /** One peer's latest StateInfo. */
  public record Entry(PkiId pkiId, String mspId, PeerTime time, long ledgerHeight, SignedGossipMessage message) {}

  /** What a StateInfo did to the table. */
  public sealed interface Outcome permits Updated, Stale, Refused {}

  public record Updated(Entry entry) implements Outcome {}

  public enum Stale implements Outcome { INSTANCE }

  public record Refused(Rejection rejection) implements Outcome {}

  private final String channelId;
  private final Set<String> channelOrgs;
  private final Map<PkiId, Entry> entries = new HashMap<>();
  /** Counts changes of who is in the table (not of heights): a cache of members is valid while it stays. */
  private long membersVersion;
  /**
   * The heights in the table, of all and of each org, kept as entries change rather than found by
   * a scan on every commit and StateInfo (scans per commit were 6% of the 1000-peer bench's CPU).
   */
  private final Heights heights = new Heights();
  private final Map<String, Heights> orgHeights = new HashMap<>();

  public StateInfoTable(String channelId, Set<String> channelOrgs) {
    this.channelId = channelId;
    this.channelOrgs = Set.copyOf(channelOrgs);
  }

  public Outcome onStateInfo(SignedGossipMessage message) {
    StateInfo info = message.message().getStateInfo();
    PkiId signer = message.signer().pkiId();
    if (!PkiId.fromBytes(info.getPkiId()).equals(signer)
        || !info.getChannelMAC().equals(GossipMessages.channelMac(signer, channelId))) {
      return new Refused(Rejection.of(RejectionReason.SPOOFED_SENDER,
          "StateInfo of %s does not prove membership of channel %s", message.signer(), channelId));
    }
    if (!channelOrgs.contains(message.signer().mspId())) {
      return new Refused(Rejection.of(RejectionReason.UNKNOWN_ORG,
          "StateInfo for channel %s from %s, whose org is not in the channel", channelId, message.signer()));
    }
    Entry known = entries.get(signer);
    if (known != null && !PeerTimes.isNewer(info.getTimestamp(), known.time())) {
      return Stale.INSTANCE;
    }
    Entry entry = new Entry(signer, message.signer().mspId(), info.getTimestamp(),
        info.getProperties().getLedgerHeight(), message);
    put(known, entry);
    return new Updated(entry);
  }

  /**
   * {@code pkiId} showed it holds block {@code height - 1} (it pushed or announced it): a proven
   * member's height is raised to {@code height} when that block is the next after the height known,
   * so it holds every block below. A block further ahead shows only itself: a peer that missed one
   * block pushes the forty after it while its ledger stays below the gap, and a height taken from
   * those pushes made state transfer ask it for blocks it could not serve (at 1000 peers nearly
   * every window was answered empty). False when it was no news.
   */
  public boolean observeHeight(PkiId pkiId, long height) {
    Entry known = entries.get(pkiId);
    if (known == null || height - 1 != known.ledgerHeight()) {
      return false;
    }
    put(known, new Entry(known.pkiId(), known.mspId(), known.time(), height, known.message()));
    return true;
  }

  private void put(Entry before, Entry after) {
    entries.put(after.pkiId(), after);
    if (before == null) {
      membersVersion++;
    } else {
      forget(before);
    }
    heights.add(after.ledgerHeight());
    orgHeights.computeIfAbsent(after.mspId(), org -> new Heights()).add(after.ledgerHeight());
  }

  private void forget(Entry gone) {
    heights.remove(gone.ledgerHeight());
    Heights org = orgHeights.get(gone.mspId());
    org.remove(gone.ledgerHeight());
    if (org.isEmpty()) {
      orgHeights.remove(gone.mspId());
    }
  }

  /** Whether {@code pkiId} has proven it is in the channel. */
  public boolean isMember(PkiId pkiId) {
    return entries.containsKey(pkiId);
  }

  public Optional<Entry> entry(PkiId pkiId) {
    return Optional.ofNullable(entries.get(pkiId));
  }

  /** The highest ledger height any member advertises (0 when none). */
  public long highestHeight() {
    return heights.highest(0);
  }

  /** The highest ledger height a member of {@code mspId} advertises (0 when none). */
  public long highestHeight(String mspId) {
    Heights org = orgHeights.get(mspId);
    return org == null ? 0 : org.highest(0);
  }

  /** The lowest ledger height any member advertises, {@code none} when there is no member. */
  public long lowestHeight(long none) {
    return heights.lowest(none);
  }

  /** Changes whenever a peer joins or leaves the table; the same while only heights change. */
  public long membersVersion() {
    return membersVersion;
  }

  /** Members whose ledger holds block {@code number}, i.e. whose height is above it. */
  public List<Entry> membersWithBlock(long number) {
    return entries.values().stream().filter(e -> e.ledgerHeight() > number).toList();
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** Forgets every peer not in {@code alive} (membership says the others are dead). */
  public void retainOnly(Set<PkiId> alive) {
    var dead = entries.values().iterator();
    boolean changed = false;
    while (dead.hasNext()) {
      Entry entry = dead.next();
      if (!alive.contains(entry.pkiId())) {
        dead.remove();
        forget(entry);
        changed = true;
      }
    }
    if (changed) {
      membersVersion++;
    }
  }
}
