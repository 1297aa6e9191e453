package io.hearsay.protocol.identity;

import io.hearsay.protocol.crypto.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Fabric's node organizational units, from an MSP directory's {@code config.yaml}: with
 * {@code NodeOUs.Enable}, a certificate's role (client, peer, admin, orderer) is the OU of its
 * subject that matches the role's {@code OrganizationalUnitIdentifier}, for certificates issued
 * under the role's {@code Certificate} (a CA of the MSP) when one is named.
 */
public final class NodeOUs {

  /** The roles Fabric's NodeOUs name. */
  public enum Role { CLIENT, PEER, ADMIN, ORDERER }

  /** One role's identifier: the OU value, and the CA whose certificates may carry it. */
  public record Identifier(String organizationalUnit, Optional<X509Certificate> certificate) {}

  private static final Map<Role, String> KEYS = Map.of(Role.CLIENT, "ClientOUIdentifier", Role.PEER, "PeerOUIdentifier",
      Role.ADMIN, "AdminOUIdentifier", Role.ORDERER, "OrdererOUIdentifier");

  private final Map<Role, Identifier> identifiers;

  private NodeOUs(Map<Role, Identifier> identifiers) {
    this.identifiers = Map.copyOf(identifiers);
  }

  /**
   * The NodeOUs of {@code mspDir/config.yaml}; empty when there is no such file or it does not
   * enable them. A file that is not Fabric's format is an IOException naming the problem.
   */
  public static Optional<NodeOUs> read(Path mspDir) throws IOException {
    Path file = mspDir.resolve("config.yaml");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    } catch (RuntimeException e) {
      throw new IOException(file + ": not YAML: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?> top) || !(top.get("NodeOUs") instanceof Map<?, ?> nodeOUs)) {
      return Optional.empty();
    }
    if (!Boolean.TRUE.equals(nodeOUs.get("Enable"))) {
      return Optional.empty();
    }
    Map<Role, Identifier> identifiers = new EnumMap<>(Role.class);
    for (Map.Entry<Role, String> key : KEYS.entrySet()) {
      Object entry = nodeOUs.get(key.getValue());
      if (entry == null) {
        continue;
      }
      if (!(entry instanceof Map<?, ?> fields) || !(fields.get("OrganizationalUnitIdentifier") instanceof String ou)) {
        throw new IOException(file + ": NodeOUs." + key.getValue() + " has no OrganizationalUnitIdentifier");
      }
      Optional<X509Certificate> certificate = Optional.empty();
      if (fields.get("Certificate") instanceof String path && !path.isBlank()) {
        try {
          certificate = Optional.of(Pem.readCertificate(mspDir.resolve(path)));
        } catch (CertificateException e) {
          throw new IOException(file + ": NodeOUs." + key.getValue() + ".Certificate " + path + ": " + e.getMessage(), e);
        }
      }
      identifiers.put(key.getKey(), new Identifier(ou, certificate));
    }
    return Optional.of(new NodeOUs(identifiers));
  }

  /** NodeOUs with Fabric's default identifiers (client, peer, admin, orderer) and no CA restriction. */
  public static NodeOUs defaults() {
    Map<Role, Identifier> identifiers = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      identifiers.put(role, new Identifier(role.name().toLowerCase(), Optional.empty()));
    }
    return new NodeOUs(identifiers);
  }

  /**
   * Whether {@code cert} carries {@code role}'s OU and, when the role names a CA, that CA is one of
   * {@code chain} (the CAs that certify {@code cert}, issuer first).
   */
  public boolean hasRole(X509Certificate cert, List<X509Certificate> chain, Role role) {
    Identifier identifier = identifiers.get(role);
    if (identifier == null || !organizationalUnits(cert).contains(identifier.organizationalUnit())) {
      return false;
    }
    return identifier.certificate().map(chain::contains).orElse(true);
  }

  /** The OU values of a certificate's subject. */
  static List<String> organizationalUnits(X509Certificate cert) {
    try {
      return new LdapName(cert.getSubjectX500Principal().getName()).getRdns().stream()
          .filter(rdn -> rdn.getType().equalsIgnoreCase("OU"))
          .map(Rdn::getValue).map(String::valueOf).toList();
    } catch (InvalidNameException e) {
      return List.of();
    }
  }
}
