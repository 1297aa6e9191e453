package io.hearsay.runtime.comm;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Counts every rejected inbound message per reason, and logs it at most once per peer and
 * reason per interval, so a misbehaving peer cannot flood the log. Shared by a peer's actors.
 *
 * <p>A message that names its author by PKI-ID (an alive message without its identity, a
 * StateInfo, a leadership message) whose author's identity is not known yet cannot be checked
 * either way: it is counted as unverifiable, not as a rejection, and logged at debug. In an honest
 * network these come while identities spread (Fabric includes a peer's identity in its alive
 * messages only for its first minutes, and the identity pull brings the rest); Fabric's peers drop
 * them silently. So with a pull Hello from a channel org's peer whose StateInfo has not arrived
 * yet ({@code MEMBERSHIP_NOT_YET_PROVEN}).
 */
public final class RejectionLog {

  private final Logger log;
  private final long intervalNanos;
  private final Map<RejectionReason, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
  private final LongAdder unverifiable = new LongAdder();

  public RejectionLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /** Counts the rejection of a message from {@code peer} and logs it unless logged recently. */
  public void record(Rejection rejection, String peer, long nowNanos) {
    if (rejection.reason() == RejectionReason.UNKNOWN_SIGNER
        || rejection.reason() == RejectionReason.MEMBERSHIP_NOT_YET_PROVEN) {
      unverifiable.increment();
      log.debug("message from {} cannot be verified yet: {}", peer, rejection);
      return;
    }
    counts.computeIfAbsent(rejection.reason(), r -> new LongAdder()).increment();
    String key = peer + "|" + rejection.reason();
    Long last = lastLogged.get(key);
    if (last == null || nowNanos - last >= intervalNanos) {
      lastLogged.put(key, nowNanos);
      log.warn("rejected message from {}: {} (further {} rejections from this peer are counted, "
          + "not logged, for {})", peer, rejection, rejection.reason(), Duration.ofNanos(intervalNanos));
    }
  }

  /** Messages whose author's identity was not known yet. */
  public long unverifiable() {
    return unverifiable.sum();
  }

  public long count(RejectionReason reason) {
    LongAdder adder = counts.get(reason);
    return adder == null ? 0 : adder.sum();
  }

  public Map<RejectionReason, Long> counts() {
    Map<RejectionReason, Long> snapshot = new EnumMap<>(RejectionReason.class);
    counts.forEach((reason, adder) -> snapshot.put(reason, adder.sum()));
    return snapshot;
  }
}
