package io.hearsay.protocol.cryptogen;

import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.files.Directories;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Hearsay's cryptogen: writes the MSP and TLS material of a test network in the directory layout
 * of Fabric's cryptogen (see {@link CryptoMaterial} for the layout), plus PKCS#12 key and trust
 * stores per node for Artery's {@code tls-tcp}. Every node's trust store holds the TLS CAs of all
 * orgs, since peers of different orgs talk to each other.
 */
public final class CryptoMaterialGenerator {

  /** Fabric's cryptogen issues certificates for ten years. */
  static final Duration VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What to generate. */
  public record Request(Path out, int orgs, int peersPerOrg, boolean ordererOrg, boolean force) {
    public Request {
      if (orgs < 1) {
        throw new IllegalArgumentException("--orgs must be at least 1, was " + orgs);
      }
      if (peersPerOrg < 1) {
        throw new IllegalArgumentException("--peers-per-org must be at least 1, was " + peersPerOrg);
      }
    }
  }

  private record OrgCas(CryptoMaterial.Org org, CertificateAuthority ca, CertificateAuthority tlsCa) {}

  private CryptoMaterialGenerator() {}

  /** Generates the material; refuses a non-empty {@code out} unless {@code force}. */
  public static CryptoMaterial generate(Request request) throws IOException {
    prepare(request.out(), request.force());
    Instant notBefore = Instant.now().minus(Duration.ofMinutes(5));
    Instant notAfter = notBefore.plus(VALIDITY);
    List<OrgCas> orgs = new ArrayList<>();
    for (CryptoMaterial.Org org : plan(request)) {
      orgs.add(new OrgCas(org,
          CertificateAuthority.create("ca." + org.domain(), org.domain(), notBefore, notAfter),
          CertificateAuthority.create("tlsca." + org.domain(), org.domain(), notBefore, notAfter)));
    }
    List<X509Certificate> tlsRoots = orgs.stream().map(o -> o.tlsCa().certificate()).toList();
    CryptoMaterial material = new CryptoMaterial(request.out(), orgs.stream().map(OrgCas::org).toList());
    for (OrgCas org : orgs) {
      writeOrg(material, org, tlsRoots, notBefore, notAfter);
    }
    material.writeIndex();
    return material;
  }

  private static List<CryptoMaterial.Org> plan(Request request) {
    List<CryptoMaterial.Org> orgs = new ArrayList<>();
    for (int i = 1; i <= request.orgs(); i++) {
      String domain = "org" + i + ".example.com";
      List<String> peers = new ArrayList<>();
      for (int p = 0; p < request.peersPerOrg(); p++) {
        peers.add("peer" + p + "." + domain);
      }
      orgs.add(new CryptoMaterial.Org("Org" + i + "MSP", domain, CryptoMaterial.Kind.PEER, peers));
    }
    if (request.ordererOrg()) {
      orgs.add(new CryptoMaterial.Org("OrdererMSP", "example.com", CryptoMaterial.Kind.ORDERER,
          List.of("orderer.example.com")));
    }
    return orgs;
  }

  private static void prepare(Path out, boolean force) throws IOException {
    if (Files.exists(out) && !isEmptyDirectory(out)) {
      if (!force) {
        throw new IOException(out + " already exists and is not empty; use --force to overwrite");
      }
      Directories.deleteRecursively(out);
    }
    Files.createDirectories(out);
  }

  private static void writeOrg(CryptoMaterial material, OrgCas cas, List<X509Certificate> tlsRoots,
      Instant notBefore, Instant notAfter) throws IOException {
    CryptoMaterial.Org org = cas.org();
    Path dir = material.orgDir(org);
    writePem(dir.resolve("ca").resolve("ca." + org.domain() + "-cert.pem"), Pem.encode(cas.ca().certificate()));
    writePem(dir.resolve("ca").resolve("priv_sk"), Pem.encode(cas.ca().keyPair().getPrivate()));
    writePem(dir.resolve("tlsca").resolve("tlsca." + org.domain() + "-cert.pem"),
        Pem.encode(cas.tlsCa().certificate()));
    writePem(dir.resolve("tlsca").resolve("priv_sk"), Pem.encode(cas.tlsCa().keyPair().getPrivate()));
    writeMsp(dir.resolve("msp"), org, cas);
    for (String node : org.nodes()) {
      writeNode(material.nodeDir(org, node), org, node, cas, tlsRoots, notBefore, notAfter);
    }
    // As cryptogen: an admin (OU admin) and a user (OU client) per org, with client TLS material.
    writeUser(material.userDir(org, CryptoMaterial.ADMIN), org, cas, "admin", notBefore, notAfter);
    writeUser(material.userDir(org, CryptoMaterial.USER), org, cas, "client", notBefore, notAfter);
  }

  private static void writeUser(Path userDir, CryptoMaterial.Org org, OrgCas cas, String orgUnit, Instant notBefore,
      Instant notAfter) throws IOException {
    String name = userDir.getFileName().toString();
    KeyPair signing = CertificateAuthority.newKeyPair();
    Path msp = userDir.resolve("msp");
    writeMsp(msp, org, cas);
    writePem(msp.resolve("signcerts").resolve(name + "-cert.pem"),
        Pem.encode(cas.ca().issueSigningCertificate(name, orgUnit, signing.getPublic(), notBefore, notAfter)));
    writePem(msp.resolve("keystore").resolve("priv_sk"), Pem.encode(signing.getPrivate()));
    KeyPair tls = CertificateAuthority.newKeyPair();
    Path tlsDir = userDir.resolve("tls");
    writePem(tlsDir.resolve("ca.crt"), Pem.encode(cas.tlsCa().certificate()));
    writePem(tlsDir.resolve("client.crt"), Pem.encode(cas.tlsCa().issueTlsCertificate(name, tls.getPublic(),
        List.of(name, "localhost", "127.0.0.1"), notBefore, notAfter)));
    writePem(tlsDir.resolve("client.key"), Pem.encode(tls.getPrivate()));
  }

  private static void writeMsp(Path msp, CryptoMaterial.Org org, OrgCas cas) throws IOException {
    String caFile = "ca." + org.domain() + "-cert.pem";
    writePem(msp.resolve("cacerts").resolve(caFile), Pem.encode(cas.ca().certificate()));
    writePem(msp.resolve("tlscacerts").resolve("tlsca." + org.domain() + "-cert.pem"),
        Pem.encode(cas.tlsCa().certificate()));
    Files.createDirectories(msp.resolve("admincerts"));
    // Fabric's NodeOUs, as cryptogen writes them: roles are told apart by the certificates' OU.
    StringBuilder yaml = new StringBuilder("NodeOUs:\n  Enable: true\n");
    for (String[] role : new String[][] {{"Client", "client"}, {"Peer", "peer"}, {"Admin", "admin"}, {"Orderer", "orderer"}}) {
      yaml.append("  ").append(role[0]).append("OUIdentifier:\n")
          .append("    Certificate: cacerts/").append(caFile).append('\n')
          .append("    OrganizationalUnitIdentifier: ").append(role[1]).append('\n');
    }
    writePem(msp.resolve("config.yaml"), yaml.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static void writeNode(Path nodeDir, CryptoMaterial.Org org, String node, OrgCas cas,
      List<X509Certificate> tlsRoots, Instant notBefore, Instant notAfter) throws IOException {
    KeyPair signing = CertificateAuthority.newKeyPair();
    X509Certificate signCert = cas.ca().issueSigningCertificate(node, org.kind().orgUnit(),
        signing.getPublic(), notBefore, notAfter);
    Path msp = nodeDir.resolve("msp");
    writeMsp(msp, org, cas);
    writePem(msp.resolve("signcerts").resolve(node + "-cert.pem"), Pem.encode(signCert));
    writePem(msp.resolve("keystore").resolve("priv_sk"), Pem.encode(signing.getPrivate()));

    KeyPair tls = CertificateAuthority.newKeyPair();
    String shortName = node.substring(0, node.indexOf('.'));
    X509Certificate tlsCert = cas.tlsCa().issueTlsCertificate(node, tls.getPublic(),
        List.of(node, shortName, "localhost", "127.0.0.1"), notBefore, notAfter);
    Path tlsDir = nodeDir.resolve("tls");
    writePem(tlsDir.resolve("ca.crt"), Pem.encode(cas.tlsCa().certificate()));
    writePem(tlsDir.resolve("server.crt"), Pem.encode(tlsCert));
    writePem(tlsDir.resolve("server.key"), Pem.encode(tls.getPrivate()));
    char[] password = newPassword();
    writeKeyStores(tlsDir, tls, new X509Certificate[] {tlsCert, cas.tlsCa().certificate()},
        tlsRoots, password);
    writePem(tlsDir.resolve(CryptoMaterial.STORE_PASSWORD_FILE),
        new String(password).getBytes(StandardCharsets.US_ASCII));
  }

  private static void writeKeyStores(Path tlsDir, KeyPair key, Certificate[] chain,
      List<X509Certificate> tlsRoots, char[] password) throws IOException {
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      keyStore.setKeyEntry("node", key.getPrivate(), password, chain);
      KeyStore trustStore = KeyStore.getInstance("PKCS12");
      trustStore.load(null, null);
      for (int i = 0; i < tlsRoots.size(); i++) {
        trustStore.setCertificateEntry("tlsca-" + i, tlsRoots.get(i));
      }
      store(keyStore, tlsDir.resolve(CryptoMaterial.KEY_STORE_FILE), password);
      store(trustStore, tlsDir.resolve(CryptoMaterial.TRUST_STORE_FILE), password);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot write PKCS#12 stores in " + tlsDir, e);
    }
  }

  private static void store(KeyStore store, Path file, char[] password)
      throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    }
  }

  private static char[] newPassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }

  private static void writePem(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
