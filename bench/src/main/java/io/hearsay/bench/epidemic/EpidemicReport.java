package io.hearsay.bench.epidemic;

import io.hearsay.bench.report.BarChart;
import io.hearsay.bench.report.JsonFile;
import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.testkit.epidemic.Rounds;
import io.hearsay.channels.epidemic.RumorMongering;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The epidemic families against their theory, 1000 replicas in synchronous rounds (the plain
 * classes of {@code channels/epidemic}, driven by {@link Rounds}; the actor-level simulated
 * network checks fanout 3 in {@code bench/run dissemination}): infect-and-die push with fanout
 * 2..6 and push rumor mongering (feedback, counter k = 1..5) against s = e^{-m(1-s)}; rounds for anti-entropy to
 * reach every replica in push, pull and push-pull mode, and pull's tail against p(i+1) = p(i)^2.
 * Writes epidemic.{json,md} and epidemic-*.svg.
 */
public final class EpidemicReport {

  private EpidemicReport() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of("bench/results");
    int peers = 1000;
    int trials = 200;
    long seed = 2026;
    boolean asJson = List.of(args).contains("--json");
    for (int i = 0; i < args.length - 1; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[i + 1]);
        case "--peers" -> peers = Integer.parseInt(args[i + 1]);
        case "--trials" -> trials = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> { }
      }
    }
    System.err.printf("seed %d, %d replicas, %d trials%n", seed, peers, trials);
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "# Epidemic families against theory%n%n"
        + "%d replicas in synchronous rounds, %d trials each, seed %d (`bench/run epidemic`). The plain classes of"
        + " `channels/epidemic` driven by `Rounds`; the actor-level simulated network checks fanout 3 in `bench/run dissemination`.%n%n", peers, trials, seed));
    List<Map<String, Object>> json = new ArrayList<>();
    List<BarChart.Bar> bars = new ArrayList<>();

    md.append("| family | parameter | measured residue | e^{-m(1-s)} | ratio |\n| --- | --- | --- | --- | --- |\n");
    for (int fanout = 2; fanout <= 6; fanout++) {
      double measured = mean(trials, random, fanout, peers, true);
      row(md, json, bars, "infect-and-die push", "fanout " + fanout, measured, Rounds.analyticResidue(fanout));
    }
    for (int k = 1; k <= 5; k++) {
      double measured = mean(trials, random, k, peers, false);
      row(md, json, bars, "rumor mongering, feedback, counter", "k " + k, measured, Rounds.analyticResidue(k + 1));
    }

    md.append("\n| anti-entropy mode | mean rounds to reach all | messages per replica per round |\n| --- | --- | --- |\n");
    List<BarChart.Bar> roundBars = new ArrayList<>();
    List<Double> pullCurve = new ArrayList<>();
    for (AntiEntropy.Mode mode : AntiEntropy.Mode.values()) {
      double rounds = 0;
      for (int t = 0; t < trials; t++) {
        List<Double> curve = Rounds.antiEntropyCurve(peers, mode, random);
        rounds += curve.size();
        if (mode == AntiEntropy.Mode.PULL && t == 0) {
          pullCurve = curve;
        }
      }
      rounds /= trials;
      md.append(String.format(Locale.ROOT, "| %s | %.2f | %d |%n", mode, rounds, mode.ordinal() + 1));
      json.add(Map.of("family", "anti-entropy", "mode", mode.toString(), "meanRounds", JsonFile.round(rounds, 3)));
      roundBars.add(new BarChart.Bar(mode.toString(), rounds, String.format(Locale.ROOT, "%.2f rounds", rounds)));
    }
    md.append("\nPull's tail (first trial): fraction lacking the update after each round, and p(i)^2 of the round"
        + " before.\n\n| round | lacking | previous^2 |\n| --- | --- | --- |\n");
    for (int i = 0; i < pullCurve.size(); i++) {
      md.append(String.format(Locale.ROOT, "| %d | %.5f | %s |%n", i + 1, pullCurve.get(i),
          i == 0 ? "" : String.format(Locale.ROOT, "%.5f", pullCurve.get(i - 1) * pullCurve.get(i - 1))));
    }
    Files.createDirectories(out);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("peers", peers);
    document.put("trials", trials);
    document.put("seed", seed);
    document.put("results", json);
    document.put("pullCurve", pullCurve);
    String jsonText = JsonFile.write(out.resolve("epidemic.json"), document);
    Files.writeString(out.resolve("epidemic.md"), md.toString());
    Files.writeString(out.resolve("epidemic-residue.svg"),
        BarChart.svg("Residue: measured (m) and e^{-m(1-s)} (t)", bars));
    Files.writeString(out.resolve("epidemic-anti-entropy.svg"),
        BarChart.svg("Anti-entropy: mean rounds until all " + peers + " replicas have the update", roundBars));
    // With --json, stdout is the one JSON document (progress went to stderr).
    System.out.print(asJson ? jsonText : md);
  }

  /** The mean residue over {@code trials}: infect-and-die with fanout {@code m}, or rumors with counter {@code m}. */
  private static double mean(int trials, SplittableRandom random, int m, int peers, boolean infectAndDie) {
    double sum = 0;
    for (int t = 0; t < trials; t++) {
      sum += infectAndDie ? Rounds.infectAndDieResidue(peers, m, random)
          : Rounds.rumorResidue(peers, m, RumorMongering.Feedback.FEEDBACK, RumorMongering.Loss.COUNTER, random);
    }
    return sum / trials;
  }

  private static void row(StringBuilder md, List<Map<String, Object>> json, List<BarChart.Bar> bars, String family, String parameter,
      double measured, double theory) {
    md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.2f |%n", family, parameter, measured, theory,
        measured / theory));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("family", family);
    result.put("parameter", parameter);
    result.put("residue", JsonFile.round(measured, 5));
    result.put("theory", JsonFile.round(theory, 5));
    json.add(result);
    String label = (family.startsWith("infect") ? "push " : "rumor ") + parameter;
    bars.add(new BarChart.Bar(label + " (m)", measured, String.format(Locale.ROOT, "%.4f", measured)));
    bars.add(new BarChart.Bar(label + " (t)", theory, String.format(Locale.ROOT, "%.4f", theory)));
  }
}
