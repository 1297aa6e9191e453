package io.hearsay.runtime.comm;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * Messages and their envelope bytes per content type and channel, as comm received (verified) or
 * sent them: what an operator (and a data-leakage test) looks at to see what reached this peer at
 * all, and what gossip costs on the wire.
 */
public final class MessageCounts {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> bytes = new ConcurrentHashMap<>();

  /** Counts a sent envelope by its message's type, parsing without copying its bytes fields. */
  void recordSent(Envelope envelope) {
    try {
      var input = envelope.getPayload().newCodedInput();
      input.enableAliasing(true);
      record(GossipMessage.parseFrom(input), envelope.getSerializedSize());
    } catch (IOException e) {
      counts.computeIfAbsent("MALFORMED", k -> new LongAdder()).increment();
    }
  }

  /** Counts a message whose envelope was {@code envelopeBytes} long. */
  void record(GossipMessage message, int envelopeBytes) {
    String channel = message.getChannel().isEmpty() ? "" : message.getChannel().toStringUtf8();
    String key = message.getContentCase() + (channel.isEmpty() ? "" : "@" + channel);
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    bytes.computeIfAbsent(key, k -> new LongAdder()).add(envelopeBytes);
  }

  /** The envelope bytes of one key of {@link #snapshot()}. */
  public long bytes(String key) {
    LongAdder adder = bytes.get(key);
    return adder == null ? 0 : adder.sum();
  }

  /** The count of one key of {@link #snapshot()}. */
  public long count(String key) {
    LongAdder adder = counts.get(key);
    return adder == null ? 0 : adder.sum();
  }

  /** Counts keyed {@code CONTENT} or {@code CONTENT@channel} (StateInfo names no channel). */
  public Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((key, adder) -> snapshot.put(key, adder.sum()));
    return snapshot;
  }
}
