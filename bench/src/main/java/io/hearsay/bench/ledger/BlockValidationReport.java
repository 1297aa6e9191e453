package io.hearsay.bench.ledger;

import io.hearsay.bench.report.JmhRuns;
import io.hearsay.runtime.admin.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link BlockValidationBenchmark} and writes what checking a block costs as a ratio to its
 * floor, one raw ECDSA verify plus the SHA-256 of the block's data, measured in the same run:
 * {@code results/block-validation.md} and {@code .json}. Usage: {@code [--quick] [--out DIR]}.
 */
public final class BlockValidationReport {

  private BlockValidationReport() {}

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = List.of(args).contains("--quick");
    int outIndex = List.of(args).indexOf("--out");
    Path out = Path.of(outIndex >= 0 ? args[outIndex + 1] : "bench/results");
    Map<String, Double> micros = new LinkedHashMap<>();
    JmhRuns.run(BlockValidationBenchmark.class, quick, "-Xmx1g").forEach((name, score) -> micros.put(name, 1e6 / score[0]));
    write(out, micros);
  }

  static void write(Path out, Map<String, Double> micros) throws IOException {
    double floor = micros.get("rawVerify") + micros.get("rawDataHash");
    Map<String, Object> results = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Checking a signed block against its floor (JMH, one thread)

        10 000 blocks of 10 key-value transactions (≈ 10 KB), signed by an orderer of a validated
        org. The floor is one raw ECDSA P-256 verify of a block's signed bytes plus the SHA-256 of
        its data, measured in the same run: %.1f µs. A pushed block is checked on arrival (before it
        is passed on) and by the ledger (before it is appended); a pulled one by the ledger only.

        | step | µs per block | ratio to the floor |
        | --- | ---: | ---: |
        """, floor));
    for (var entry : micros.entrySet()) {
      double ratio = entry.getValue() / floor;
      md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f |%n", entry.getKey(), entry.getValue(), ratio));
      results.put(entry.getKey(), Map.of("microsPerBlock", round(entry.getValue()), "ratioToFloor", round(ratio)));
    }
    double path = micros.get("arrivalThenLedger");
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("floorMicros", round(floor));
    document.put("results", results);
    document.put("pathRatioToFloor", round(path / floor));
    Files.createDirectories(out);
    Files.writeString(out.resolve("block-validation.md"), md);
    Files.writeString(out.resolve("block-validation.json"), Json.write(document) + "\n");
    System.out.print(md);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
