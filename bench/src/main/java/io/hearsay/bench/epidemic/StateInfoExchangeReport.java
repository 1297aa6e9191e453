package io.hearsay.bench.epidemic;

import io.hearsay.bench.report.JsonFile;
import io.hearsay.bench.report.LineChart;
import io.hearsay.bench.report.Options;
import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.testkit.sim.SimulatedIdentities;
import io.hearsay.testkit.sim.SimulatedNetwork;
import io.hearsay.testkit.sim.StateInfoRounds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The three anti-entropy exchange modes on real StateInfo: {@code --peers} peers, each running the
 * channel's own {@link StateInfoGossip} with its own identity (every message signed and checked),
 * a new StateInfo not sent at all ({@code state-info.dissemination = anti-entropy}), so only the
 * rounds carry it. Every peer knows every other's older StateInfo; one publishes a new one; in each
 * synchronous round every peer starts one exchange with one random peer. Per mode: rounds until
 * every peer holds it, the fraction still lacking after each round, and messages and bytes per
 * round. Writes {@code stateinfo-exchange.{md,json,svg}}.
 *
 * <p>Usage: {@code StateInfoExchangeReport [--peers 1000] [--seed 2026] [--out bench/results]}.
 */
public final class StateInfoExchangeReport {

  private StateInfoExchangeReport() {}

  /** One mode: fraction lacking after each round, and traffic. */
  record Row(AntiEntropy.Mode exchange, List<Double> lacking, double messagesPerRound, double bytesPerRound) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, Map.of("--peers", "1000",
        "--seed", "2026", "--out", "bench/results"));
    int n = Integer.parseInt(options.get("--peers"));
    long seed = Long.parseLong(options.get("--seed"));
    SimulatedIdentities identities = SimulatedIdentities.generate(n, SimulatedNetwork.scratchDir("stateinfo-exchange"));
    List<Row> rows = new ArrayList<>();
    for (AntiEntropy.Mode exchange : AntiEntropy.Mode.values()) {
      rows.add(run(identities, exchange, seed));
      System.out.printf("%s: %d rounds%n", exchange, rows.get(rows.size() - 1).lacking().size());
    }
    write(Path.of(options.get("--out")), n, seed, rows);
  }

  private static Row run(SimulatedIdentities identities, AntiEntropy.Mode exchange, long seed) {
    int n = identities.signers().size();
    StateInfoRounds rounds = new StateInfoRounds(identities.org().mspId(), identities.signers(), identities.verifier(),
        StateInfoGossip.Settings.FABRIC.with(StateInfoGossip.Spread.ANTI_ENTROPY, exchange), seed);
    for (int i = 0; i < n; i++) {
      rounds.peer(i).publish(1);
    }
    rounds.introduceAll();
    rounds.peer(0).publish(2);
    List<Double> lacking = new ArrayList<>();
    while (rounds.knowing(0, 2) < n - 1) {
      if (lacking.size() > 200) {
        throw new IllegalStateException(exchange + " did not converge in 200 rounds");
      }
      rounds.round(1);
      lacking.add((n - 1 - rounds.knowing(0, 2)) / (double) (n - 1));
    }
    if (!rounds.rejections().isEmpty()) {
      throw new IllegalStateException(exchange + ": messages refused: " + rounds.rejections().subList(0, 1));
    }
    return new Row(exchange, lacking, rounds.messages() / (double) lacking.size(), rounds.bytes() / (double) lacking.size());
  }

  private static void write(Path out, int n, long seed, List<Row> rows) throws Exception {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # StateInfo anti-entropy: push, pull and push-pull on real messages

        %d peers, each running the channel's own StateInfo gossip with its own identity (every message
        signed and verified), all holding each other's older StateInfo; peer 0 publishes a new one that is
        not sent (`hearsay.channels.state-info.dissemination = anti-entropy`): only the exchanges carry it.
        Each round, every peer starts one exchange with one random peer (`bench/run stateinfo-exchange`,
        seed %d). pull is Fabric's StateInfo pull (request, snapshot); push sends a snapshot; push-pull is a
        pull followed by the entries the answer lacked. Messages and bytes count every envelope sent.

        | mode | rounds until all %d hold it | fraction lacking after rounds 1, 2, 3, ... | messages per round | MB per round |
        | --- | ---: | --- | ---: | ---: |
        """, n, seed, n));
    List<Map<String, Object>> modes = new ArrayList<>();
    List<LineChart.Series> series = new ArrayList<>();
    for (Row row : rows) {
      String mode = row.exchange().name().toLowerCase(Locale.ROOT).replace('_', '-');
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.1f |%n", mode, row.lacking().size(),
          row.lacking().stream().map(f -> String.format(Locale.ROOT, "%.4f", f)).toList(), row.messagesPerRound(),
          row.bytesPerRound() / 1e6));
      Map<String, Object> modeJson = new LinkedHashMap<>();
      modeJson.put("mode", mode);
      modeJson.put("rounds", row.lacking().size());
      modeJson.put("lacking", row.lacking());
      modeJson.put("messagesPerRound", JsonFile.round(row.messagesPerRound(), 1));
      modeJson.put("bytesPerRound", Math.round(row.bytesPerRound()));
      modes.add(modeJson);
      List<double[]> points = new ArrayList<>();
      for (int r = 0; r < row.lacking().size(); r++) {
        points.add(new double[] {r + 1, row.lacking().get(r)});
      }
      series.add(new LineChart.Series(mode, points));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("peers", n);
    document.put("seed", seed);
    document.put("modes", modes);
    Files.createDirectories(out);
    Files.writeString(out.resolve("stateinfo-exchange.md"), md);
    JsonFile.write(out.resolve("stateinfo-exchange.json"), document);
    Files.writeString(out.resolve("stateinfo-exchange.svg"), LineChart.svg(
        "StateInfo anti-entropy, " + n + " peers: fraction lacking the new StateInfo", "round", "fraction lacking", series));
    System.out.print(md);
  }
}
