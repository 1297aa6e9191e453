package io.hearsay.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.deliver.DeliveryHealth;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void aChannelWhoseLedgerStoppedFailsWithItsReasonAndARunningOneDoesNot() {
    List<HealthChecks.FailedCheck> failed = HealthChecks.channels(List.of(
        new ChannelStatus("ok", 5, ByteString.EMPTY, false, false), ChannelStatus.failed("broken", "disk full")));
    assertEquals(List.of(new HealthChecks.FailedCheck("channel broken", "ledger not running: disk full")), failed);
  }

  @Test
  void aDeliverClientFailsOnlyOnceItHasReachedNoOrdererForTheGraceAndIsWellAgainWhenItConnects() {
    DeliveryHealth delivery = new DeliveryHealth();
    delivery.observer().deliverReconnecting("mychannel");
    long now = System.nanoTime();
    assertTrue(delivery.failingFor(HealthChecks.DELIVERY_GRACE, now).isEmpty(), "one failed stream is not unhealthy");
    Map<String, Duration> failing = delivery.failingFor(HealthChecks.DELIVERY_GRACE, now + 31 * SECOND);
    assertEquals(List.of("mychannel"), List.copyOf(failing.keySet()));
    assertEquals("deliver mychannel", HealthChecks.delivery(failing).get(0).component());
    delivery.observer().deliverReconnecting("mychannel");
    assertEquals(1, delivery.failingFor(HealthChecks.DELIVERY_GRACE, now + 31 * SECOND).size(),
        "failing since the first failure, not the last");
    delivery.observer().deliverConnected("mychannel");
    assertTrue(delivery.failingFor(HealthChecks.DELIVERY_GRACE, now + 60 * SECOND).isEmpty());
    delivery.observer().deliverReconnecting("mychannel");
    delivery.observer().deliverStopped("mychannel");
    assertTrue(delivery.failingFor(Duration.ZERO, now + 60 * SECOND).isEmpty(), "no longer the deliverer: not its concern");
  }

  @Test
  void anEmptyViewFailsOnlyAfterStartUpAndOnlyWithBootstrapPeersToReach() {
    assertTrue(HealthChecks.membership(0, true, false).isEmpty(), "still starting");
    assertTrue(HealthChecks.membership(0, false, true).isEmpty(), "a peer alone by configuration");
    assertTrue(HealthChecks.membership(2, true, true).isEmpty());
    assertEquals("membership", HealthChecks.membership(0, true, true).get(0).component());
  }

  @Test
  void aCertificateFailsWithinSevenDaysOfItsExpiryAndAfterIt() {
    X509Certificate certificate = TestCrypto.peer(1, 0).identity().certificate();
    Instant notAfter = certificate.getNotAfter().toInstant();
    assertTrue(HealthChecks.certificate("admin TLS", certificate, notAfter.minus(Duration.ofDays(8))).isEmpty());
    assertTrue(HealthChecks.certificate("admin TLS", certificate, notAfter.minus(Duration.ofDays(6))).get(0).reason()
        .startsWith("certificate expires at"));
    assertTrue(HealthChecks.certificate("admin TLS", certificate, notAfter.plusSeconds(1)).get(0).reason()
        .startsWith("certificate expired at"));
  }

  @Test
  void theAnswerIsFabricsHealthDocument() {
    Instant now = Instant.parse("2026-12-02T20:00:00Z");
    assertEquals("{\"status\":\"OK\",\"time\":\"2026-12-02T20:00:00Z\"}", HealthChecks.json(List.of(), now),
        "Fabric's answer, as compact as Fabric writes it");
    Map<?, ?> failed = (Map<?, ?>) Json.parse(HealthChecks.json(
        List.of(new HealthChecks.FailedCheck("channel c", "ledger not running: x")), now));
    assertEquals("Service Unavailable", failed.get("status"));
    assertEquals(List.of(Map.of("component", "channel c", "reason", "ledger not running: x")), failed.get("failed_checks"));
  }
}
