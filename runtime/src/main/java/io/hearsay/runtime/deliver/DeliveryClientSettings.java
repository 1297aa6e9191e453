package io.hearsay.runtime.deliver;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import java.time.Duration;

/**
 * Fabric's {@code peer.deliveryclient}: an idle deliver stream is pinged every
 * {@code connTimeout}, and after {@code reconnectTotalTimeThreshold} without a working stream an
 * elected leader yields.
 */
public record DeliveryClientSettings(Duration connTimeout, Duration reconnectTotalTimeThreshold) {

  public static DeliveryClientSettings read(ConfigReader c) throws ConfigError {
    return new DeliveryClientSettings(c.positive("peer.deliveryclient.connTimeout"),
        c.positive("peer.deliveryclient.reconnectTotalTimeThreshold"));
  }
}
