package io.hearsay.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hearsay.runtime.HearsayPeer;
import io.hearsay.testkit.Eventually;
import io.hearsay.testkit.TestConfigs;
import io.hearsay.testkit.TestNetwork;
import io.hearsay.testkit.browser.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint's dashboard in a real browser: four peers of two orgs in one channel, the
 * page of one of them opened in headless Chromium lists every peer of the channel at the right
 * height, live; a peer stopped turns dead on the page without a reload. A screenshot is saved under
 * {@code target/}. Skipped, with the reason, without Chromium.
 */
class DashboardBrowserIT {

  private static final Duration WITHIN = Duration.ofSeconds(60);
  private static final String CHANNEL = "mychannel";
  /** The peer rows of the channel table as the page shows them: PKI-ID prefix to height and state. */
  private static final String ROWS = "JSON.stringify([...document.querySelectorAll('#channel-" + CHANNEL
      + " tr.peer')].map(r => [r.dataset.pki, Number(r.dataset.height), r.dataset.state]))";

  private final TestNetwork network = new TestNetwork(2, 2);

  @AfterEach
  void stop() {
    network.close();
  }

  @Test
  void thePageListsEveryPeerAtItsHeightLiveAndAStoppedPeerTurnsDead() throws Exception {
    assumeTrue(HeadlessChromium.absence().isEmpty(), () -> HeadlessChromium.absence().get());
    Map<String, Object> keys = new HashMap<>(TestConfigs.CHANNEL_FAST);
    keys.put("hearsay.admin.endpoint", "127.0.0.1:0");
    List<HearsayPeer> peers = network.startChannel(CHANNEL, keys, 2, 2);
    network.order(CHANNEL, 5);
    TestNetwork.awaitHeight(peers, CHANNEL, 6, WITHIN);
    HearsayPeer watched = peers.get(0);
    String url = "http://" + watched.adminEndpoint().orElseThrow() + "/";

    try (HeadlessChromium browser = HeadlessChromium.open(url, 1280, 1000)) {
      Eventually.await(WITHIN, Duration.ofMillis(250), "the page lists the 4 peers of " + CHANNEL + " at height 6",
          () -> rows(browser).size() == 4 && rows(browser).values().stream().allMatch(r -> r.equals("6 alive")),
          () -> rows(browser).toString());
      assertTrue(rows(browser).containsKey(watched.pkiId().hex()), "the watched peer lists itself");

      // Live: more blocks, no reload.
      network.order(CHANNEL, 3);
      TestNetwork.awaitHeight(peers, CHANNEL, 9, WITHIN);
      Eventually.await(WITHIN, Duration.ofMillis(250), "the page follows the channel to height 9",
          () -> rows(browser).values().stream().allMatch(r -> r.equals("9 alive")), () -> rows(browser).toString());

      HearsayPeer victim = peers.get(3);
      network.stop(victim);
      Eventually.await(WITHIN, Duration.ofMillis(250), "the stopped peer turns dead on the page",
          () -> ("9 dead").equals(rows(browser).get(victim.pkiId().hex())), () -> rows(browser).toString());
      assertEquals(3, rows(browser).values().stream().filter(r -> r.endsWith("alive")).count(), rows(browser).toString());
      assertTrue((Boolean) browser.evaluate("document.querySelector('#membership tr.member[data-pki=\"" + victim.pkiId().hex()
          + "\"]').dataset.state === 'dead'"), "the membership section shows it dead too");
      assertTrue(String.valueOf(browser.evaluate("document.getElementById('connection').textContent")).startsWith("live"));

      Path screenshot = Path.of("target", "dashboard.png");
      browser.screenshot(screenshot);
      assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the rendered page");
    }
  }

  /** PKI-ID to "height state" of each peer row on the page (empty while the page has not rendered). */
  private static Map<String, String> rows(HeadlessChromium browser) {
    try {
      List<?> rows = (List<?>) Json.parse(String.valueOf(browser.evaluate(ROWS)));
      return rows.stream().map(r -> (List<?>) r).collect(Collectors.toMap(r -> (String) r.get(0),
          r -> Json.asLong(r.get(1)) + " " + r.get(2)));
    } catch (Exception e) {
      return Map.of();
    }
  }
}
