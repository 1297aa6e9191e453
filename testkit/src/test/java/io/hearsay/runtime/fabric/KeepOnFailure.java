package io.hearsay.runtime.fabric;

import io.hearsay.protocol.files.Directories;
import io.hearsay.testkit.fabric.FabricNetwork;
import io.hearsay.testkit.fabric.FabricOrgPeer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A scenario's directory (Fabric's logs and ledgers, the Hearsay peers' logs and data) is deleted
 * when every test of the class passed, and kept, with its path printed, when one failed: those
 * logs are what tells why.
 */
final class KeepOnFailure implements TestWatcher {

  private volatile boolean failed;

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
  }

  /** Stops the Hearsay peers, then the Fabric network, then cleans {@code dir} up. */
  void tearDown(List<FabricOrgPeer> peers, FabricNetwork fabric, Path dir) throws Exception {
    for (FabricOrgPeer peer : peers) {
      peer.close();
    }
    if (fabric != null) {
      fabric.close();
    }
    cleanUp(dir);
  }

  private void cleanUp(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    if (failed) {
      System.err.println("a test failed: its Fabric and Hearsay logs and data are kept in " + dir);
    } else {
      Directories.deleteRecursively(dir);
    }
  }
}
