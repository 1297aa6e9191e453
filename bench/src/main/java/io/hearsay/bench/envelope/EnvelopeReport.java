package io.hearsay.bench.envelope;

import io.hearsay.bench.report.BarChart;
import io.hearsay.bench.report.JmhRuns;
import io.hearsay.bench.report.JsonFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link EnvelopeBenchmark} and writes its figures as ratios against the raw verify measured
 * in the same run: {@code results/envelope.md}, {@code .json} and {@code .svg}.
 * Usage: {@code EnvelopeReport [--quick] [--out DIR]}.
 */
public final class EnvelopeReport {

  private EnvelopeReport() {}

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = List.of(args).contains("--quick");
    int outIndex = List.of(args).indexOf("--out");
    Path out = Path.of(outIndex >= 0 ? args[outIndex + 1] : "bench/results");
    Map<String, double[]> scores = JmhRuns.run(EnvelopeBenchmark.class, quick, "-Xmx512m");
    write(out, scores);
  }

  static void write(Path out, Map<String, double[]> scores) throws IOException {
    double baseline = scores.get("rawBcLightweightVerify")[0];
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder("""
        # Envelope sign and verify (JMH, one thread)

        Ratios are against `rawBcLightweightVerify`, the raw ECDSA P-256 verify of the same payload
        bytes with the primitive the envelope path uses, measured in the same run. The fresh
        envelope path and the raw verifies cycle through the same 10 000 signed payloads (more than
        the verifier remembers); the repeated paths show what recognising an envelope already
        verified costs instead.

        | benchmark | ops/s | ± | ratio to raw verify |
        | --- | ---: | ---: | ---: |
        """);
    Map<String, Object> results = new LinkedHashMap<>();
    List<BarChart.Bar> bars = new ArrayList<>();
    for (var entry : scores.entrySet()) {
      double score = entry.getValue()[0];
      double error = entry.getValue()[1];
      double ratio = score / baseline;
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f |%n", entry.getKey(), score, error, ratio));
      results.put(entry.getKey(), Map.of("opsPerSecond", JsonFile.round(score, 1), "error", JsonFile.round(error, 1),
          "ratio", JsonFile.round(ratio, 3)));
      bars.add(new BarChart.Bar(entry.getKey(), ratio, String.format(Locale.ROOT, "%.2f× (%.0f ops/s)", ratio, score)));
    }
    Files.writeString(out.resolve("envelope.md"), md);
    JsonFile.write(out.resolve("envelope.json"), Map.of("baseline", "rawBcLightweightVerify", "results", results));
    Files.writeString(out.resolve("envelope.svg"),
        BarChart.svg("Envelope throughput relative to raw ECDSA verify (same run)", bars));
    System.out.println(md);
  }
}
