package io.hearsay.runtime.node;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.runtime.comm.TlsEngineProvider;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;

/** What every node (peer, orderer, client) starts from: its ActorSystem's config, its blocks, its TLS identity. */
public final class NodeSystems {

  /** Every node's ActorSystem has this name, so an endpoint alone addresses a node. */
  public static final String SYSTEM_NAME = "hearsay";

  private NodeSystems() {}

  /** A node's ActorSystem config: its Artery endpoint and mutual TLS over {@code effective}. */
  public static Config systemConfig(Endpoint endpoint, Optional<PeerSettings.Tls> tlsSettings, Config effective) {
    StringBuilder overrides = new StringBuilder()
        .append("pekko.remote.artery.canonical.hostname = \"").append(endpoint.host()).append("\"\n")
        .append("pekko.remote.artery.canonical.port = ").append(endpoint.port()).append('\n');
    tlsSettings.ifPresent(tls -> overrides
        .append("pekko.remote.artery.transport = tls-tcp\n")
        .append("pekko.remote.artery.ssl.ssl-engine-provider = \"").append(TlsEngineProvider.class.getName()).append("\"\n")
        .append("pekko.remote.artery.ssl.config-ssl-engine {\n")
        .append("  key-store = \"").append(tls.keyStore().toAbsolutePath()).append("\"\n")
        .append("  trust-store = \"").append(tls.trustStore().toAbsolutePath()).append("\"\n")
        .append("  key-store-password = \"").append(tls.password()).append("\"\n")
        .append("  key-password = \"").append(tls.password()).append("\"\n")
        .append("  trust-store-password = \"").append(tls.password()).append("\"\n")
        // EC keys: TLS 1.3 suites work; Pekko's default TLS_ECDHE_RSA_* suites do not.
        .append("  protocol = \"TLSv1.3\"\n")
        .append("  enabled-algorithms = [TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256]\n")
        .append("  require-mutual-authentication = on\n")
        .append("  hostname-verification = off\n}\n"));
    return ConfigFactory.parseString(overrides.toString()).withFallback(effective).resolve();
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
  public static ByteString tlsCertificateHash(Optional<PeerSettings.Tls> settings) throws ConfigError {
    if (settings.isEmpty()) {
      return ByteString.EMPTY;
    }
    PeerSettings.Tls tls = settings.get();
    try (InputStream in = Files.newInputStream(tls.keyStore())) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, tls.password().toCharArray());
      return ByteString.copyFrom(Ecdsa.sha256(store.getCertificate(store.aliases().nextElement()).getEncoded()));
    } catch (Exception e) {
      throw new ConfigError("hearsay.tls.keyStore = " + tls.keyStore() + ": cannot read it with the "
          + "password from hearsay.tls.passwordFile: " + e.getMessage(), e);
    }
  }

  /** A node's incarnation: its start time in nanoseconds, as Fabric's PeerTime incNum. */
  public static long incarnation() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
