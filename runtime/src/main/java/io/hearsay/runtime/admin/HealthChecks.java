package io.hearsay.runtime.admin;

import io.hearsay.channels.ChannelStatus;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks behind {@code GET /healthz}, answered as Fabric's operations endpoint answers: 200
 * {@code {"status":"OK","time":...}}, or 503 {@code {"status":"Service Unavailable","time":...,
 * "failed_checks":[{"component":...,"reason":...}]}}.
 *
 * <pre>
 * channel C       C's ledger is not running (the reason it stopped)
 * deliver C       this peer delivers C for its org and has reached no orderer for DELIVERY_GRACE
 * membership      no peer alive although bootstrap peers are configured, once start-up is over
 *                 (one aliveExpirationTimeout after start)
 * admin TLS       the admin endpoint's certificate expires within CERTIFICATE_NOTICE, or has
 * </pre>
 */
public final class HealthChecks {

  /** One failed check: what failed, and why. */
  public record FailedCheck(String component, String reason) {}

  /** How long a leader may reach no orderer before it is unhealthy (its backoff retries several times within). */
  public static final Duration DELIVERY_GRACE = Duration.ofSeconds(30);
  /** How long before its expiry a certificate makes the node unhealthy: time to renew it. */
  public static final Duration CERTIFICATE_NOTICE = Duration.ofDays(7);

  private HealthChecks() {}

  public static List<FailedCheck> channels(List<ChannelStatus> channels) {
    return channels.stream().filter(c -> c.failure().isPresent())
        .map(c -> new FailedCheck("channel " + c.channel(), "ledger not running: " + c.failure().get())).toList();
  }

  /** {@code failing}: the channels whose deliver client has reached no orderer for DELIVERY_GRACE, with how long. */
  public static List<FailedCheck> delivery(Map<String, Duration> failing) {
    List<FailedCheck> failed = new ArrayList<>();
    failing.forEach((channel, since) -> failed.add(new FailedCheck("deliver " + channel,
        "no orderer reached for " + since.toSeconds() + " s")));
    return failed;
  }

  public static List<FailedCheck> membership(int alive, boolean hasBootstrapPeers, boolean startUpOver) {
    return alive == 0 && hasBootstrapPeers && startUpOver
        ? List.of(new FailedCheck("membership", "no peer alive: none of the bootstrap peers was reached"))
        : List.of();
  }

  public static List<FailedCheck> certificate(String component, X509Certificate certificate, Instant now) {
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (notAfter.isBefore(now)) {
      return List.of(new FailedCheck(component, "certificate expired at " + notAfter));
    }
    if (notAfter.isBefore(now.plus(CERTIFICATE_NOTICE))) {
      return List.of(new FailedCheck(component, "certificate expires at " + notAfter));
    }
    return List.of();
  }

  /** Fabric's health answer for {@code failed} checks (none: OK). */
  public static String json(List<FailedCheck> failed, Instant now) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("status", failed.isEmpty() ? "OK" : "Service Unavailable");
    answer.put("time", now.toString());
    if (!failed.isEmpty()) {
      answer.put("failed_checks", failed);
    }
    return Json.write(answer);
  }
}
