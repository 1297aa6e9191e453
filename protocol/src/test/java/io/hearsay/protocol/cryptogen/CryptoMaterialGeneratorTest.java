package io.hearsay.protocol.cryptogen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.PeerIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CryptoMaterialGeneratorTest {

  @TempDir
  Path tmp;

  private CryptoMaterial generate(Path out, boolean force) throws IOException {
    return CryptoMaterialGenerator.generate(new CryptoMaterialGenerator.Request(out, 2, 2, true, force));
  }

  @Test
  void writesFabricCryptogenLayoutForEveryOrgAndNode() throws Exception {
    Path out = tmp.resolve("crypto");
    generate(out, false);

    Path peer = out.resolve("peerOrganizations/org2.example.com/peers/peer1.org2.example.com");
    assertTrue(Files.isRegularFile(out.resolve("peerOrganizations/org1.example.com/ca/ca.org1.example.com-cert.pem")));
    assertTrue(Files.isRegularFile(out.resolve("peerOrganizations/org1.example.com/msp/cacerts/ca.org1.example.com-cert.pem")));
    assertTrue(Files.isRegularFile(peer.resolve("msp/signcerts/peer1.org2.example.com-cert.pem")));
    assertTrue(Files.isRegularFile(peer.resolve("msp/keystore/priv_sk")));
    assertTrue(Files.readString(peer.resolve("msp/keystore/priv_sk")).startsWith("-----BEGIN PRIVATE KEY-----"));
    for (String file : List.of("ca.crt", "server.crt", "server.key", "keystore.p12", "truststore.p12")) {
      assertTrue(Files.isRegularFile(peer.resolve("tls").resolve(file)), file);
    }
    assertTrue(Files.isRegularFile(out.resolve(
        "ordererOrganizations/example.com/orderers/orderer.example.com/msp/signcerts/orderer.example.com-cert.pem")));
  }

  @Test
  void everyNodeIsAcceptedByItsOrgAndRefusedByTheOthers() throws Exception {
    CryptoMaterial material = CryptoMaterial.load(generate(tmp.resolve("c"), false).root());
    MspRegistry msps = material.mspRegistry();
    Instant now = Instant.now();
    assertEquals(List.of("Org1MSP", "Org2MSP", "OrdererMSP"),
        material.orgs().stream().map(CryptoMaterial.Org::mspId).toList());
    for (CryptoMaterial.Org org : material.orgs()) {
      for (String node : org.nodes()) {
        PeerIdentity identity = material.signingIdentity(org, node).identity();
        assertTrue(msps.validate(identity, now).isAccepted(), node);
        for (CryptoMaterial.Org other : material.orgs()) {
          if (other != org) {
            Msp otherMsp = material.msp(other);
            assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE,
                otherMsp.validate(PeerIdentity.of(other.mspId(), identity.certificate()), now).rejection().reason(),
                node + " presented to " + other.mspId());
          }
        }
      }
    }
  }

  @Test
  void tlsStoresOpenWithTheirPasswordAndTrustEveryOrgsTlsCa() throws Exception {
    CryptoMaterial material = generate(tmp.resolve("c"), false);
    CryptoMaterial.Org org1 = material.org("Org1MSP");
    String node = org1.nodes().get(0);
    char[] password = material.storePassword(org1, node).toCharArray();

    KeyStore keyStore = load(material.keyStore(org1, node), password);
    KeyStore trustStore = load(material.trustStore(org1, node), password);

    X509Certificate tlsCert = (X509Certificate) keyStore.getCertificate("node");
    assertTrue(keyStore.isKeyEntry("node"));
    assertTrue(tlsCert.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")),
        "server and client auth for mutual TLS");
    assertTrue(tlsCert.getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("127.0.0.1")));
    assertEquals(3, Collections.list(trustStore.aliases()).size());
    X509Certificate org1TlsCa = Pem.readCertificate(material.nodeDir(org1, node).resolve("tls/ca.crt"));
    tlsCert.verify(org1TlsCa.getPublicKey());
  }

  @Test
  void refusesAnExistingDirectoryUnlessForced() throws Exception {
    Path out = tmp.resolve("crypto");
    generate(out, false);
    byte[] before = Files.readAllBytes(out.resolve("peerOrganizations/org1.example.com/ca/priv_sk"));

    IOException refused = assertThrows(IOException.class, () -> generate(out, false));
    assertTrue(refused.getMessage().contains("--force"), refused.getMessage());
    assertTrue(Arrays.equals(before,
        Files.readAllBytes(out.resolve("peerOrganizations/org1.example.com/ca/priv_sk"))), "untouched");

    generate(out, true);
    assertTrue(!Arrays.equals(before,
        Files.readAllBytes(out.resolve("peerOrganizations/org1.example.com/ca/priv_sk"))), "regenerated");
  }

  @Test
  void loadingADirectoryWithoutAnIndexSaysWhatIsMissing() {
    IOException e = assertThrows(IOException.class, () -> CryptoMaterial.load(tmp));
    assertTrue(e.getMessage().contains(CryptoMaterial.INDEX_FILE), e.getMessage());
  }

  private static KeyStore load(Path file, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }
}
