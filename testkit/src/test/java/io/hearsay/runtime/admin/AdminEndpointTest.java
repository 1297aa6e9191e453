package io.hearsay.runtime.admin;

import static io.hearsay.testkit.TestNetwork.awaitViews;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.admin.JoinChainProposal;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.FreePorts;
import io.hearsay.runtime.network.DashboardProxy;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestNetwork;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer's admin endpoint over real HTTP(S): status and metrics, a channel join only on a fresh
 * request signed by an admin of the peer's org for a block naming the peer's own CAs, and HTTPS
 * that takes only client certificates of the configured CAs.
 */
class AdminEndpointTest {

  private final TestNetwork network = new TestNetwork(2, 2);
  private final TestNetwork evil = new TestNetwork(1, 1);

  @AfterEach
  void stop() {
    network.close();
    evil.close();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> channels(AdminClient client, Endpoint admin) throws IOException {
    return (List<Map<String, Object>>) client.status(admin).get("channels");
  }

  private HearsayPeer peerWithAdmin(Map<String, Object> extra) {
    Map<String, Object> values = new HashMap<>(extra);
    values.put("hearsay.admin.endpoint", "127.0.0.1:0");
    return network.start(network.config(1, 0, List.of(), values));
  }

  /** A peer whose admin endpoint serves HTTPS with {@code tls}'s certificate and takes only clients of its CA. */
  private HearsayPeer peerWithTlsAdmin(Path tls) {
    return peerWithAdmin(Map.of("operations.tls.enabled", true,
        "operations.tls.cert.file", tls.resolve("server.crt").toString(),
        "operations.tls.key.file", tls.resolve("server.key").toString(),
        "operations.tls.clientAuthRequired", true,
        "operations.tls.clientRootCAs.files", List.of(tls.resolve("ca.crt").toString())));
  }

  private static byte[] join(SigningIdentity signer, Block block) {
    return JoinChainProposal.create(signer, block, Instant.now()).toByteArray();
  }

  private static String refused(AdminClient client, Endpoint admin, byte[] body, int status) {
    IOException refused = assertThrows(IOException.class, () -> client.post(admin, "/channels", body, 202));
    assertTrue(refused.getMessage().startsWith("HTTP " + status), refused.getMessage());
    return refused.getMessage();
  }

  @Test
  void onlyAFreshJoinSignedByAnAdminOfThePeersOrgForItsOwnCasIsCarriedOut() throws Exception {
    HearsayPeer peer = peerWithAdmin(Map.of());
    Endpoint admin = peer.adminEndpoint().orElseThrow();
    AdminClient client = AdminClient.PLAIN;
    CryptoMaterial material = network.material();
    CryptoMaterial.Org org1 = material.org("Org1MSP");
    SigningIdentity orgAdmin = material.userIdentity(org1, CryptoMaterial.ADMIN);

    Map<String, Object> status = client.status(admin);
    assertEquals("peer", status.get("role"));
    assertEquals(peer.pkiId().hex(), status.get("pkiId"));
    assertTrue(channels(client, admin).isEmpty());

    Block genesis = GenesisBlocks.create("mychannel", material, Map.of());
    Block evilGenesis = GenesisBlocks.create("evilchannel", evil.material(), Map.of());
    assertTrue(refused(client, admin, genesis.toByteArray(), 400).contains("MALFORMED_REQUEST"), "an unsigned block");
    assertTrue(refused(client, admin, join(material.userIdentity(org1, CryptoMaterial.USER), genesis), 403)
        .contains("NOT_AN_ADMIN"), "a client of the org");
    assertTrue(refused(client, admin, join(material.signingIdentity(org1, org1.nodes().get(1)), genesis), 403)
        .contains("NOT_AN_ADMIN"), "another peer of the org");
    assertTrue(refused(client, admin, join(material.userIdentity(material.org("Org2MSP"), CryptoMaterial.ADMIN), genesis),
        403).contains("UNKNOWN_ORG"), "another org's admin");
    assertTrue(refused(client, admin, join(evil.material().userIdentity(evil.material().org("Org1MSP"), CryptoMaterial.ADMIN),
        evilGenesis), 403).contains("UNTRUSTED_CERTIFICATE"), "an admin of another CA's Org1MSP");
    String conflicting = refused(client, admin, join(orgAdmin, evilGenesis), 403);
    assertTrue(conflicting.contains("CONFLICTING_MSP") && conflicting.contains("evilchannel"),
        "our admin tricked into signing a block whose Org1MSP has other CAs: " + conflicting);
    assertTrue(refused(client, admin, JoinChainProposal.create(orgAdmin, genesis, Instant.now().minus(Duration.ofHours(1)))
        .toByteArray(), 403).contains("STALE_REQUEST"));

    byte[] request = join(orgAdmin, genesis);
    assertTrue(client.post(admin, "/channels", request, 202).contains("joining channel mychannel"));
    assertTrue(refused(client, admin, request, 403).contains("REPLAYED_REQUEST"));
    awaitViews(List.of(peer), Duration.ofSeconds(10), "joined mychannel and nothing else", pv -> {
      try {
        List<Map<String, Object>> channels = channels(client, admin);
        return channels.size() == 1 && channels.get(0).get("channel").equals("mychannel")
            && Json.asLong(channels.get(0).get("height")) == 1;
      } catch (IOException e) {
        return false;
      }
    });
    Map<RejectionReason, Long> counted = peer.rejections();
    for (RejectionReason reason : List.of(RejectionReason.MALFORMED_REQUEST, RejectionReason.NOT_AN_ADMIN,
        RejectionReason.UNKNOWN_ORG, RejectionReason.UNTRUSTED_CERTIFICATE, RejectionReason.CONFLICTING_MSP,
        RejectionReason.STALE_REQUEST, RejectionReason.REPLAYED_REQUEST)) {
      assertTrue(counted.getOrDefault(reason, 0L) >= 1, reason + " counted: " + counted);
    }

    String metrics = client.get(admin, "/metrics");
    for (String name : List.of("hearsay_membership_alive", "hearsay_messages_rejected_total",
        "hearsay_blocks_committed_total", "hearsay_ledger_append_seconds_count")) {
      assertTrue(metrics.contains(name), name + " in\n" + metrics);
    }
    IOException wrongMethod = assertThrows(IOException.class, () -> client.post(admin, "/status", new byte[0], 200));
    assertTrue(wrongMethod.getMessage().startsWith("HTTP 405"), wrongMethod.getMessage());
  }

  @Test
  void overTlsWithClientAuthOnlyClientsOfTheConfiguredCasGetAnAnswer() throws Exception {
    CryptoMaterial material = network.material();
    CryptoMaterial.Org org1 = material.org("Org1MSP");
    Path tls = material.nodeDir(org1, org1.nodes().get(0)).resolve("tls");
    HearsayPeer peer = peerWithTlsAdmin(tls);
    Endpoint admin = peer.adminEndpoint().orElseThrow();
    Path adminTls = material.userDir(org1, CryptoMaterial.ADMIN).resolve("tls");

    AdminClient operator = AdminClient.tls(tls.resolve("ca.crt"),
        Optional.of(new PemTls.KeyPair(adminTls.resolve("client.crt"), adminTls.resolve("client.key"))));
    assertEquals("peer", operator.status(admin).get("role"));

    assertThrows(IOException.class, () -> AdminClient.tls(tls.resolve("ca.crt"), Optional.empty()).status(admin),
        "no client certificate: no connection");
    CryptoMaterial.Org evilOrg = evil.material().org("Org1MSP");
    Path evilTls = evil.material().userDir(evilOrg, CryptoMaterial.ADMIN).resolve("tls");
    assertThrows(IOException.class, () -> AdminClient.tls(tls.resolve("ca.crt"),
        Optional.of(new PemTls.KeyPair(evilTls.resolve("client.crt"), evilTls.resolve("client.key")))).status(admin),
        "a client certificate of another CA");
    assertTrue(peer.refusedAdminClientCertificates() >= 1, "the refused certificate is counted");
    assertThrows(IOException.class, () -> AdminClient.PLAIN.status(admin), "plain HTTP gets nothing");

    byte[] request = join(material.userIdentity(org1, CryptoMaterial.ADMIN), GenesisBlocks.create("mychannel", material, Map.of()));
    assertTrue(operator.post(admin, "/channels", request, 202).contains("mychannel"));
  }

  @Test
  void theDashboardAndItsEventStreamAreServedAndTheLocalProxyForwardsReadsOnly() throws Exception {
    CryptoMaterial material = network.material();
    CryptoMaterial.Org org1 = material.org("Org1MSP");
    Path tls = material.nodeDir(org1, org1.nodes().get(0)).resolve("tls");
    HearsayPeer peer = peerWithTlsAdmin(tls);
    Path adminTls = material.userDir(org1, CryptoMaterial.ADMIN).resolve("tls");
    SSLContext orgAdmin = PemTls.context(Optional.of(new PemTls.KeyPair(adminTls.resolve("client.crt"),
        adminTls.resolve("client.key"))), List.of(tls.resolve("ca.crt")), UnaryOperator.identity());
    HttpClient browser = HttpClient.newHttpClient();

    try (DashboardProxy proxy = DashboardProxy.start(peer.adminEndpoint().orElseThrow(), orgAdmin, 0)) {
      HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(proxy.url())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<title>Hearsay</title>") && page.body().contains("dashboard/dashboard.js"));
      HttpResponse<String> script = browser.send(HttpRequest.newBuilder(URI.create(proxy.url() + "dashboard/dashboard.js"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(script.statusCode() == 200 && script.body().contains("new EventSource('events')"), "the page's script");

      HttpResponse<Stream<String>> events = browser.send(HttpRequest.newBuilder(URI.create(proxy.url() + "events"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofLines());
      assertEquals("text/event-stream", events.headers().firstValue("content-type").orElse(""));
      try (Stream<String> lines = events.body()) {
        String data = lines.filter(l -> l.startsWith("data:")).findFirst().orElseThrow();
        Map<?, ?> status = (Map<?, ?>) Json.parse(data.substring("data:".length()));
        assertEquals(peer.pkiId().hex(), status.get("pkiId"), "each event is the node's status document");
      }

      byte[] join = join(material.userIdentity(org1, CryptoMaterial.ADMIN), GenesisBlocks.create("mychannel", material,
          Map.of()));
      HttpResponse<String> post = browser.send(HttpRequest.newBuilder(URI.create(proxy.url() + "channels"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(join)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode(), "a join is never forwarded, even one an admin signed");
      assertEquals(404, browser.send(HttpRequest.newBuilder(URI.create(proxy.url() + "channels")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertTrue(peer.channels().toCompletableFuture().get(10, TimeUnit.SECONDS).isEmpty(), "the peer joined nothing");
    }
  }

  @Test
  void healthzIsFabricsOkAndTurnsUnavailableNamingTheCheckThatFailed() throws Exception {
    Endpoint admin = peerWithAdmin(Map.of()).adminEndpoint().orElseThrow();
    assertEquals("OK", ((Map<?, ?>) Json.parse(AdminClient.PLAIN.get(admin, "/healthz"))).get("status"));
    assertEquals("OK", ((Map<?, ?>) Json.parse(AdminClient.PLAIN.get(admin, "/ready"))).get("status"));

    // A peer whose only bootstrap peer never answers: once start-up is over, its view is empty.
    Map<String, Object> values = new HashMap<>(Map.of("hearsay.admin.endpoint", "127.0.0.1:0",
        "peer.gossip.aliveTimeInterval", "200ms", "peer.gossip.aliveExpirationTimeout", "1s"));
    HearsayPeer alone = network.start(network.config(1, 1, List.of(new Endpoint("127.0.0.1", FreePorts.next())), values));
    Endpoint aloneAdmin = alone.adminEndpoint().orElseThrow();
    Eventually.await(Duration.ofSeconds(20), "the peer reports its empty view", () -> {
      try {
        AdminClient.PLAIN.get(aloneAdmin, "/healthz");
        return false;
      } catch (IOException unavailable) {
        return unavailable.getMessage().startsWith("HTTP 503") && unavailable.getMessage().contains("\"membership\"");
      }
    });
    assertTrue(AdminClient.PLAIN.get(aloneAdmin, "/alive").contains("OK"), "alive all the same");
  }

  @Test
  void anAdminPortInUseIsAStartupErrorNamingTheKey() throws Exception {
    HearsayPeer first = peerWithAdmin(Map.of());
    Endpoint taken = first.adminEndpoint().orElseThrow();
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> network.start(
        network.config(1, 1, List.of(), Map.of("hearsay.admin.endpoint", taken.toString()))));
    assertTrue(refused.getMessage().contains("hearsay.admin.endpoint"), refused.getMessage());
  }
}
