package io.hearsay.runtime.comm;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * Messages this peer meant to send and did not, by reason, content type and channel: nothing the
 * peer drops is silent ({@code hearsay_messages_dropped_total{reason,type,channel}}).
 */
public final class DroppedMessages {

  /** Why a message was not sent. */
  public enum Reason {
    /** Artery gave up on the frame (its outbound queue was full, or the association was quarantined). */
    TRANSPORT_GAVE_UP,
    /** The channel addressed a peer that membership no longer holds alive. */
    PEER_NOT_ALIVE,
    /** The peer is of another org and advertises no external endpoint, so it cannot be reached from here. */
    NO_ENDPOINT_FOR_ORG,
    /** A link fault injected by a test or the simulator dropped it. */
    INJECTED_FAULT
  }

  private final Map<Reason, MessageCounts> byReason = new EnumMap<>(Reason.class);

  public DroppedMessages() {
    for (Reason reason : Reason.values()) {
      byReason.put(reason, new MessageCounts());
    }
  }

  /** Counts one envelope not sent, by its message's type and channel. */
  public void record(Reason reason, Envelope envelope) {
    byReason.get(reason).recordSent(envelope);
  }

  /** The counts of one reason, keyed {@code CONTENT} or {@code CONTENT@channel}. */
  public MessageCounts of(Reason reason) {
    return byReason.get(reason);
  }

  /** Every reason's counts summed, keyed {@code CONTENT} or {@code CONTENT@channel}. */
  public Map<String, Long> snapshot() {
    Map<String, Long> all = new TreeMap<>();
    byReason.values().forEach(counts -> counts.snapshot().forEach((key, n) -> all.merge(key, n, Long::sum)));
    return all;
  }

  /** How many messages were dropped for {@code reason}. */
  public long total(Reason reason) {
    return byReason.get(reason).snapshot().values().stream().mapToLong(Long::longValue).sum();
  }
}
