package io.hearsay.protocol.cryptogen;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.SigningIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A directory of generated crypto material, in Fabric cryptogen's layout:
 *
 * <pre>
 * DIR/crypto-material.conf                       index: orgs, MSP ids, nodes
 * DIR/peerOrganizations/org1.example.com/
 *     ca/ca.org1.example.com-cert.pem, priv_sk   the org's root CA
 *     tlsca/tlsca.org1.example.com-cert.pem, priv_sk
 *     msp/cacerts/, msp/tlscacerts/, config.yaml the org's MSP (what other orgs trust), NodeOUs on
 *     users/Admin@org1.example.com/              the org's admin (OU admin): msp/, tls/client.crt, client.key
 *     users/User1@org1.example.com/              a client (OU client), same shape
 *     peers/peer0.org1.example.com/
 *         msp/signcerts/peer0.org1.example.com-cert.pem, msp/keystore/priv_sk, msp/cacerts/
 *         tls/ca.crt, server.crt, server.key     as Fabric writes them
 *         tls/keystore.p12, truststore.p12       for Artery tls-tcp (mutual auth)
 *         tls/store.password                     the password of both stores
 * DIR/ordererOrganizations/example.com/orderers/orderer.example.com/ (same shape)
 * </pre>
 */
public final class CryptoMaterial {

  public static final String INDEX_FILE = "crypto-material.conf";
  public static final String KEY_STORE_FILE = "keystore.p12";
  public static final String TRUST_STORE_FILE = "truststore.p12";
  public static final String STORE_PASSWORD_FILE = "store.password";
  /** The users cryptogen writes per org: an admin (OU admin) and a client (OU client). */
  public static final String ADMIN = "Admin";
  public static final String USER = "User1";

  /** Whether an org runs peers or the ordering service; decides Fabric's directory names. */
  public enum Kind {
    PEER("peer", "peerOrganizations", "peers"),
    ORDERER("orderer", "ordererOrganizations", "orderers");

    private final String orgUnit;
    private final String orgsDir;
    private final String nodesDir;

    Kind(String orgUnit, String orgsDir, String nodesDir) {
      this.orgUnit = orgUnit;
      this.orgsDir = orgsDir;
      this.nodesDir = nodesDir;
    }

    public String orgUnit() {
      return orgUnit;
    }
  }

  /** One org: its MSP id, its domain and the names of its nodes. */
  public record Org(String mspId, String domain, Kind kind, List<String> nodes) {
    public Org {
      nodes = List.copyOf(nodes);
    }
  }

  private final Path root;
  private final List<Org> orgs;

  CryptoMaterial(Path root, List<Org> orgs) {
    this.root = root;
    this.orgs = List.copyOf(orgs);
  }

  /** Reads the index of a directory written by {@link CryptoMaterialGenerator}. */
  public static CryptoMaterial load(Path root) throws IOException {
    Path index = root.resolve(INDEX_FILE);
    if (!Files.isRegularFile(index)) {
      throw new IOException(index + " not found: is " + root + " a directory made by 'hearsay crypto generate'?");
    }
    try {
      Config config = ConfigFactory.parseFile(index.toFile());
      List<Org> orgs = new ArrayList<>();
      for (Config org : config.getConfigList("orgs")) {
        orgs.add(new Org(org.getString("msp-id"), org.getString("domain"),
            Kind.valueOf(org.getString("kind").toUpperCase()), org.getStringList("nodes")));
      }
      return new CryptoMaterial(root, orgs);
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IOException(index + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  public List<Org> orgs() {
    return orgs;
  }

  public Org org(String mspId) {
    return orgs.stream().filter(o -> o.mspId().equals(mspId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no org " + mspId + " in " + root));
  }

  public Path orgDir(Org org) {
    return root.resolve(org.kind().orgsDir).resolve(org.domain());
  }

  /** A user's directory ({@code msp/}, {@code tls/client.crt, client.key, ca.crt}): users/NAME@domain. */
  public Path userDir(Org org, String user) {
    return orgDir(org).resolve("users").resolve(user + "@" + org.domain());
  }

  /** The signing identity of one of the org's users ({@link #ADMIN}, {@link #USER}). */
  public SigningIdentity userIdentity(Org org, String user) throws IOException, CertificateException {
    Path msp = userDir(org, user).resolve("msp");
    return SigningIdentity.load(org.mspId(), msp.resolve("signcerts").resolve(user + "@" + org.domain() + "-cert.pem"),
        msp.resolve("keystore").resolve("priv_sk"));
  }

  public Path nodeDir(Org org, String node) {
    return orgDir(org).resolve(org.kind().nodesDir).resolve(node);
  }

  /** The org's MSP from its {@code msp/cacerts} (and {@code msp/intermediatecerts} if present). */
  public Msp msp(Org org) throws IOException, CertificateException {
    return Msp.fromDirectory(org.mspId(), orgDir(org).resolve("msp"));
  }

  /** The MSPs of every org in this material. */
  public MspRegistry mspRegistry() throws IOException, CertificateException {
    List<Msp> msps = new ArrayList<>();
    for (Org org : orgs) {
      msps.add(msp(org));
    }
    return new MspRegistry(msps);
  }

  public SigningIdentity signingIdentity(Org org, String node)
      throws IOException, CertificateException {
    Path msp = nodeDir(org, node).resolve("msp");
    return SigningIdentity.load(org.mspId(), msp.resolve("signcerts").resolve(node + "-cert.pem"),
        msp.resolve("keystore").resolve("priv_sk"));
  }

  public Path keyStore(Org org, String node) {
    return nodeDir(org, node).resolve("tls").resolve(KEY_STORE_FILE);
  }

  public Path trustStore(Org org, String node) {
    return nodeDir(org, node).resolve("tls").resolve(TRUST_STORE_FILE);
  }

  public String storePassword(Org org, String node) throws IOException {
    return Files.readString(nodeDir(org, node).resolve("tls").resolve(STORE_PASSWORD_FILE),
        StandardCharsets.US_ASCII).trim();
  }

  void writeIndex() throws IOException {
    String body = orgs.stream().map(org -> String.format(
        "  { msp-id = \"%s\", domain = \"%s\", kind = %s, nodes = [%s] }", org.mspId(),
        org.domain(), org.kind().name().toLowerCase(),
        org.nodes().stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "))))
        .collect(Collectors.joining("\n"));
    Files.writeString(root.resolve(INDEX_FILE),
        "# Written by 'hearsay crypto generate'; read by the runtime's config generator.\n"
            + "orgs = [\n" + body + "\n]\n");
  }
}
