package io.hearsay.testkit.fabric;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A running process (one net.sh started) read from {@code /proc} before it is SIGKILLed — its
 * command line, environment and working directory — so that it can be started again exactly as
 * it was, its output appended to the same log and its new pid written where net.sh keeps it.
 */
final class RestartableProcess {

  private final List<String> command;
  private final Map<String, String> environment;
  private final Path workingDir;
  private long pid;
  private Optional<Process> restarted = Optional.empty();

  private RestartableProcess(long pid, List<String> command, Map<String, String> environment, Path workingDir) {
    this.pid = pid;
    this.command = command;
    this.environment = environment;
    this.workingDir = workingDir;
  }

  /** The process whose pid {@code pidFile} holds. */
  static RestartableProcess of(Path pidFile) throws IOException {
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Path proc = Path.of("/proc", String.valueOf(pid));
    List<String> command = new ArrayList<>(split(Files.readAllBytes(proc.resolve("cmdline"))));
    // argv[0] was found on the process's PATH; the executable itself is what runs again.
    command.set(0, Files.readSymbolicLink(proc.resolve("exe")).toString());
    Map<String, String> environment = new LinkedHashMap<>();
    for (String entry : split(Files.readAllBytes(proc.resolve("environ")))) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        environment.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return new RestartableProcess(pid, command, environment, Files.readSymbolicLink(proc.resolve("cwd")));
  }

  private static List<String> split(byte[] nulSeparated) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < nulSeparated.length; i++) {
      if (nulSeparated[i] == 0) {
        parts.add(new String(nulSeparated, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return parts;
  }

  boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** SIGKILL, and wait until it is gone. */
  void kill() throws InterruptedException {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isPresent()) {
      handle.get().destroyForcibly();
      handle.get().onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }

  /** Starts it again as it was, appending to {@code log}; its pid goes to {@code pidFile}. */
  void start(Path log, Path pidFile) throws IOException {
    start(log, pidFile, Map.of());
  }

  /** As {@link #start(Path, Path)}, with {@code overrides} set in its environment. */
  void start(Path log, Path pidFile, Map<String, String> overrides) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.environment().putAll(overrides);
    Process process = builder.start();
    restarted = Optional.of(process);
    pid = process.pid();
    Files.writeString(pidFile, pid + "\n");
  }
}
