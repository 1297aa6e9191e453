package io.hearsay.runtime.config;

import java.util.Optional;

/** A Fabric endpoint, {@code host:port}: how peers name each other in config and in alive messages. */
public record Endpoint(String host, int port) {

  public Endpoint {
    if (host.isBlank()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " out of range");
    }
  }

  /** Parses {@code host:port}; empty when the text is not such an address. */
  public static Optional<Endpoint> parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return Optional.empty();
    }
    String host = text.substring(0, colon).trim();
    String port = text.substring(colon + 1).trim();
    if (host.isEmpty() || host.contains(" ") || !port.chars().allMatch(Character::isDigit) || port.length() > 5) {
      return Optional.empty();
    }
    int number = Integer.parseInt(port);
    return number > 65535 ? Optional.empty() : Optional.of(new Endpoint(host, number));
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
