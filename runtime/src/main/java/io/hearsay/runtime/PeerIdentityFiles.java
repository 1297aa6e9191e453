package io.hearsay.runtime;

import io.hearsay.protocol.identity.LocalMsp;
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

/** Reads a node's signing identity and the MSPs it trusts from the MSP directories in its settings. */
public final class PeerIdentityFiles {

  private PeerIdentityFiles() {}

  static SigningIdentity signingIdentity(PeerSettings settings) throws ConfigError {
    return signingIdentity(settings.localMspId(), settings.mspConfigPath(), "peer.mspConfigPath");
  }

  /** The identity in an MSP directory's signcerts/ and keystore/; {@code key} names the config key in errors. */
  public static SigningIdentity signingIdentity(String mspId, Path msp, String key) throws ConfigError {
    Path cert = first(msp.resolve("signcerts"), key);
    Path privateKey = first(msp.resolve("keystore"), key);
    try {
      return SigningIdentity.load(mspId, cert, privateKey);
    } catch (IOException | CertificateException | IllegalArgumentException e) {
      throw new ConfigError(key + " = " + msp + ": cannot load the signing identity from "
          + cert + " and " + privateKey + ": " + e.getMessage(), e);
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

  /** The node's own MSP with its admins and NodeOUs, from {@code peer.mspConfigPath}. */
  static LocalMsp localMsp(PeerSettings settings) throws ConfigError {
    try {
      return LocalMsp.read(settings.localMspId(), settings.mspConfigPath());
    } catch (IOException | CertificateException e) {
      throw new ConfigError("peer.mspConfigPath = " + settings.mspConfigPath() + ": " + e.getMessage(), e);
    }
  }

  /** The MSP (root CAs) in a directory; {@code key} names the config key in errors. */
  public static Msp msp(String mspId, Path dir, String key) throws ConfigError {
    try {
      return Msp.fromDirectory(mspId, dir);
    } catch (IOException | CertificateException e) {
      throw new ConfigError(key + " = " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Path first(Path dir, String key) throws ConfigError {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).sorted().findFirst()
          .orElseThrow(() -> new ConfigError(key + ": no file in " + dir));
    } catch (IOException e) {
      throw new ConfigError(key + ": cannot read " + dir + ": " + e.getMessage(), e);
    }
  }
}
