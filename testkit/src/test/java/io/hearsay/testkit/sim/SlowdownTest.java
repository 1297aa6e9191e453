package io.hearsay.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A slowed network keeps its timing relations: durations grow, rates shrink, modes stay. */
class SlowdownTest {

  @Test
  void durationsAreMultipliedAndRatesDividedUnderTheSectionsNamedOnly() {
    Config config = ConfigFactory.parseString("""
        a.interval = 20s
        a.budget-bytes-per-second = 2KiB
        a.plain-bytes-per-second = 1600
        a.mode = "pull"
        a.count = 3
        b.interval = 1s
        """);
    Config slowed = Slowdown.apply(config, 16, "a");
    assertEquals(Duration.ofSeconds(320), slowed.getDuration("a.interval"));
    assertEquals(128, slowed.getBytes("a.budget-bytes-per-second"), "2 KiB a second, 16 times slower");
    assertEquals(100, slowed.getBytes("a.plain-bytes-per-second"));
    assertEquals("pull", slowed.getString("a.mode"));
    assertEquals(3, slowed.getInt("a.count"));
    assertEquals(Duration.ofSeconds(1), slowed.getDuration("b.interval"), "not a section named");
  }

  @Test
  void linksGetLongerAndNarrowerButAnUncappedLinkStaysUncapped() {
    LinkModel.Links slowed = Slowdown.apply(new LinkModel.Links(Duration.ofMillis(10), Duration.ofMillis(10), 0.01,
        12_500_000), 16);
    assertEquals(Duration.ofMillis(160), slowed.latency());
    assertEquals(Duration.ofMillis(160), slowed.jitter());
    assertEquals(781_250, slowed.bytesPerSecond());
    assertEquals(0.01, slowed.loss());
    assertEquals(0, Slowdown.apply(new LinkModel.Links(Duration.ZERO, Duration.ZERO, 0, 0), 16).bytesPerSecond());
  }
}
