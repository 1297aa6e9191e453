package io.hearsay.testkit.epidemic;

import io.hearsay.channels.epidemic.AntiEntropy;
import java.util.List;
import java.util.Map;

/**
 * One anti-entropy round between two model replicas, in one of {@link AntiEntropy.Mode}'s
 * exchanges: PUSH gives B what A holds newer than B's digest, PULL gives A what B holds newer,
 * PUSH_PULL both, from digests taken before either side took anything.
 */
public final class ReplicaExchange {

  /** What one round moved: messages sent and updates taken by either side. */
  public record Round(int messages, int taken) {}

  private ReplicaExchange() {}

  public static <K> Round exchange(AntiEntropy.Mode mode, VersionedReplica<K> a, VersionedReplica<K> b) {
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
