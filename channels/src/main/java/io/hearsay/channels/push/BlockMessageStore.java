package io.hearsay.channels.push;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * The last {@code maxBlockCountToStore} block messages of a channel (Fabric's message store):
 * what pull digests advertise, what pull requests are answered from, and the memory of which
 * peers each block was already pushed to, so a block is pushed on at most once per peer.
 */
public final class BlockMessageStore {

  private record Stored(Envelope envelope, Set<Object> pushedTo) {}

  private final int capacity;
  private final TreeMap<Long, Stored> blocks = new TreeMap<>();

  public BlockMessageStore(int capacity) {
    this.capacity = capacity;
  }

  /** Stores a block message; false when it is already stored or older than everything kept. */
  public boolean add(long number, Envelope blockMessage) {
    if (blocks.containsKey(number) || (blocks.size() >= capacity && number < blocks.firstKey())) {
      return false;
    }
    blocks.put(number, new Stored(blockMessage, new HashSet<>()));
    while (blocks.size() > capacity) {
      blocks.pollFirstEntry();
    }
    return true;
  }

  public Optional<Envelope> get(long number) {
    return Optional.ofNullable(blocks.get(number)).map(Stored::envelope);
  }

  /** The block numbers held, for a pull digest. */
  public List<Long> digest() {
    return new ArrayList<>(blocks.keySet());
  }

  /**
   * Records that {@code number} goes to {@code peer}; false when it already went there (or the
   * block is no longer stored), so the caller does not send it twice.
   */
  public boolean markPushed(long number, Object peer) {
    Stored stored = blocks.get(number);
    return stored != null && stored.pushedTo().add(peer);
  }
}
