package io.hearsay.runtime.node;

import io.hearsay.runtime.cli.HearsayCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a node ({@code hearsay peer start} or {@code hearsay orderer start}) as a separate JVM on
 * this JVM's class path, its output appended to a log file. By default the JVM is small enough
 * that several share a 2-core machine (C1 only, serial GC, 192 MiB); a benchmark that measures
 * the nodes sets {@code -Dhearsay.node.jvm-options="..."} to run them as an operator would.
 */
public final class NodeLauncher {

  /**
   * The JVM options of a node unless {@code hearsay.node.jvm-options} says otherwise: a heap that
   * starts small and gives back what it does not use (a peer's live data is a few tens of MB), one
   * serial collector, the quick compiler only and a code cache sized for it.
   */
  public static final String SMALL = "-Xms16m -Xmx192m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k "
      + "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=160m";

  private NodeLauncher() {}

  /** Starts {@code role} ("peer" or "orderer") from {@code config}; stdout and stderr go to {@code log}. */
  public static Process start(String role, Path config, Path log) throws IOException {
    return start(HearsayCommand.class.getName(), List.of(role, "start", "--config", config.toString()), log);
  }

  /**
   * Starts {@code mainClass} with {@code args} in a JVM as a node's: the same options, class path
   * and environment (a benchmark measures a bare process against a node so).
   */
  public static Process start(String mainClass, List<String> args, Path log) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(List.of(System.getProperty("hearsay.node.jvm-options", SMALL).trim().split("\\s+")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    // glibc's malloc keeps an arena per thread that allocates, 64 MB reserved each: two are plenty
    // for a node whose memory is the JVM's own.
    builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
    return builder
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}
