package io.hearsay.runtime.deliver;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Since when each channel's deliver client has found no orderer: set at its first failed stream,
 * cleared when a stream connects or brings a block, or the client stops (leadership lost).
 */
public final class DeliveryHealth {

  private final Map<String, Long> failingSince = new ConcurrentHashMap<>();

  void failed(String channel, long nowNanos) {
    failingSince.putIfAbsent(channel, nowNanos);
  }

  void connected(String channel) {
    failingSince.remove(channel);
  }

  /** The channels whose deliver client has reached no orderer for {@code atLeast}, with how long. */
  public Map<String, Duration> failingFor(Duration atLeast, long nowNanos) {
    Map<String, Duration> failing = new TreeMap<>();
    failingSince.forEach((channel, since) -> {
      Duration failed = Duration.ofNanos(nowNanos - since);
      if (failed.compareTo(atLeast) >= 0) {
        failing.put(channel, failed);
      }
    });
    return failing;
  }

  /** What the deliver clients report, feeding this. */
  public DeliverObserver observer() {
    return new DeliverObserver() {
      @Override
      public void deliverReconnecting(String channel) {
        failed(channel, System.nanoTime());
      }

      @Override
      public void deliverConnected(String channel) {
        connected(channel);
      }

      @Override
      public void deliverStopped(String channel) {
        connected(channel);
      }
    };
  }
}
