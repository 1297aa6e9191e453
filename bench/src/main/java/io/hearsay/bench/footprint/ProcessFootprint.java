package io.hearsay.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the OS says a process costs: resident memory and threads from {@code /proc/PID/status},
 * and CPU time (user + system, all threads) from {@code /proc/PID/stat}, over an idle window.
 */
record ProcessFootprint(long rssKb, int threads, double cpuPercent) {

  /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100.0;

  /** Reads the footprint of {@code pid}, its CPU use averaged over {@code window} (which this waits). */
  static ProcessFootprint of(long pid, Duration window) throws IOException, InterruptedException {
    long before = cpuTicks(pid);
    long start = System.nanoTime();
    Thread.sleep(window.toMillis());
    long ticks = cpuTicks(pid) - before;
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
    return new ProcessFootprint(field(status, "VmRSS:"), (int) field(status, "Threads:"),
        100.0 * ticks / TICKS_PER_SECOND / seconds);
  }

  double rssMb() {
    return rssKb / 1024.0;
  }

  private static long field(List<String> status, String name) {
    return status.stream().filter(l -> l.startsWith(name)).findFirst()
        .map(l -> Long.parseLong(l.substring(name.length()).trim().split("\\s+")[0]))
        .orElseThrow(() -> new IllegalStateException("no " + name + " in /proc status"));
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
