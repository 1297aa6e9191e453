package io.hearsay.runtime.cli;

import static io.hearsay.testkit.TestNetwork.awaitViews;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.TestNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code hearsay channel join} signs Fabric's join request with the admin's MSP and speaks HTTPS to the peer. */
class ChannelJoinCommandTest extends CliTestBase {

  private final TestNetwork network = new TestNetwork(1, 1);

  @AfterEach
  void stop() {
    network.close();
  }

  @Test
  void theOrgAdminJoinsThePeerOverHttpsAndAClientOrAnUnsignedRequestCannot() throws Exception {
    CryptoMaterial material = network.material();
    CryptoMaterial.Org org1 = material.org("Org1MSP");
    Path tls = material.nodeDir(org1, org1.nodes().get(0)).resolve("tls");
    HearsayPeer peer = network.start(network.config(1, 0, List.of(), Map.of("hearsay.admin.endpoint", "127.0.0.1:0",
        "operations.tls.enabled", true,
        "operations.tls.cert.file", tls.resolve("server.crt").toString(),
        "operations.tls.key.file", tls.resolve("server.key").toString(),
        "operations.tls.clientAuthRequired", true,
        "operations.tls.clientRootCAs.files", List.of(tls.resolve("ca.crt").toString()))));
    Path block = Files.write(tmp.resolve("mychannel.block"), GenesisBlocks.create("mychannel", material, Map.of()).toByteArray());
    Path adminDir = material.userDir(org1, CryptoMaterial.ADMIN);
    String[] https = {"--admin", peer.adminEndpoint().orElseThrow().toString(), "--ca-file", tls.resolve("ca.crt").toString(),
        "--client-cert", adminDir.resolve("tls/client.crt").toString(), "--client-key", adminDir.resolve("tls/client.key").toString()};

    assertEquals(2, run(concat(new String[] {"channel", "join", "--block", block.toString()}, https)));
    assertTrue(err().contains("signed by an admin"), this::err);

    Path userMsp = material.userDir(org1, CryptoMaterial.USER).resolve("msp");
    assertEquals(1, run(concat(new String[] {"channel", "join", "--block", block.toString(), "--msp", userMsp.toString(),
        "--msp-id", "Org1MSP"}, https)));
    assertTrue(err().contains("HTTP 403") && err().contains("NOT_AN_ADMIN"), this::err);

    assertEquals(0, run(concat(new String[] {"channel", "join", "--block", block.toString(), "--msp",
        adminDir.resolve("msp").toString(), "--msp-id", "Org1MSP"}, https)), this::err);
    assertTrue(out().contains("joining channel mychannel"), this::out);
    awaitViews(List.of(peer), Duration.ofSeconds(10), "joined", pv -> peer.channels().toCompletableFuture().join().size() == 1);
    assertEquals(0, run(concat(new String[] {"status"}, https)), this::err);
    assertTrue(out().contains("channel mychannel: height 1"), this::out);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
