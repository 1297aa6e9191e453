package io.hearsay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fabric's environment overrides: {@code CORE_} followed by a core.yaml key path in upper case
 * with dots as underscores, e.g. {@code CORE_PEER_GOSSIP_ALIVETIMEINTERVAL=2s} for
 * {@code peer.gossip.aliveTimeInterval}. Only keys that exist under {@code peer} and
 * {@code operations} are overridden;
 * list keys take Fabric's space-separated form ({@code CORE_PEER_GOSSIP_BOOTSTRAP="a:1 b:2"}).
 */
public final class FabricEnvironment {

  private static final String PREFIX = "CORE_";
  /** The core.yaml sections Hearsay reads. */
  private static final List<String> ROOTS = List.of("peer", "operations");

  private FabricEnvironment() {}

  /** The overrides the environment makes to the keys {@code reference} defines under {@code peer}. */
  public static Config overrides(Map<String, String> environment, Config reference) {
    Map<String, String> pathByVariable = new HashMap<>();
    for (String root : ROOTS) {
      for (Map.Entry<String, ConfigValue> entry : reference.getConfig(root).entrySet()) {
        String path = root + "." + entry.getKey();
        pathByVariable.put(PREFIX + path.toUpperCase(Locale.ROOT).replace('.', '_'), path);
      }
    }
    Map<String, Object> overrides = new HashMap<>();
    environment.forEach((variable, value) -> {
      String path = pathByVariable.get(variable);
      if (path != null) {
        boolean isList = reference.getValue(path).valueType() == ConfigValueType.LIST;
        overrides.put(path, isList ? split(value) : value);
      }
    });
    Config config = ConfigFactory.empty("environment variables (CORE_*)");
    for (var override : overrides.entrySet()) {
      config = config.withValue(override.getKey(),
          ConfigValueFactory.fromAnyRef(override.getValue(), "environment variable "
              + PREFIX + override.getKey().toUpperCase(Locale.ROOT).replace('.', '_')));
    }
    return config;
  }

  private static List<String> split(String value) {
    return Arrays.stream(value.trim().split("[\\s,]+")).filter(s -> !s.isEmpty()).toList();
  }
}
