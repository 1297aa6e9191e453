package io.hearsay.testkit.epidemic;

import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.channels.epidemic.RumorMongering;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The epidemic families run on {@code peers} replicas in synchronous rounds, one update starting
 * at replica 0, with seeded randomness: the model of Demers et al., used to check the plain
 * classes against the theory (tests) and to measure them (bench). No network: every contact
 * arrives in its round.
 */
public final class Rounds {

  private static final VersionedReplica.Update<String> UPDATE = new VersionedReplica.Update<>("update", 1, "value");

  private Rounds() {}

  /**
   * Fabric's push (infect-and-die): a replica that receives the update for the first time pushes it
   * once to {@code fanout} distinct random others and never again. The fraction never reached.
   */
  public static double infectAndDieResidue(int peers, int fanout, SplittableRandom random) {
    boolean[] has = new boolean[peers];
    has[0] = true;
    int reached = 1;
    List<Integer> fresh = List.of(0);
    while (!fresh.isEmpty()) {
      List<Integer> next = new ArrayList<>();
      for (int i : fresh) {
        for (int target : distinctOthers(i, fanout, peers, random)) {
          if (!has[target]) {
            has[target] = true;
            reached++;
            next.add(target);
          }
        }
      }
      fresh = next;
    }
    return 1.0 - (double) reached / peers;
  }

  /** Push rumor mongering: each round every replica holding the rumor hot contacts one random other. */
  public static double rumorResidue(int peers, int k, RumorMongering.Feedback feedback, RumorMongering.Loss loss,
      SplittableRandom random) {
    List<VersionedReplica<String>> replicas = new ArrayList<>();
    List<RumorMongering<String>> rumors = new ArrayList<>();
    for (int i = 0; i < peers; i++) {
      replicas.add(new VersionedReplica<>());
      rumors.add(new RumorMongering<>(k, feedback, loss, random));
    }
    replicas.get(0).offer(UPDATE);
    rumors.get(0).learned(UPDATE.key());
    int reached = 1;
    List<Integer> active = List.of(0);
    while (!active.isEmpty()) {
      List<Integer> infected = new ArrayList<>();
      for (int i : active) {
        int partner = other(i, peers, random);
        boolean knew = !replicas.get(partner).offer(UPDATE);
        if (!knew) {
          reached++;
          infected.add(partner);
        }
        rumors.get(i).pushed(UPDATE.key(), knew);
      }
      // Replicas infected this round start spreading next round.
      infected.forEach(p -> rumors.get(p).learned(UPDATE.key()));
      List<Integer> next = new ArrayList<>();
      for (int i = 0; i < peers; i++) {
        if (rumors.get(i).isActive()) {
          next.add(i);
        }
      }
      active = next;
    }
    return 1.0 - (double) reached / peers;
  }

  /**
   * Anti-entropy: each round every replica starts one exchange with a random other. The fraction of
   * replicas still lacking the update after each round, until none does (the list's size is the
   * number of rounds to converge).
   */
  public static List<Double> antiEntropyCurve(int peers, AntiEntropy.Mode mode, SplittableRandom random) {
    List<VersionedReplica<String>> replicas = new ArrayList<>();
    for (int i = 0; i < peers; i++) {
      replicas.add(new VersionedReplica<>());
    }
    replicas.get(0).offer(UPDATE);
    int have = 1;
    List<Double> lacking = new ArrayList<>();
    while (have < peers) {
      for (int i = 0; i < peers; i++) {
        have += ReplicaExchange.exchange(mode, replicas.get(i), replicas.get(other(i, peers, random))).taken();
      }
      lacking.add(1.0 - (double) have / peers);
    }
    return lacking;
  }

  /** The root below 1 of s = e^{-m(1-s)}: the residue the theory predicts (m = fanout, or k + 1). */
  public static double analyticResidue(int m) {
    double s = 0.5;
    for (int i = 0; i < 500; i++) {
      s = Math.exp(-m * (1 - s));
    }
    return s;
  }

  private static int other(int self, int peers, SplittableRandom random) {
    return (self + 1 + random.nextInt(peers - 1)) % peers;
  }

  private static Set<Integer> distinctOthers(int self, int count, int peers, SplittableRandom random) {
    Set<Integer> chosen = new HashSet<>();
    while (chosen.size() < Math.min(count, peers - 1)) {
      chosen.add(other(self, peers, random));
    }
    return chosen;
  }
}
