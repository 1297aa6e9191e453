package io.hearsay.runtime.config;

/** A peer's configuration cannot be used; the message names the key and the file. */
public final class ConfigError extends Exception {

  public ConfigError(String message) {
    super(message);
  }

  public ConfigError(String message, Throwable cause) {
    super(message, cause);
  }
}
