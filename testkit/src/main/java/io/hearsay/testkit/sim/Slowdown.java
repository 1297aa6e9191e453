package io.hearsay.testkit.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a simulated network {@code factor} times slower than its configuration says: every
 * duration under the given config sections, and the links' latency, is multiplied, and every
 * rate (a {@code *-bytes-per-second} setting, the links' bandwidth) divided, so that a network
 * too large for this machine in real time keeps its timing relations. Measured times are
 * divided by the factor to be read in the network's own time; CPU work is not slowed, so they
 * describe peers that many times faster than this machine's share of a core per peer.
 */
public final class Slowdown {

  private Slowdown() {}

  /**
   * {@code config} with every duration under {@code sections} multiplied by {@code factor}, and
   * every {@code *-bytes-per-second} divided by it.
   */
  public static Config apply(Config config, int factor, String... sections) {
    Map<String, Object> scaled = new HashMap<>();
    for (String section : sections) {
      for (var entry : config.getConfig(section).entrySet()) {
        String path = section + "." + entry.getKey();
        if (entry.getKey().endsWith("bytes-per-second")) {
          scaled.put(path, config.getBytes(path) / factor + "B");
          continue;
        }
        if (entry.getValue().valueType() != ConfigValueType.STRING) {
          continue;
        }
        try {
          scaled.put(path, config.getDuration(path).toMillis() * factor + "ms");
        } catch (ConfigException.BadValue notADuration) {
          // a string setting that is not a duration (an endpoint, a mode)
        }
      }
    }
    return ConfigFactory.parseMap(scaled).withFallback(config);
  }

  public static LinkModel.Links apply(LinkModel.Links links, int factor) {
    long bandwidth = links.bytesPerSecond() == 0 ? 0 : Math.max(1, links.bytesPerSecond() / factor);
    return new LinkModel.Links(links.latency().multipliedBy(factor), links.jitter().multipliedBy(factor), links.loss(),
        bandwidth);
  }
}
