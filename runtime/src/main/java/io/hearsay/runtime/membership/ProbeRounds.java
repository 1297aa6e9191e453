package io.hearsay.runtime.membership;

import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The probe rounds of this peer's suspicions, and its local health (Lifeguard's local health
 * multiplier, Dadgar et al. 2018), as plain state driven by the accrual detector's checks.
 *
 * <pre>
 * at every check (probes.interval):
 *   the check ran more than one interval late              -> health + 1 (this peer is slow itself)
 *   a round under way for health + 1 checks ends:
 *     some peer asked answered  -> it counts for its suspect (Lifeguard's nack: a round nobody
 *                                  answered says more about this peer than about the suspect)
 *     fewer than half of the other peers asked answered    -> health + 1 (answers are late here)
 *     all of them answered                                 -> health - 1
 *   an alive interval without a sign of ill health         -> health - 1
 * new rounds start for suspects without one, while fewer than suspectsPerCheck are under way
 * health runs from 0 to maxHealth: at h a round waits h + 1 checks for its answers, so a peer that
 * is slow itself, or a network that answers late, takes longer to confirm a suspicion, and probes
 * less, instead of taking the delay for deaths.
 * </pre>
 *
 * Why: with every peer slowed at once (a machine's CPU taken by another process), late alive
 * messages make many suspicions and the probes they start add load; with answers counted only
 * within one check, a suspect that answers late is declared dead. Local health stretches the
 * rounds exactly when answers come late, and shrinks back once they come in time.
 */
final class ProbeRounds {

  private static final class Round {
    final Set<PkiId> asked;
    final Set<PkiId> answered = new HashSet<>();
    final long startedAtCheck;

    Round(Set<PkiId> asked, long startedAtCheck) {
      this.asked = asked;
      this.startedAtCheck = startedAtCheck;
    }
  }

  private final long intervalNanos;
  private final long aliveIntervalNanos;
  private final int maxHealth;
  private final int roundsAtOnce;
  private final Map<PkiId, Round> rounds = new LinkedHashMap<>();
  private long checks;
  private long lastCheckNanos;
  private long lastIllNanos;
  private long lastRecoveryNanos;
  private int health;

  ProbeRounds(MembershipSettings.Probes probes, Duration aliveInterval, long nowNanos) {
    this.intervalNanos = probes.interval().toNanos();
    this.aliveIntervalNanos = aliveInterval.toNanos();
    this.maxHealth = probes.maxLocalHealth();
    this.roundsAtOnce = probes.suspectsPerCheck();
    this.lastCheckNanos = nowNanos;
    this.lastIllNanos = nowNanos;
    this.lastRecoveryNanos = nowNanos;
  }

  /**
   * One check at {@code nowNanos}: updates local health and ends the rounds whose wait is over.
   * Returns the suspects whose ended round counts (some peer asked answered it).
   */
  List<PkiId> check(long nowNanos) {
    checks++;
    if (nowNanos - lastCheckNanos > 2 * intervalNanos) {
      ill(nowNanos);
    }
    lastCheckNanos = nowNanos;
    List<PkiId> counted = new ArrayList<>();
    rounds.entrySet().removeIf(entry -> {
      Round round = entry.getValue();
      if (checks - round.startedAtCheck < health + 1) {
        return false;
      }
      if (!round.answered.isEmpty()) {
        counted.add(entry.getKey());
      }
      int others = round.asked.size() - (round.asked.contains(entry.getKey()) ? 1 : 0);
      long othersAnswered = round.answered.stream().filter(p -> !p.equals(entry.getKey())).count();
      if (others > 0 && othersAnswered * 2 < others) {
        ill(nowNanos);
      } else if (others > 0 && othersAnswered == others) {
        health = Math.max(0, health - 1);
      }
      return true;
    });
    if (nowNanos - Math.max(lastIllNanos, lastRecoveryNanos) > aliveIntervalNanos) {
      health = Math.max(0, health - 1);
      lastRecoveryNanos = nowNanos;
    }
    return counted;
  }

  private void ill(long nowNanos) {
    health = Math.min(maxHealth, health + 1);
    lastIllNanos = nowNanos;
  }

  /** Whether {@code suspect} may have a round started now: none under way for it, and room for one. */
  boolean canStart(PkiId suspect) {
    return !rounds.containsKey(suspect) && rounds.size() < roundsAtOnce;
  }

  /** A round for {@code suspect} was sent to {@code asked} (the suspect itself among them). */
  void started(PkiId suspect, Set<PkiId> asked) {
    rounds.put(suspect, new Round(Set.copyOf(asked), checks));
  }

  /** {@code peer} answered a membership request: it counts for every round under way that asked it. */
  void answered(PkiId peer) {
    rounds.values().forEach(round -> {
      if (round.asked.contains(peer)) {
        round.answered.add(peer);
      }
    });
  }

  /** Whether local health is at its worst (maxHealth, above 0): rounds wait as long as they may. */
  boolean atWorst() {
    return maxHealth > 0 && health == maxHealth;
  }

  /** 0 when healthy; at h, rounds wait h + 1 checks for their answers. */
  int health() {
    return health;
  }
}
