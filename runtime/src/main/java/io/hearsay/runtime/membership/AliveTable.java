package io.hearsay.runtime.membership;

import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.message.HearsayMetadata;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.hyperledger.fabric.protos.gossip.AliveMessage;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * Fabric discovery's view of the other peers, as plain state driven with explicit time.
 *
 * <pre>
 * on alive message m from peer p:
 *   if p is self, or p is known with a PeerTime >= m's          -> drop (stale)
 *   else remember m as p's latest, p is alive, last seen = now   -> the caller forwards m once
 * every expiry/10 (with an accrual detector, every aliveTimeInterval/4):
 *   alive peers not heard from for aliveExpirationTimeout,       -> dead
 *   or suspected by the accrual detector (hearsay profile; only
 *   the peers it judges feed it: beside Fabric peers, those that
 *   announce Artery; a Fabric peer keeps its own alive interval,
 *   5 s by default, and is judged by the expiry alone, as Fabric
 *   judges it)                                                   -> dead, or with probe rounds:
 *                                                                   suspected, to be probed by the
 *                                                                   caller (probed() counts its
 *                                                                   rounds); still suspected once
 *                                                                   that many were run -> dead
 *   (a fresh newer alive message, or a recorded copy sent within the last alive interval, ends a
 *   suspicion and clears its rounds; an older recorded copy only moves the detector's clock)
 *   dead peers not heard from for msgExpirationFactor x expiry   -> forgotten, unless their
 *                                                                   endpoint is a bootstrap or
 *                                                                   anchor peer's
 * a dead peer's newer alive message (higher incNum or seqNum)   -> alive again (resurrected)
 * an alive message recorded by another peer (membership         -> as a new one, but the detector
 *   response) rather than heard fresh                               counts it as sent one alive
 *                                                                   interval per sequence number
 *                                                                   after the last (see
 *                                                                   AccrualDetector#recorded)
 * a dead peer reported by another peer, unknown or older here   -> remembered as dead, to probe
 * with probe rounds, a peer alive here reported dead by another   -> a verdict, kept while no newer
 *   peer (a dead list holding its latest alive message known here)  alive message of the peer comes:
 *                                                                   suspected now or later, the peer
 *                                                                   is dead without rounds of its own
 * with watchers (watching(subjects, alone)): only the subjects  -> a peer not watched neither expires
 *   feed the detector                                               nor is suspected: it is alive
 *                                                                   until a dead report holding its
 *                                                                   latest alive message known here
 *                                                                   (or newer) comes: then dead now
 * with watchers, a subject with another watcher alive, through    -> still alive here: proposed once,
 *   this peer's probe rounds                                        the caller asks the other watchers
 *                                                                   (onVerdict); dead when one agrees:
 *                                                                   its verdict comes (or came) while
 *                                                                   this peer suspects the subject, or
 *                                                                   this peer's verdict reaches one
 *                                                                   that suspects it
 * </pre>
 *
 * Invariants: a peer is in at most one of alive and dead; its PeerTime never goes backwards.
 */
public final class AliveTable {

  /** What an alive message did to the table. */
  public enum Outcome { NEW, UPDATED, RESTARTED, RESURRECTED, STALE }

  /** How an alive message reached this peer: sent (or forwarded) just now, or a copy another peer held. */
  public enum Evidence { FRESH, RECORDED }

  /**
   * What a check did: the peers now dead (among them, those whose death this peer tells others:
   * without watchers, the ones its own probe rounds found; with watchers, the ones another watcher
   * agreed on), those suspected and to be probed before they are, and, with watchers, those its
   * probe rounds found dead that stay alive here until another watcher agrees (the caller asks them).
   */
  public record Expiry(List<MemberInfo> died, List<MemberInfo> confirmed, List<MemberInfo> suspected,
      List<MemberInfo> proposed) {}

  /** What another peer's report of a dead peer did here. */
  public enum DeadReport {
    /** Nothing: the peer is this one, or known with a newer alive message, or alive here without probe rounds. */
    IGNORED,
    /** A peer unknown here (or known older and dead) is remembered as dead. */
    LEARNED,
    /** Alive here and not suspected: the verdict is kept for when it is. */
    KEPT,
    /** Alive here and suspected: dead now, without probe rounds of its own. */
    CONFIRMED,
    /**
     * Alive here, a Hearsay peer this one does not watch ({@link #watching}), reported dead with its
     * latest alive message known here or a newer one: dead now, as its watchers found it.
     */
    TAKEN
  }

  private static final class Entry {
    final MemberInfo info;
    final SignedGossipMessage alive;
    final long lastSeenNanos;
    final boolean isAlive;
    /**
     * Probe rounds another peer answered while this peer was suspected, since its last sign of
     * life (which alone clears them).
     */
    final int probeRounds;
    /** With watchers: this suspicion's rounds are over and the other watchers were asked to agree. */
    final boolean proposed;

    Entry(MemberInfo info, SignedGossipMessage alive, long lastSeenNanos, boolean isAlive) {
      this(info, alive, lastSeenNanos, isAlive, 0, false);
    }

    Entry(MemberInfo info, SignedGossipMessage alive, long lastSeenNanos, boolean isAlive, int probeRounds,
        boolean proposed) {
      this.info = info;
      this.alive = alive;
      this.lastSeenNanos = lastSeenNanos;
      this.isAlive = isAlive;
      this.probeRounds = probeRounds;
      this.proposed = proposed;
    }
  }

  private final PkiId self;
  private final long expiryNanos;
  private final long purgeNanos;
  private final Set<Endpoint> neverForget;
  private final Map<PkiId, Entry> entries = new HashMap<>();
  private final Optional<AccrualDetector> accrual;
  private final Predicate<MemberInfo> judgedByAccrual;
  private final int probeRounds;
  /** Bumped whenever who is alive or dead, or where a peer is, changes: what a view shows. */
  private long version;
  /**
   * Other peers' verdicts: the peer's alive message they found no newer one than, through their
   * probe rounds. Kept only for peers alive here; a newer alive message makes one void.
   */
  private final Map<PkiId, PeerTime> verdicts = new HashMap<>();
  private List<MemberInfo> alive = List.of();
  private long aliveVersion = -1;
  /**
   * With watchers ({@link WatchRing}): the peers judged by the detector that this one watches; the
   * others it judges by nothing, they are alive until reported dead. Null: it watches all of them.
   */
  private Set<PkiId> watched;
  /** With watchers: the subjects without another watcher alive, whose death this peer finds alone. */
  private Set<PkiId> watchedAlone = Set.of();

  public AliveTable(PkiId self, Duration aliveExpirationTimeout, Duration purgeAfter,
      Set<Endpoint> neverForget) {
    this(self, aliveExpirationTimeout, purgeAfter, neverForget, Optional.empty());
  }

  /** With an accrual detector, a peer is also declared dead as soon as the detector suspects it. */
  public AliveTable(PkiId self, Duration aliveExpirationTimeout, Duration purgeAfter,
      Set<Endpoint> neverForget, Optional<AccrualDetector> accrual) {
    this(self, aliveExpirationTimeout, purgeAfter, neverForget, accrual, member -> true);
  }

  /** With an accrual detector for the peers {@code judgedByAccrual} accepts; the others by the expiry alone. */
  public AliveTable(PkiId self, Duration aliveExpirationTimeout, Duration purgeAfter,
      Set<Endpoint> neverForget, Optional<AccrualDetector> accrual, Predicate<MemberInfo> judgedByAccrual) {
    this(self, aliveExpirationTimeout, purgeAfter, neverForget, accrual, judgedByAccrual, 0);
  }

  /**
   * With {@code probeRounds} above 0, a peer the detector suspects is dead only once that many probe
   * rounds ({@link #probed}) ran while it was suspected, without a sign of life since.
   */
  public AliveTable(PkiId self, Duration aliveExpirationTimeout, Duration purgeAfter, Set<Endpoint> neverForget,
      Optional<AccrualDetector> accrual, Predicate<MemberInfo> judgedByAccrual, int probeRounds) {
    this.probeRounds = probeRounds;
    this.accrual = accrual;
    this.judgedByAccrual = judgedByAccrual;
    this.self = self;
    this.expiryNanos = aliveExpirationTimeout.toNanos();
    this.purgeNanos = purgeAfter.toNanos();
    this.neverForget = new HashSet<>(neverForget);
  }

  /** Adds an endpoint (a newly learned anchor peer) whose member is never forgotten. */
  public void neverForget(Endpoint endpoint) {
    neverForget.add(endpoint);
  }

  /** Applies a verified alive message sent or forwarded to this peer just now. */
  public Outcome onAlive(SignedGossipMessage alive, long nowNanos) {
    return onAlive(alive, nowNanos, Evidence.FRESH);
  }

  /** Applies a verified alive message, fresh or as another peer recorded it. */
  public Outcome onAlive(SignedGossipMessage alive, long nowNanos, Evidence evidence) {
    MemberInfo info = infoOf(alive);
    if (info.pkiId().equals(self)) {
      return Outcome.STALE;
    }
    Entry known = entries.get(info.pkiId());
    if (known != null && !PeerTimes.isNewer(info.time(), known.info.time())) {
      return Outcome.STALE;
    }
    boolean current = true;
    if (judged(info) && accrual.isPresent()) {
      if (evidence == Evidence.RECORDED && known != null && known.isAlive
          && known.info.time().getIncNum() == info.time().getIncNum()) {
        current = accrual.get().recorded(info.pkiId(), info.time().getSeqNum() - known.info.time().getSeqNum(),
            nowNanos);
      } else {
        accrual.get().heartbeat(info.pkiId(), nowNanos);
      }
    }
    // Only a sign of life from the last alive interval clears the probe rounds a suspicion ran: an
    // older copy another peer held moves the detector's clock, but a crashed peer's last alive
    // message, learned late, must not make its suspicion start over.
    int rounds = current || known == null || !known.isAlive ? 0 : known.probeRounds;
    PeerTime verdict = verdicts.get(info.pkiId());
    if (verdict != null && PeerTimes.isNewer(info.time(), verdict)) {
      verdicts.remove(info.pkiId());
    }
    MemberInfo kept = keepInternalEndpoint(info, known);
    entries.put(info.pkiId(), new Entry(kept, alive, nowNanos, true, rounds, rounds > 0 && known.proposed));
    if (known == null || !known.isAlive || !sameAddresses(kept, known.info)) {
      version++;
    }
    if (known == null) {
      return Outcome.NEW;
    }
    if (!known.isAlive) {
      return Outcome.RESURRECTED;
    }
    return known.info.time().getIncNum() == info.time().getIncNum() ? Outcome.UPDATED : Outcome.RESTARTED;
  }

  /**
   * Applies a peer reported dead by another peer: remembered if unknown or older here (Fabric's
   * rule); with probe rounds, a peer alive here whose report carries its latest alive message
   * known here (or a newer one) is another peer's verdict, which ends its suspicion here now or
   * when it comes (SWIM's confirmation: the rounds another peer ran need not be run again).
   */
  public DeadReport onDeadReport(SignedGossipMessage alive, long nowNanos) {
    return judge(alive, nowNanos, true);
  }

  /**
   * Applies another watcher's verdict on a subject of this one, asked to agree before the death is
   * anyone's rumor: as a dead report, except that a peer this one does not watch is not moved by
   * one watcher ({@link DeadReport#IGNORED} rather than {@link DeadReport#TAKEN}).
   */
  public DeadReport onVerdict(SignedGossipMessage alive, long nowNanos) {
    return judge(alive, nowNanos, false);
  }

  private DeadReport judge(SignedGossipMessage alive, long nowNanos, boolean takeUnwatched) {
    MemberInfo info = infoOf(alive);
    Entry known = entries.get(info.pkiId());
    if (info.pkiId().equals(self)) {
      return DeadReport.IGNORED;
    }
    if (known != null && known.isAlive) {
      if (PeerTimes.isNewer(known.info.time(), info.time())) {
        return DeadReport.IGNORED;
      }
      if (isUnwatched(known.info)) {
        if (!takeUnwatched) {
          return DeadReport.IGNORED;
        }
        // Remembered dead from now on, for the purge period: a peer that missed the death must not
        // teach it back as alive from its old copy meanwhile.
        die(info.pkiId(), new Entry(known.info, known.alive, nowNanos, true));
        version++;
        return DeadReport.TAKEN;
      }
      if (probeRounds == 0) {
        return DeadReport.IGNORED;
      }
      verdicts.put(info.pkiId(), info.time());
      if (!isSuspected(info.pkiId(), nowNanos)) {
        return DeadReport.KEPT;
      }
      die(info.pkiId(), known);
      version++;
      return DeadReport.CONFIRMED;
    }
    if (!takeUnwatched) {
      return DeadReport.IGNORED;
    }
    if (known != null && !PeerTimes.isNewer(info.time(), known.info.time())) {
      return DeadReport.IGNORED;
    }
    entries.put(info.pkiId(), new Entry(keepInternalEndpoint(info, known), alive, nowNanos - expiryNanos, false));
    version++;
    return known == null ? DeadReport.LEARNED : DeadReport.IGNORED;
  }

  /**
   * From now on this peer watches {@code subjects} alone among the peers the detector judges: their
   * detector histories start now (a subject silent from now on is suspected), and the others'
   * histories, probe rounds and expiry are dropped. A peer not watched is alive until a dead report
   * says otherwise; its watchers' agreed verdict, as a rumor, is that report. Only {@code alone}
   * (subjects without another watcher alive) die by this peer's probe rounds alone; the others'
   * deaths wait for another watcher to agree, so that one watcher's mistake (a loss on its own link,
   * a pause of its own) stays its own.
   */
  public void watching(Set<PkiId> subjects, Set<PkiId> alone, long nowNanos) {
    Set<PkiId> before = watched == null ? Set.of() : watched;
    watched = Set.copyOf(subjects);
    watchedAlone = Set.copyOf(alone);
    for (PkiId pkiId : List.copyOf(entries.keySet())) {
      Entry e = entries.get(pkiId);
      if (!e.isAlive || !judgedByAccrual.test(e.info)) {
        continue;
      }
      if (!watched.contains(pkiId)) {
        // Also the histories begun before the first ring, when every peer was judged.
        accrual.ifPresent(detector -> detector.remove(pkiId));
        if (e.probeRounds > 0) {
          entries.put(pkiId, new Entry(e.info, e.alive, e.lastSeenNanos, true));
        }
      } else if (!before.contains(pkiId)) {
        accrual.ifPresent(detector -> {
          detector.remove(pkiId);
          detector.heartbeat(pkiId, nowNanos);
        });
        entries.put(pkiId, new Entry(e.info, e.alive, nowNanos, true));
      }
    }
  }

  /** Whether the detector judges {@code info}'s peer here: one it judges, and with watchers one this peer watches. */
  private boolean judged(MemberInfo info) {
    return judgedByAccrual.test(info) && (watched == null || watched.contains(info.pkiId()));
  }

  /** A peer the detector would judge but this peer, with watchers, does not watch: no detector, no expiry. */
  private boolean isUnwatched(MemberInfo info) {
    return watched != null && accrual.isPresent() && judgedByAccrual.test(info) && !watched.contains(info.pkiId());
  }

  private boolean isSuspected(PkiId pkiId, long nowNanos) {
    return (watched == null || watched.contains(pkiId))
        && accrual.map(detector -> detector.isSuspected(pkiId, nowNanos)).orElse(false);
  }

  /** Whether another peer's verdict on {@code e}'s peer stands: none of its alive messages is newer here. */
  private boolean hasVerdict(PkiId pkiId, Entry e) {
    PeerTime verdict = verdicts.get(pkiId);
    if (verdict != null && PeerTimes.isNewer(e.info.time(), verdict)) {
      verdicts.remove(pkiId);
      return false;
    }
    return verdict != null;
  }

  private void die(PkiId pkiId, Entry e) {
    accrual.ifPresent(detector -> detector.remove(pkiId));
    verdicts.remove(pkiId);
    entries.put(pkiId, new Entry(e.info, e.alive, e.lastSeenNanos, false));
  }

  /**
   * Marks peers silent for longer than the expiry, or suspected by the detector (through the probe
   * rounds, if any), as dead; returns them, and the peers suspected still.
   */
  public Expiry expire(long nowNanos) {
    List<MemberInfo> died = new ArrayList<>();
    List<MemberInfo> confirmed = new ArrayList<>();
    List<MemberInfo> suspected = new ArrayList<>();
    List<MemberInfo> proposed = new ArrayList<>();
    // Over a copy of the keys: a peer that dies is replaced in the map.
    for (PkiId pkiId : List.copyOf(entries.keySet())) {
      Entry e = entries.get(pkiId);
      if (!e.isAlive) {
        continue;
      }
      boolean suspect = isSuspected(pkiId, nowNanos);
      boolean roundsOver = suspect && e.probeRounds >= probeRounds;
      boolean agreed = suspect && hasVerdict(pkiId, e);
      boolean needsAgreement = watched != null && !watchedAlone.contains(pkiId);
      boolean byOwnRounds = roundsOver && !needsAgreement;
      boolean expired = nowNanos - e.lastSeenNanos > expiryNanos && !isUnwatched(e.info);
      if (expired || byOwnRounds || agreed) {
        died.add(e.info);
        if (probeRounds > 0 && (byOwnRounds || agreed && watched != null)) {
          confirmed.add(e.info);
        }
        die(pkiId, e);
      } else if (suspect) {
        suspected.add(e.info);
        if (roundsOver && !e.proposed) {
          proposed.add(e.info);
          entries.put(pkiId, new Entry(e.info, e.alive, e.lastSeenNanos, true, e.probeRounds, true));
        }
      }
    }
    if (!died.isEmpty()) {
      version++;
    }
    // The suspicions nearest to a verdict first: the caller may probe only a few per check.
    suspected.sort(Comparator.comparingInt((MemberInfo m) -> entries.get(m.pkiId()).probeRounds).reversed());
    return new Expiry(died, confirmed, suspected, proposed);
  }

  /** The latest alive message of a peer known here, alive or dead. */
  public Optional<SignedGossipMessage> aliveMessageOf(PkiId pkiId) {
    return Optional.ofNullable(entries.get(pkiId)).map(e -> e.alive);
  }

  /**
   * {@code pkiId} itself answered a probe just now: for a suspect, a fresh sign of life even when
   * the alive message it answered with is no newer than a copy another peer gave first.
   */
  public void answered(PkiId pkiId, long nowNanos) {
    Entry e = entries.get(pkiId);
    // Only a suspicion is ended: the answers of peers not suspected (membership pulls, relayed
    // probes) would crowd the detector's history with intervals shorter than the alive interval.
    if (e == null || !e.isAlive || e.probeRounds == 0 && !isSuspected(pkiId, nowNanos)) {
      return;
    }
    entries.put(pkiId, new Entry(e.info, e.alive, nowNanos, true));
    if (judged(e.info)) {
      accrual.ifPresent(detector -> detector.heartbeat(pkiId, nowNanos));
    }
  }

  /** One more probe round ran for {@code pkiId}, answered by some peer asked: counted while it is suspected. */
  public void probed(PkiId pkiId, long nowNanos) {
    if (isSuspected(pkiId, nowNanos)) {
      entries.computeIfPresent(pkiId, (id, e) -> e.isAlive
          ? new Entry(e.info, e.alive, e.lastSeenNanos, true, e.probeRounds + 1, e.proposed) : e);
    }
  }

  /** Forgets dead peers silent for the purge period, except bootstrap and anchor endpoints. */
  public List<MemberInfo> purge(long nowNanos) {
    List<MemberInfo> purged = new ArrayList<>();
    entries.values().removeIf(e -> {
      boolean forget = !e.isAlive && nowNanos - e.lastSeenNanos > purgeNanos && !isNeverForgotten(e.info);
      if (forget) {
        purged.add(e.info);
      }
      return forget;
    });
    if (!purged.isEmpty()) {
      version++;
    }
    return purged;
  }

  public boolean isAlive(PkiId pkiId) {
    Entry e = entries.get(pkiId);
    return e != null && e.isAlive;
  }

  public Optional<MemberInfo> member(PkiId pkiId) {
    return Optional.ofNullable(entries.get(pkiId)).map(e -> e.info);
  }

  /**
   * The alive peers, for choosing whom to send to: kept from one change of the {@link #version} to
   * the next, so each member's alive timestamp in it may be older than the one the table holds.
   * Rebuilding it for every message made membership O(n) per message at n peers.
   */
  public List<MemberInfo> aliveMembers() {
    if (aliveVersion != version) {
      alive = currentAlive();
      aliveVersion = version;
    }
    return alive;
  }

  /**
   * Changes whenever a view would show other members or addresses: the same number, the same
   * members where they were.
   */
  public long version() {
    return version;
  }

  public List<MemberInfo> deadMembers() {
    return entries.values().stream().filter(e -> !e.isAlive).map(e -> e.info).toList();
  }

  /** The latest alive message of each alive (or dead) peer, as a membership response carries them. */
  public List<SignedGossipMessage> aliveMessages(boolean alive) {
    return entries.values().stream().filter(e -> e.isAlive == alive).map(e -> e.alive).toList();
  }

  public MembershipView view() {
    return new MembershipView(currentAlive(), deadMembers());
  }

  /** The alive peers as the table holds them now, timestamps included. */
  private List<MemberInfo> currentAlive() {
    return entries.values().stream().filter(e -> e.isAlive).map(e -> e.info).toList();
  }

  /** Whether {@code endpoint} belongs to a peer currently alive. */
  public boolean isAliveAt(Endpoint endpoint) {
    return entries.values().stream().anyMatch(e -> e.isAlive
        && (e.info.internalEndpoint().equals(Optional.of(endpoint))
            || e.info.externalEndpoint().equals(Optional.of(endpoint))));
  }

  private static boolean sameAddresses(MemberInfo a, MemberInfo b) {
    return a.internalEndpoint().equals(b.internalEndpoint()) && a.externalEndpoint().equals(b.externalEndpoint())
        && a.artery().equals(b.artery()) && a.mspId().equals(b.mspId());
  }

  public static MemberInfo infoOf(SignedGossipMessage alive) {
    AliveMessage message = alive.message().getAliveMsg();
    return new MemberInfo(alive.signer().pkiId(), alive.signer().mspId(),
        Endpoint.parse(message.getMembership().getEndpoint()),
        alive.internalEndpoint().flatMap(Endpoint::parse),
        message.getTimestamp(), HearsayMetadata.arteryOf(message.getMembership().getMetadata()).flatMap(Endpoint::parse));
  }

  private boolean isNeverForgotten(MemberInfo info) {
    return info.internalEndpoint().map(neverForget::contains).orElse(false)
        || info.externalEndpoint().map(neverForget::contains).orElse(false);
  }

  /**
   * A forwarded copy may have lost its secret envelope: an org-mate's internal endpoint is kept,
   * but only within one incarnation, since a restarted peer may listen somewhere else.
   */
  private static MemberInfo keepInternalEndpoint(MemberInfo info, Entry known) {
    if (info.internalEndpoint().isPresent() || known == null || known.info.internalEndpoint().isEmpty()
        || info.time().getIncNum() != known.info.time().getIncNum()) {
      return info;
    }
    return new MemberInfo(info.pkiId(), info.mspId(), info.externalEndpoint(),
        known.info.internalEndpoint(), info.time(), info.artery());
  }
}
