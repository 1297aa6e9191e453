package io.hearsay.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hearsay.runtime.config.ChannelSettingsReader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TestConfigsTest {

  @Test
  void aProfileWithOneKeyOverriddenMeasuresThatPieceAlone() throws Exception {
    var load = ConfigFactory.load();
    var fabricTargeted = ChannelSettingsReader.read(
        TestConfigs.profile("fabric+hearsay.channels.pull.mode=targeted").withFallback(load), "test");
    assertEquals(Duration.ofSeconds(1), fabricTargeted.pull().targetedInterval().orElseThrow());
    assertTrue(fabricTargeted.push().plumtree().isEmpty(), "the rest stays Fabric's");
    var hearsayFabricPull = ChannelSettingsReader.read(
        TestConfigs.profile("hearsay+hearsay.channels.pull.mode=fabric").withFallback(load), "test");
    assertTrue(hearsayFabricPull.pull().targetedInterval().isEmpty());
    assertTrue(hearsayFabricPull.push().plumtree().isPresent());
    assertThrows(IllegalArgumentException.class, () -> TestConfigs.profile("hearsay+nothing"));
    assertThrows(IllegalArgumentException.class, () -> TestConfigs.profile("bitcoin"));
  }
}
