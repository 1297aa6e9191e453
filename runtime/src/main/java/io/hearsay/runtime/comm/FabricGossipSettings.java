package io.hearsay.runtime.comm;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.util.Optional;

/**
 * Fabric's gossip transport, on when {@code peer.listenAddress} is set: the peer serves
 * {@code gossip.Gossip} there (gRPC, with {@code peer.tls}), its {@code peer.gossip.endpoint} and
 * {@code externalEndpoint} are that service's addresses (what Fabric peers dial, what anchor peers
 * and bootstrap lists name), and Artery, which Hearsay peers still use between themselves, listens
 * at {@code hearsay.artery.endpoint} and is announced in the alive message's metadata. A dial
 * waits {@code peer.gossip.dialTimeout} for the remote's Ping.
 */
public record FabricGossipSettings(Endpoint listenAddress, Endpoint artery, Duration dialTimeout) {

  public static Optional<FabricGossipSettings> read(ConfigReader c) throws ConfigError {
    if (c.string("peer.listenAddress").isBlank()) {
      return Optional.empty();
    }
    Endpoint listen = c.endpoint("peer.listenAddress");
    if (c.string("hearsay.artery.endpoint").isBlank()) {
      throw c.error("hearsay.artery.endpoint", "must be set when peer.listenAddress serves Fabric's gossip: "
          + "Hearsay peers reach each other over Artery there (host:port, port 0 for any)");
    }
    Endpoint artery = c.endpoint("hearsay.artery.endpoint");
    if (artery.equals(listen) && artery.port() != 0) {
      throw c.error("hearsay.artery.endpoint", "is peer.listenAddress (" + listen + "): Artery needs a port of its own");
    }
    return Optional.of(new FabricGossipSettings(listen, artery, c.positive("peer.gossip.dialTimeout")));
  }
}
