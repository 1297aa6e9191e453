package io.hearsay.protocol.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directory trees Hearsay writes and replaces: crypto material, networks, ledgers of tests and benchmarks. */
public final class Directories {

  private Directories() {}

  /** Deletes a directory tree, deepest first; a file that cannot be deleted is an error. */
  public static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Deletes what it can of a temporary directory tree: a leftover is harmless. */
  public static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // nothing there, or unreadable: nothing to clean up
    }
  }
}
