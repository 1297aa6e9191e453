package io.hearsay.runtime.deliver;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import java.time.Duration;

/**
 * Fabric's {@code peer.deliveryclient} and {@code peer.keepalive.deliveryClient}: a stream whose
 * connection is not up within {@code connTimeout} is left for the next orderer; failed attempts
 * back off from 100 ms up to {@code reconnectBackoffThreshold}; after
 * {@code reconnectTotalTimeThreshold} without a working stream an elected leader yields; the
 * connection is kept alive by gRPC pings.
 */
public record DeliveryClientSettings(Duration connTimeout, Duration reconnectBackoffThreshold,
    Duration reconnectTotalTimeThreshold, AtomicBroadcastClient.KeepAlive keepAlive) {

  /** The first backoff after a failure; it doubles with each further one. */
  public static final Duration MIN_BACKOFF = Duration.ofMillis(100);

  /** How long to wait before attempt {@code failures + 1}, after {@code failures} failed in a row. */
  public Duration backoff(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    long millis = MIN_BACKOFF.toMillis() << Math.min(failures - 1, 30);
    return Duration.ofMillis(Math.min(millis, reconnectBackoffThreshold.toMillis()));
  }

  public static DeliveryClientSettings read(ConfigReader c) throws ConfigError {
    return new DeliveryClientSettings(c.positive("peer.deliveryclient.connTimeout"),
        c.positive("peer.deliveryclient.reconnectBackoffThreshold"),
        c.positive("peer.deliveryclient.reconnectTotalTimeThreshold"),
        new AtomicBroadcastClient.KeepAlive(c.positive("peer.keepalive.deliveryClient.interval"),
            c.positive("peer.keepalive.deliveryClient.timeout")));
  }
}
