package io.hearsay.ledger.crash;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.ledger.block.ChainVerifier;
import io.hearsay.ledger.store.LedgerStores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer JVM appends blocks as fast as it can and is killed with SIGKILL mid-stream, several
 * times: every acknowledged block survives, the chain stays valid from genesis, and appending
 * continues at the right number.
 */
class LedgerCrashTest {

  @TempDir
  Path data;

  private record Run(long startHeight, long lastAck) {}

  @Test
  void acknowledgedBlocksSurviveSigkillAndAppendingContinues() throws Exception {
    long lastAck = -1;
    for (int round = 0; round < 4; round++) {
      Run run = runAndKill(40 + round * 17);
      assertTrue(run.startHeight() >= lastAck + 1,
          "round " + round + ": restarted at height " + run.startHeight() + " but block " + lastAck + " was acknowledged");
      assertTrue(run.lastAck() >= run.startHeight(), "round " + round + ": appending continued");
      lastAck = run.lastAck();
    }
    ChainVerifier verifier = new ChainVerifier(Instant.now());
    Path dir = LedgerStores.channelDir(data, "crashchannel");
    List<Path> segments;
    try (var files = Files.list(dir)) {
      segments = files.filter(f -> f.getFileName().toString().startsWith("blockfile_")).sorted().toList();
    }
    for (Path segment : segments) {
      var result = BlockFileScanner.scan(segment, 0, e -> verifier.accept(e.block()));
      assertTrue(result.tornTail().isEmpty() || segment.equals(segments.get(segments.size() - 1)));
    }
    ChainVerifier.Report report = verifier.report();
    assertTrue(report.valid(), report.problems().toString());
    assertTrue(report.height() >= lastAck + 1, "height " + report.height() + ", last acknowledged " + lastAck);
  }

  /** Starts the writer, kills it with SIGKILL after {@code acks} acknowledgements. */
  private Run runAndKill(int acks) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        CrashWriter.class.getName(), data.toString(), "crashchannel").redirectErrorStream(true);
    Process process = builder.start();
    long startHeight = -1;
    long lastAck = -1;
    List<String> output = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      int seen = 0;
      while ((line = in.readLine()) != null) {
        output.add(line);
        if (line.startsWith("HEIGHT ")) {
          startHeight = Long.parseLong(line.substring(7));
        } else if (line.startsWith("ACK ")) {
          lastAck = Long.parseLong(line.substring(4));
          if (++seen >= acks) {
            process.destroyForcibly();
            break;
          }
        }
      }
    } finally {
      process.destroyForcibly();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(startHeight >= 0 && lastAck >= 0, "writer output: " + output);
    return new Run(startHeight, lastAck);
  }
}
