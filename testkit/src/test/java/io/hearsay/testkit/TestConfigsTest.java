package io.hearsay.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
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
    var numbers = TestConfigs.profile("hearsay+hearsay.membership.accrual.threshold=2.5"
        + "+hearsay.membership.accrual.probes.interval=75ms");
    assertEquals(ConfigValueType.NUMBER, numbers.getValue("hearsay.membership.accrual.threshold").valueType(),
        "a number, as in a config file (readers that check the type refused a string)");
    assertEquals(2.5, numbers.getDouble("hearsay.membership.accrual.threshold"));
    assertEquals(Duration.ofMillis(75), numbers.getDuration("hearsay.membership.accrual.probes.interval"));
    assertEquals(2, numbers.getInt("hearsay.membership.accrual.probes.rounds"), "the profile's other keys stay");
    assertThrows(IllegalArgumentException.class, () -> TestConfigs.profile("hearsay+nothing"));
    assertThrows(IllegalArgumentException.class, () -> TestConfigs.profile("bitcoin"));
  }
}
