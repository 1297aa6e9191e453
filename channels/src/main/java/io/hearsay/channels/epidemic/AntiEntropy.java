package io.hearsay.channels.epidemic;

import java.util.List;
import java.util.Map;

/**
 * One anti-entropy round (Demers et al., "Epidemic algorithms for replicated database
 * maintenance"): initiator A reconciles everything with partner B, in one of three exchanges.
 *
 * <pre>
 * PUSH       A → B  (key, value, version) of what A holds newer than B's digest     1 message
 * PULL       A → B  (key, version) digest;  B → A  what B holds newer               2 messages
 * PUSH_PULL  as PULL, B's answer carries B's digest;  A → B  what A holds newer      3 messages
 * </pre>
 *
 * PUSH assumes A knows B's digest from an earlier exchange (the round's cost is its one message).
 * Anti-entropy is SI: a replica never stops, so every update reaches everyone; with pull the
 * fraction still lacking an update shrinks as p(i+1) = p(i)^2 once most have it.
 */
public final class AntiEntropy {

  /** The exchange of one round. */
  public enum Mode { PUSH, PULL, PUSH_PULL }

  /** What one round moved: messages sent and updates taken by either side. */
  public record Round(int messages, int taken) {}

  private AntiEntropy() {}

  public static <K> Round exchange(Mode mode, VersionedReplica<K> a, VersionedReplica<K> b) {
    return switch (mode) {
      case PUSH -> new Round(1, offerAll(b, a.newerThan(b.digest())));
      case PULL -> new Round(2, offerAll(a, b.newerThan(a.digest())));
      case PUSH_PULL -> {
        Map<K, Long> bDigest = b.digest();
        int taken = offerAll(a, b.newerThan(a.digest()));
        yield new Round(3, taken + offerAll(b, a.newerThan(bDigest)));
      }
    };
  }

  private static <K> int offerAll(VersionedReplica<K> to, List<VersionedReplica.Update<K>> updates) {
    int taken = 0;
    for (VersionedReplica.Update<K> update : updates) {
      if (to.offer(update)) {
        taken++;
      }
    }
    return taken;
  }
}
