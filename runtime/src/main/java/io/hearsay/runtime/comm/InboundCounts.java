package io.hearsay.runtime.comm;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * Verified inbound messages per content type and channel, as comm received them: what an
 * operator (and a data-leakage test) looks at to see what reached this peer at all.
 */
public final class InboundCounts {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void record(GossipMessage message) {
    String channel = message.getChannel().isEmpty() ? "" : message.getChannel().toStringUtf8();
    counts.computeIfAbsent(message.getContentCase() + (channel.isEmpty() ? "" : "@" + channel),
        k -> new LongAdder()).increment();
  }

  /** Counts keyed {@code CONTENT} or {@code CONTENT@channel} (StateInfo names no channel). */
  public Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((key, adder) -> snapshot.put(key, adder.sum()));
    return snapshot;
  }
}
