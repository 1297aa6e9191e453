package io.hearsay.protocol.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The team's real Fabric data, read in place from {@code ../shared/fabric-testdata} (the Maven
 * property {@code hearsay.testdata}); tests that need it are skipped, saying where it was
 * expected, when it is absent.
 */
public final class FabricTestData {

  private FabricTestData() {}

  public static Path dir() {
    Path dir = Path.of(System.getProperty("hearsay.testdata", "../../shared/fabric-testdata")).toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(dir), "Fabric test data not found at " + dir
        + " (expected ../shared/fabric-testdata beside the project); skipping");
    return dir;
  }

  public static Path ledger(String name) {
    return dir().resolve("ledgers").resolve(name);
  }

  public static Path block(String name) {
    return dir().resolve("blocks").resolve(name);
  }
}
