package io.hearsay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Relative paths in a config file are relative to the file's directory, as Fabric resolves the
 * paths of its core.yaml: a node starts the same from any working directory. The paths are the
 * values of the keys naming files and directories:
 *
 * <pre>
 * any key ending in .file (a path) or .files (a list of paths)    peer.tls.*, operations.tls.*, orderer.tls.*
 * peer.mspConfigPath, orderer.mspConfigPath, hearsay.ledger.data-dir, hearsay.tls.keyStore,
 * hearsay.tls.trustStore, hearsay.tls.passwordFile                 a path
 * hearsay.channels.join, orderer.channels                          a list of paths
 * hearsay.orgs[*].mspDir                                           a path in each entry
 * </pre>
 *
 * Absolute paths, empty values and the environment's overrides are left as they are.
 */
public final class ConfigPaths {

  private static final Set<String> PATHS = Set.of("peer.mspConfigPath", "orderer.mspConfigPath",
      "hearsay.ledger.data-dir", "hearsay.tls.keyStore", "hearsay.tls.trustStore", "hearsay.tls.passwordFile");
  private static final Set<String> PATH_LISTS = Set.of("hearsay.channels.join", "orderer.channels");

  private ConfigPaths() {}

  /** {@code config} as parsed from a file in {@code dir}, its relative paths made relative to {@code dir}. */
  public static Config relativeTo(Config config, Path dir) {
    Config resolved = config;
    Map<String, ConfigValue> leaves = new HashMap<>();
    leaves(config.root(), List.of(), leaves);
    for (Map.Entry<String, ConfigValue> entry : leaves.entrySet()) {
      String key = entry.getKey();
      ConfigValue value = entry.getValue();
      if (value.valueType() == ConfigValueType.STRING && (PATHS.contains(key) || key.endsWith(".file"))) {
        resolved = resolved.withValue(key, ConfigValueFactory.fromAnyRef(resolve(dir, (String) value.unwrapped()))
            .withOrigin(value.origin()));
      } else if (value.valueType() == ConfigValueType.LIST && (PATH_LISTS.contains(key) || key.endsWith(".files"))) {
        List<Object> paths = new ArrayList<>();
        for (Object element : (List<?>) value.unwrapped()) {
          paths.add(element instanceof String path ? resolve(dir, path) : element);
        }
        resolved = resolved.withValue(key, ConfigValueFactory.fromIterable(paths).withOrigin(value.origin()));
      }
    }
    ConfigValue orgsValue = leaves.get("hearsay.orgs");
    if (orgsValue != null && orgsValue.valueType() == ConfigValueType.LIST) {
      List<Object> orgs = new ArrayList<>();
      for (Object org : (List<?>) orgsValue.unwrapped()) {
        if (org instanceof Map<?, ?> entry && entry.get("mspDir") instanceof String mspDir) {
          Map<Object, Object> copy = new HashMap<>(entry);
          copy.put("mspDir", resolve(dir, mspDir));
          orgs.add(copy);
        } else {
          orgs.add(org);
        }
      }
      resolved = resolved.withValue("hearsay.orgs", ConfigValueFactory.fromIterable(orgs).withOrigin(orgsValue.origin()));
    }
    return resolved;
  }

  /** The file's own values by key; a substitution (its value comes from elsewhere) is left out. */
  private static void leaves(ConfigObject object, List<String> at, Map<String, ConfigValue> into) {
    object.forEach((name, value) -> {
      List<String> path = new ArrayList<>(at);
      path.add(name);
      if (value instanceof ConfigObject child) {
        leaves(child, path, into);
        return;
      }
      try {
        value.valueType();
        into.put(ConfigUtil.joinPath(path), value);
      } catch (ConfigException.NotResolved substitution) {
        // not a path written in this file
      }
    });
  }

  private static String resolve(Path dir, String path) {
    if (path.isBlank() || Path.of(path).isAbsolute()) {
      return path;
    }
    return dir.resolve(path).normalize().toString();
  }
}
