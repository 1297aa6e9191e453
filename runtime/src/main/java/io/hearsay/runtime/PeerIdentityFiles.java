package io.hearsay.runtime;

import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.PeerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads a peer's signing identity and the MSPs it trusts from the MSP directories in its settings. */
final class PeerIdentityFiles {

  private PeerIdentityFiles() {}

  static SigningIdentity signingIdentity(PeerSettings settings) throws ConfigError {
    Path msp = settings.mspConfigPath();
    Path cert = first(msp.resolve("signcerts"));
    Path key = first(msp.resolve("keystore"));
    try {
      return SigningIdentity.load(settings.localMspId(), cert, key);
    } catch (IOException | CertificateException | IllegalArgumentException e) {
      throw new ConfigError("peer.mspConfigPath = " + msp + ": cannot load the signing identity from "
          + cert + " and " + key + ": " + e.getMessage(), e);
    }
  }

  static MspRegistry msps(PeerSettings settings) throws ConfigError {
    List<Msp> msps = new ArrayList<>();
    msps.add(msp(settings.localMspId(), settings.mspConfigPath(), "peer.mspConfigPath"));
    for (int i = 0; i < settings.orgs().size(); i++) {
      PeerSettings.Org org = settings.orgs().get(i);
      msps.add(msp(org.mspId(), org.mspDir(), "hearsay.orgs[" + i + "].mspDir"));
    }
    return new MspRegistry(msps);
  }

  private static Msp msp(String mspId, Path dir, String key) throws ConfigError {
    try {
      return Msp.fromDirectory(mspId, dir);
    } catch (IOException | CertificateException e) {
      throw new ConfigError(key + " = " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Path first(Path dir) throws ConfigError {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).sorted().findFirst()
          .orElseThrow(() -> new ConfigError("peer.mspConfigPath: no file in " + dir));
    } catch (IOException e) {
      throw new ConfigError("peer.mspConfigPath: cannot read " + dir + ": " + e.getMessage(), e);
    }
  }
}
