package io.hearsay.protocol.testing;

import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.SigningIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;

/**
 * Crypto material for tests, generated once per JVM by the real generator: two peer orgs with
 * three peers each and an orderer org. Removed when the JVM exits.
 */
public final class TestCrypto {

  public static final int ORGS = 2;
  public static final int PEERS_PER_ORG = 3;

  private static CryptoMaterial material;

  private TestCrypto() {}

  public static synchronized CryptoMaterial material() {
    if (material == null) {
      try {
        Path dir = Files.createTempDirectory("hearsay-test-crypto");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Directories.deleteQuietly(dir)));
        material = CryptoMaterialGenerator.generate(
            new CryptoMaterialGenerator.Request(dir, ORGS, PEERS_PER_ORG, true, false));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return material;
  }

  /** Peer {@code peer} (0-based) of org {@code org} (1-based), as its MSP id names it. */
  public static SigningIdentity peer(int org, int peer) {
    CryptoMaterial m = material();
    CryptoMaterial.Org o = m.org("Org" + org + "MSP");
    try {
      return m.signingIdentity(o, o.nodes().get(peer));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The MSPs of every org in the test material. */
  public static MspRegistry msps() {
    try {
      return material().mspRegistry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

}
