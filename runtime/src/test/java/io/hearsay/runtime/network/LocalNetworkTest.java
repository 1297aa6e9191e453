package io.hearsay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.channels.election.Leadership;
import io.hearsay.runtime.config.PeerSettings;
import io.hearsay.runtime.config.PeerSettingsLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config files `network up` writes load as the profile asked for. */
class LocalNetworkTest {

  @TempDir
  Path dir;

  @Test
  void peersOfAHearsayNetworkRunTheHearsayProfileAndAFabricNetworkFabricDefaults() throws Exception {
    LocalNetwork hearsay = LocalNetwork.create(dir.resolve("hearsay"), 1, 2, 1, LocalNetwork.Profile.HEARSAY);
    for (LocalNetwork.Node peer : hearsay.peers()) {
      PeerSettings settings = PeerSettingsLoader.load(peer.config());
      assertTrue(settings.channels().push().plumtree().isPresent(), peer.name() + " disseminates by Plumtree");
      assertTrue(settings.membership().accrual().isPresent(), peer.name() + " detects failures by accrual");
      assertEquals(Leadership.Mode.ELECTED, settings.channels().leadership().mode(), "network up elects leaders");
    }
    LocalNetwork fabric = LocalNetwork.create(dir.resolve("fabric"), 1, 2, 1);
    PeerSettings settings = PeerSettingsLoader.load(fabric.peers().get(0).config());
    assertTrue(settings.channels().push().plumtree().isEmpty() && settings.membership().accrual().isEmpty());
    assertEquals(1, settings.channels().stateTransfer().pipeline());
  }
}
