package io.hearsay.runtime.admin;

import static io.hearsay.runtime.testing.TestNetwork.awaitViews;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.testing.TestNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A peer's admin endpoint over real HTTP: status, metrics, joining a channel, bad requests. */
class AdminEndpointTest {

  private final TestNetwork network = new TestNetwork(1, 2);

  @AfterEach
  void stop() {
    network.close();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> channels(Endpoint admin) throws IOException {
    return (List<Map<String, Object>>) AdminClient.status(admin).get("channels");
  }

  @Test
  void statusMetricsAndChannelJoinAreServedAndBadRequestsRefused() throws Exception {
    HearsayPeer peer = network.start(network.config(1, 0, List.of(), Map.of("hearsay.admin.endpoint", "127.0.0.1:0")));
    Endpoint admin = peer.adminEndpoint().orElseThrow();

    Map<String, Object> status = AdminClient.status(admin);
    assertEquals("peer", status.get("role"));
    assertEquals("Org1MSP", status.get("mspId"));
    assertEquals(peer.pkiId().hex(), status.get("pkiId"));
    assertTrue(channels(admin).isEmpty());

    byte[] genesis = GenesisBlocks.create("mychannel", network.material(), Map.of()).toByteArray();
    assertTrue(AdminClient.post(admin, "/channels", genesis, 202).contains("mychannel"));
    awaitViews(List.of(peer), Duration.ofSeconds(10), "joined", pv -> {
      try {
        List<Map<String, Object>> channels = channels(admin);
        return channels.size() == 1 && channels.get(0).get("height").equals(1.0);
      } catch (IOException e) {
        return false;
      }
    });

    String metrics = AdminClient.get(admin, "/metrics");
    for (String name : List.of("hearsay_membership_alive", "hearsay_messages_rejected_total",
        "hearsay_blocks_committed_total", "hearsay_ledger_append_seconds_count")) {
      assertTrue(metrics.contains(name), name + " in\n" + metrics);
    }

    IOException notABlock = assertThrows(IOException.class,
        () -> AdminClient.post(admin, "/channels", "not a block".getBytes(), 202));
    assertTrue(notABlock.getMessage().startsWith("HTTP 400"), notABlock.getMessage());
    IOException wrongMethod = assertThrows(IOException.class, () -> AdminClient.post(admin, "/status", new byte[0], 200));
    assertTrue(wrongMethod.getMessage().startsWith("HTTP 405"), wrongMethod.getMessage());
  }

  @Test
  void anAdminPortInUseIsAStartupErrorNamingTheKey() throws Exception {
    HearsayPeer first = network.start(network.config(1, 0, List.of(), Map.of("hearsay.admin.endpoint", "127.0.0.1:0")));
    Endpoint taken = first.adminEndpoint().orElseThrow();
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> network.start(
        network.config(1, 1, List.of(), Map.of("hearsay.admin.endpoint", taken.toString()))));
    assertTrue(refused.getMessage().contains("hearsay.admin.endpoint"), refused.getMessage());
  }
}
