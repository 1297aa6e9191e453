package io.hearsay.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository's application.conf is a valid, complete peer config. */
class ExampleConfigTest {

  @TempDir
  Path tmp;

  @Test
  void exampleNodeConfigLoadsWithGeneratedMaterial() throws Exception {
    Path example = Path.of(System.getProperty("hearsay.home", "..")).resolve("application.conf");
    Path crypto = tmp.resolve("network/crypto");
    CryptoMaterialGenerator.generate(new CryptoMaterialGenerator.Request(crypto, 2, 3, true, false));
    String text = Files.readString(example).replace("\"network/crypto/", "\"" + crypto + "/");

    PeerSettings settings = PeerSettingsLoader.load(ConfigFactory.parseString(text), example.toString(), Map.of());

    assertEquals("Org1MSP", settings.localMspId());
    assertEquals(new Endpoint("127.0.0.1", 7051), settings.membership().endpoint());
    assertEquals(Duration.ofSeconds(5), settings.membership().aliveTimeInterval());
    assertTrue(settings.tls().isPresent());
    assertEquals(List.of(new Endpoint("127.0.0.1", 8051)), settings.anchorPeers());
  }
}
