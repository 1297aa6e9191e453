package io.hearsay.runtime;

import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.identity.LocalMsp;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.PeerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads a node's signing identity and the MSPs it trusts from the MSP directories in its settings. */
public final class PeerIdentityFiles {

  private PeerIdentityFiles() {}

  static SigningIdentity signingIdentity(PeerSettings settings) throws ConfigError {
    return signingIdentity(settings.localMspId(), settings.mspConfigPath(), "peer.mspConfigPath");
  }

  /**
   * The identity in an MSP directory's signcerts/ and keystore/; {@code key} names the config key
   * in errors. The key is the keystore file whose public key is the certificate's, as Fabric's
   * BCCSP finds it: cryptogen writes one {@code priv_sk}, a Fabric CA enrolment one
   * {@code <SKI>_sk} per enrolment, so a re-enrolled MSP holds several.
   */
  public static SigningIdentity signingIdentity(String mspId, Path msp, String key) throws ConfigError {
    Path cert = files(msp.resolve("signcerts"), key).get(0);
    X509Certificate certificate;
    try {
      certificate = Pem.readCertificate(cert);
    } catch (IOException | CertificateException e) {
      throw new ConfigError(key + " = " + msp + ": cannot read the sign certificate " + cert + ": " + e.getMessage(), e);
    }
    List<Path> keys = files(msp.resolve("keystore"), key);
    for (Path privateKey : keys) {
      try {
        PrivateKey candidate = Pem.readPrivateKey(privateKey);
        if (keys.size() == 1 || Ecdsa.matches(candidate, certificate.getPublicKey())) {
          return SigningIdentity.of(mspId, certificate, candidate);
        }
      } catch (IOException | IllegalArgumentException e) {
        if (keys.size() == 1) {
          throw new ConfigError(key + " = " + msp + ": cannot load the signing identity from " + cert + " and "
              + privateKey + ": " + e.getMessage(), e);
        }
      }
    }
    throw new ConfigError(key + " = " + msp + ": no key in " + msp.resolve("keystore") + " belongs to " + cert);
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

  private static List<Path> files(Path dir, String key) throws ConfigError {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> found = files.filter(Files::isRegularFile).sorted().toList();
      if (found.isEmpty()) {
        throw new ConfigError(key + ": no file in " + dir);
      }
      return found;
    } catch (IOException e) {
      throw new ConfigError(key + ": cannot read " + dir + ": " + e.getMessage(), e);
    }
  }
}
