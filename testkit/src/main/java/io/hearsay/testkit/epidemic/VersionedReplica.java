package io.hearsay.testkit.epidemic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One peer's copy of versioned key/value data (StateInfo per peer, alive messages per peer):
 * a key keeps the value with the highest version seen. What the epidemic protocols reconcile.
 *
 * @param <K> the key (a PKI-ID, say)
 */
public final class VersionedReplica<K> {

  /** A key's value at a version. */
  public record Update<K>(K key, long version, Object value) {}

  private final Map<K, Update<K>> entries = new HashMap<>();

  /** Takes an update if it is newer than what this replica holds; true when it was taken. */
  public boolean offer(Update<K> update) {
    Update<K> known = entries.get(update.key());
    if (known != null && known.version() >= update.version()) {
      return false;
    }
    entries.put(update.key(), update);
    return true;
  }

  /** The version held for a key, or -1. */
  public long version(K key) {
    Update<K> known = entries.get(key);
    return known == null ? -1 : known.version();
  }

  /** {@code (key, version)} of every entry: what a pull sends instead of the values. */
  public Map<K, Long> digest() {
    Map<K, Long> digest = new HashMap<>();
    entries.forEach((key, update) -> digest.put(key, update.version()));
    return digest;
  }

  /** The entries newer than {@code digest} says the other side holds (absent counts as older). */
  public List<Update<K>> newerThan(Map<K, Long> digest) {
    List<Update<K>> newer = new ArrayList<>();
    entries.forEach((key, update) -> {
      if (update.version() > digest.getOrDefault(key, -1L)) {
        newer.add(update);
      }
    });
    return newer;
  }

  public int size() {
    return entries.size();
  }
}
