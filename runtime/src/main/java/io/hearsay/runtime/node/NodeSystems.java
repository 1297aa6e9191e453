package io.hearsay.runtime.node;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.ArteryTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;

/** What every node (peer, orderer, client) starts from: its ActorSystem's config, its blocks, its TLS identity. */
public final class NodeSystems {

  /** Every node's ActorSystem has this name, so an endpoint alone addresses a node. */
  public static final String SYSTEM_NAME = "hearsay";
  /**
   * The name of the system actor a peer runs as, standalone or hosted in an application's
   * ActorSystem alike, so peers find each other's actors at one path ({@link #PEER_PATH}).
   */
  public static final String PEER_ACTOR = "hearsay";
  /** Where a peer's actors are in its ActorSystem: other peers address its comm actor under it. */
  public static final String PEER_PATH = "/system/" + PEER_ACTOR;

  private NodeSystems() {}

  /** A node's ActorSystem config: its Artery endpoint and mutual TLS over {@code effective}. */
  public static Config systemConfig(Endpoint endpoint, Optional<ArteryTls> tls, Config effective) {
    return systemConfig(endpoint, tls, effective, Optional.empty());
  }

  /** As above, with the key its TLS registries are found by ({@code hearsay.node-key}). */
  public static Config systemConfig(Endpoint endpoint, Optional<ArteryTls> tls, Config effective,
      Optional<String> nodeKey) {
    String overrides = "pekko.remote.artery.canonical.hostname = \"" + endpoint.host() + "\"\n"
        + "pekko.remote.artery.canonical.port = " + endpoint.port() + "\n"
        + nodeKey.map(k -> "hearsay.node-key = \"" + k + "\"\n").orElse("")
        + tls.map(ArteryTls::arteryConfig).orElse("");
    return ConfigFactory.parseString(overrides).withFallback(effective).resolve();
  }

  /** Reads the block files a config key lists; an unreadable one is a {@link ConfigError} naming key and file. */
  public static List<Block> readBlocks(List<Path> files, String key) throws ConfigError {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      try {
        blocks.add(Block.parseFrom(Files.readAllBytes(file)));
      } catch (IOException e) {
        throw new ConfigError(key + "[" + i + "] = " + file + ": not a readable block: " + e.getMessage(), e);
      }
    }
    return blocks;
  }

  /** SHA-256 of the TLS certificate a node presents (Fabric's tls_cert_hash); empty without TLS. */
  public static ByteString tlsCertificateHash(Optional<ArteryTls> tls) throws ConfigError {
    if (tls.isEmpty()) {
      return ByteString.EMPTY;
    }
    try {
      return ByteString.copyFrom(Ecdsa.sha256(tls.get().certificate().getEncoded()));
    } catch (IOException | CertificateEncodingException e) {
      throw new ConfigError("the node's TLS certificate: " + e.getMessage(), e);
    }
  }

  /** A node's incarnation: its start time in nanoseconds, as Fabric's PeerTime incNum. */
  public static long incarnation() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
