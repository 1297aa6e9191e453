package io.hearsay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.bench.dissemination.DisseminationReport;
import io.hearsay.bench.epidemic.EpidemicReport;
import io.hearsay.runtime.admin.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code --json}, a bench writes exactly one JSON document on stdout; progress goes to stderr. */
class JsonOutputTest {

  @TempDir
  Path out;

  @FunctionalInterface
  private interface Main {
    void run(String[] args) throws Exception;
  }

  private static Object stdoutOf(Main main, String... args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      main.run(args);
    } finally {
      System.setOut(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    try {
      return Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw new AssertionError("stdout is not one JSON document (" + e.getMessage() + "):\n"
          + text.substring(0, Math.min(text.length(), 2000)), e);
    }
  }

  @Test
  void epidemicJsonIsOneDocument() throws Exception {
    Map<?, ?> report = (Map<?, ?>) stdoutOf(EpidemicReport::main, "--out", out.toString(), "--peers", "100",
        "--trials", "2", "--json");
    assertEquals(100L, Json.asLong(report.get("peers")));
    assertTrue(!((List<?>) report.get("results")).isEmpty());
  }

  @Test
  void disseminationJsonIsOneDocument() throws Exception {
    Map<?, ?> report = (Map<?, ?>) stdoutOf(DisseminationReport::main, "--out", out.toString(), "--peers", "4",
        "--blocks", "3", "--warmup", "1", "--loss", "0", "--profile", "hearsay", "--busy", "0.2", "--json");
    assertEquals(4L, Json.asLong(report.get("peers")));
    List<?> runs = (List<?>) report.get("runs");
    assertEquals(1, runs.size(), "one profile at one loss rate");
    assertTrue(((Number) report.get("verifyMicrosBefore")).doubleValue() > 0, "the machine's speed: " + report);
    assertTrue(((Number) report.get("verifyMicrosAfter")).doubleValue() > 0, "the machine's speed: " + report);
    assertEquals(0.2, ((Number) report.get("busyFractionOfOneCore")).doubleValue());
    assertTrue(((Number) report.get("gcMillis")).longValue() >= 0, "the collector's time: " + report);
    assertEquals(3, ((List<?>) ((Map<?, ?>) runs.get(0)).get("notByPushInBlockOrder")).size(), "one count per measured block");
  }
}
