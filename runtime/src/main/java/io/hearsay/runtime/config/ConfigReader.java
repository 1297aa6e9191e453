package io.hearsay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checked reads of one node's config: every value is read and validated once, and a value that
 * cannot be used is a {@link ConfigError} naming the key and the file ({@code source}). Every
 * settings record's reader goes through here, so one rule reads every mode, duration and
 * endpoint the same way.
 */
public final class ConfigReader {

  private final Config config;
  private final String source;

  public ConfigReader(Config config, String source) {
    this.config = config;
    this.source = source;
  }

  public Config config() {
    return config;
  }

  public String source() {
    return source;
  }

  /** An error about {@code key}, naming the file. */
  public ConfigError error(String key, String problem) {
    return new ConfigError(source + ": " + key + " " + problem);
  }

  public String string(String key) throws ConfigError {
    return read(key, () -> config.getString(key));
  }

  /** A string that must not be blank. */
  public String required(String key) throws ConfigError {
    String value = string(key);
    if (value.isBlank()) {
      throw new ConfigError(source + ": " + key + " must be set");
    }
    return value;
  }

  public boolean bool(String key) throws ConfigError {
    return read(key, () -> config.getBoolean(key));
  }

  public List<String> strings(String key) throws ConfigError {
    return read(key, () -> config.getStringList(key));
  }

  public double number(String key) throws ConfigError {
    return read(key, () -> config.getDouble(key));
  }

  public int atLeastOne(String key) throws ConfigError {
    int n = read(key, () -> config.getInt(key));
    if (n < 1) {
      throw error(key, "= " + n + " must be at least 1");
    }
    return n;
  }

  /** A count that may be 0 (propagateIterations = 0 turns push off, as in Fabric). */
  public int notNegative(String key) throws ConfigError {
    int n = read(key, () -> config.getInt(key));
    if (n < 0) {
      throw error(key, "= " + n + " must not be negative");
    }
    return n;
  }

  public Duration positive(String key) throws ConfigError {
    Duration d = read(key, () -> config.getDuration(key));
    if (d.isNegative() || d.isZero()) {
      throw error(key, "= " + d + " must be positive");
    }
    return d;
  }

  /** A duration that may be 0 (a lease that is off). */
  public Duration notNegativeDuration(String key) throws ConfigError {
    Duration d = read(key, () -> config.getDuration(key));
    if (d.isNegative()) {
      throw error(key, "= " + d + " must not be negative");
    }
    return d;
  }

  /** A size in bytes, at most Integer.MAX_VALUE. */
  public int bytes(String key) throws ConfigError {
    long n = read(key, () -> config.getBytes(key));
    if (n < 1) {
      throw error(key, "= " + n + " must be at least one byte");
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /** A size in bytes that may be 0 (a bound that is off). */
  public long notNegativeBytes(String key) throws ConfigError {
    long n = read(key, () -> config.getBytes(key));
    if (n < 0) {
      throw error(key, "= " + n + " must not be negative");
    }
    return n;
  }

  /** A value naming a constant of {@code type}, written in lower case with dashes ("push-pull" for PUSH_PULL). */
  public <E extends Enum<E>> E choice(String key, Class<E> type) throws ConfigError {
    String value = string(key);
    for (E constant : type.getEnumConstants()) {
      if (name(constant).equals(value)) {
        return constant;
      }
    }
    throw error(key, "must be one of " + Arrays.stream(type.getEnumConstants()).map(e -> "\"" + name(e) + "\"").toList()
        + ", not \"" + value + "\"");
  }

  private static String name(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A {@code host:port} value. */
  public Endpoint endpoint(String key) throws ConfigError {
    return endpoint(string(key), key);
  }

  /** A {@code host:port} value, or empty when blank. */
  public Optional<Endpoint> optionalEndpoint(String key) throws ConfigError {
    String value = string(key);
    return value.isBlank() ? Optional.empty() : Optional.of(endpoint(value, key));
  }

  /** A list of {@code host:port} values. */
  public List<Endpoint> endpoints(String key) throws ConfigError {
    List<String> values = strings(key);
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      endpoints.add(endpoint(values.get(i), key + "[" + i + "]"));
    }
    return endpoints;
  }

  private Endpoint endpoint(String value, String key) throws ConfigError {
    return Endpoint.parse(value).orElseThrow(() -> error(key, "= \"" + value + "\" is not a host:port address"));
  }

  /** A path that must name an existing file. */
  public Path existingFile(String key) throws ConfigError {
    String value = string(key);
    if (value.isBlank() || !Files.isRegularFile(Path.of(value))) {
      throw error(key, "= \"" + value + "\": file not found");
    }
    return Path.of(value);
  }

  /** Paths that must each name an existing file. */
  public List<Path> existingFiles(String key) throws ConfigError {
    List<String> values = strings(key);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      if (!Files.isRegularFile(Path.of(values.get(i)))) {
        throw error(key + "[" + i + "]", "= \"" + values.get(i) + "\": file not found");
      }
      files.add(Path.of(values.get(i)));
    }
    return files;
  }

  /** An MSP directory with a signing identity: signcerts/, keystore/ and cacerts/, none empty. */
  public Path mspDirectory(String key) throws ConfigError {
    Path msp = Path.of(required(key));
    for (String dir : List.of("signcerts", "keystore", "cacerts")) {
      Path d = msp.resolve(dir);
      if (!Files.isDirectory(d) || isEmpty(d)) {
        throw error(key, "= " + msp + ": missing or empty " + d);
      }
    }
    return msp;
  }

  private boolean isEmpty(Path dir) throws ConfigError {
    try (var files = Files.list(dir)) {
      return files.findAny().isEmpty();
    } catch (IOException e) {
      throw new ConfigError("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface Read<T> {
    T get();
  }

  private <T> T read(String key, Read<T> read) throws ConfigError {
    try {
      return read.get();
    } catch (ConfigException e) {
      throw new ConfigError(source + ": " + e.getMessage(), e);
    }
  }
}
