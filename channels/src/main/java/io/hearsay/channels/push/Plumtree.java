package io.hearsay.channels.push;

import io.hearsay.channels.common.DelayEstimate;
import io.hearsay.channels.common.RandomPeers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The {@code hearsay} profile's block dissemination: Plumtree (Leitão, Pereira, Rodrigues 2007),
 * an eager spanning tree with lazy announcements, over a small partial view of the channel's
 * same-org peers.
 *
 * <pre>
 *   view: up to viewSize peers, each link eager or lazy; a peer put in the view is sent an empty
 *         GRAFT so the link is symmetric; a peer that sends us anything enters our view
 *   first copy of block n from p   deliver; n is forwarded once verified on arrival (by push or
 *                                  pull) or else after commit: the block to every eager peer but
 *                                  p, IHAVE(n) to every lazy peer but p
 *   another copy of n from p       p becomes lazy, PRUNE to p (the tree loses a redundant edge)
 *   IHAVE(n) from p, n missing     remember p as a holder of n; a graft timeout after the first
 *                                  announcement, GRAFT(n) to the first holder, which becomes
 *                                  eager; a retry timeout later, the next holder, and so on
 *   block m from p, n < m missing  p likely holds n (the caller's implicit announcement): it is
 *                                  awaited as above, but p is grafted only after every peer that
 *                                  announced n, since a peer passes m on as it arrives and may be
 *                                  waiting for n itself (a lost copy leaves its subtree short)
 *   timeouts                       not fixed: the graft timeout follows how long after its first
 *                                  announcement an eager copy arrives (a late copy of a block
 *                                  already grafted counts too), the retry timeout how long a
 *                                  grafted copy takes, each as TCP's RTO follows the round trip,
 *                                  between graftTimeoutFloor and graftTimeout / graftRetry
 *   GRAFT(ns) from p               p becomes eager; it is sent each of ns still held
 *   PRUNE from p                   p becomes lazy
 *   a view peer leaves             it is dropped; the view is refilled with random members
 * </pre>
 *
 * After the first blocks, duplicate copies have pruned the eager links down to a tree: each peer
 * gets one copy per block, while the lazy links repair the tree when an eager copy is lost or its
 * sender crashed. Time is a parameter; the caller sends what the methods return.
 *
 * @param <P> how a peer is named
 */
public final class Plumtree<P> {

  /**
   * {@code viewSize} peers in the view; how long at most to wait for an announced block before
   * grafting it, and for a grafted block before asking the next announcer; how short the measured
   * waits may become ({@code graftTimeoutFloor}; equal to graftTimeout, the waits are fixed).
   */
  public record Settings(int viewSize, Duration graftTimeout, Duration graftRetry, Duration graftTimeoutFloor) {
    public Settings {
      if (viewSize < 1) {
        throw new IllegalArgumentException("viewSize must be at least 1: " + viewSize);
      }
    }

    /** Fixed waits. */
    public Settings(int viewSize, Duration graftTimeout, Duration graftRetry) {
      this(viewSize, graftTimeout, graftRetry, graftTimeout.compareTo(graftRetry) > 0 ? graftTimeout : graftRetry);
    }
  }

  /** A GRAFT for {@code numbers} (empty: only to make the link eager and symmetric). */
  public record Graft<P>(P to, List<Long> numbers) {}

  /** Where a committed block goes: the payload to {@code eager}, an IHAVE to {@code lazy}. */
  public record Forward<P>(List<P> eager, List<P> lazy) {}

  /**
   * An announced block not yet here: who announced it ({@code holders}), who pushed a later block
   * ({@code likely}), when first announced, and when and where it was grafted.
   */
  private record Missing<P>(Deque<P> holders, Deque<P> likely, long deadlineNanos, long announcedNanos, long graftedNanos,
      P graftedFrom) {
    Missing<P> grafted(P holder, long nowNanos, long retryNanos) {
      return new Missing<>(holders, likely, nowNanos + retryNanos, announcedNanos, nowNanos, holder);
    }

    /** The next peer to graft from: announcers first. */
    P next() {
      P holder = holders.pollFirst();
      return holder != null ? holder : likely.pollFirst();
    }

    void retainAll(Set<P> members) {
      holders.retainAll(members);
      likely.retainAll(members);
    }
  }

  /** Blocks grafted lately and when first announced: a late eager copy still tells its lag. */
  private final TreeMap<Long, Long> graftedAnnouncedAt = new TreeMap<>();

  private static final int REMEMBERED = 4096;

  private final Settings settings;
  private final RandomGenerator random;
  private final Set<P> eager = new LinkedHashSet<>();
  private final Set<P> lazy = new LinkedHashSet<>();
  private final Set<P> members = new HashSet<>();
  /** The peer each recent block first came from (absent for the channel's source). */
  private final TreeMap<Long, Optional<P>> firstFrom = new TreeMap<>();
  private final TreeMap<Long, Missing<P>> missing = new TreeMap<>();

  /** How long after its first announcement an eager copy comes. */
  private final DelayEstimate announcedToEager;
  /** How long a grafted copy takes to come. */
  private final DelayEstimate graftToCopy;

  public Plumtree(Settings settings, RandomGenerator random) {
    this.settings = settings;
    this.random = random;
    long floor = settings.graftTimeoutFloor().toNanos();
    this.announcedToEager = new DelayEstimate(floor, settings.graftTimeout().toNanos());
    this.graftToCopy = new DelayEstimate(floor, settings.graftRetry().toNanos());
  }

  /** The wait for an announced block's eager copy before it is grafted, as measured now. */
  public Duration graftTimeout() {
    return Duration.ofNanos(announcedToEager.timeoutNanos());
  }

  /**
   * The channel's same-org members are now {@code alive}: departed peers leave the view, which is
   * refilled with random members; each newcomer is returned, to be sent an empty GRAFT.
   */
  public List<P> members(Collection<P> alive) {
    members.clear();
    members.addAll(alive);
    eager.retainAll(members);
    lazy.retainAll(members);
    missing.values().forEach(m -> m.retainAll(members));
    List<P> candidates = RandomPeers.shuffled(members, random);
    candidates.removeAll(eager);
    candidates.removeAll(lazy);
    List<P> added = new ArrayList<>();
    for (P peer : candidates) {
      if (eager.size() + lazy.size() >= settings.viewSize()) {
        break;
      }
      eager.add(peer);
      added.add(peer);
    }
    return added;
  }

  /**
   * Block {@code number} arrived by push from {@code from} (empty: from the channel's source).
   * True for the first copy; false for a duplicate, after which {@code from} must be sent a PRUNE.
   */
  public boolean received(long number, Optional<P> from, long lowestKept, long nowNanos) {
    if (number < lowestKept || firstFrom.containsKey(number)) {
      Long announced = graftedAnnouncedAt.remove(number);
      if (announced != null) {
        announcedToEager.sample(nowNanos - announced); // the eager copy was late, not lost
      }
      from.ifPresent(this::makeLazy);
      return false;
    }
    firstFrom.put(number, from);
    while (firstFrom.size() > REMEMBERED) {
      firstFrom.pollFirstEntry();
    }
    Missing<P> m = missing.remove(number);
    if (m != null && m.graftedFrom() != null && from.isPresent() && from.get().equals(m.graftedFrom())) {
      graftToCopy.sample(nowNanos - m.graftedNanos()); // a later copy from another peer is the late eager one
    } else if (m != null) {
      announcedToEager.sample(nowNanos - m.announcedNanos());
      graftedAnnouncedAt.remove(number); // the grafted copy, when it comes, tells nothing
    } else if (from.isPresent()) {
      announcedToEager.sample(0); // here before any announcement: a peer near the root learns it waits little
    }
    from.ifPresent(this::makeEager);
    return true;
  }

  /**
   * Block {@code number} arrived another way (pull, state transfer), from {@code from} when known:
   * no longer missing, and never forwarded back to {@code from}; the links stay as they are.
   */
  public void obtained(long number, Optional<P> from) {
    missing.remove(number);
    firstFrom.putIfAbsent(number, from);
  }

  /** Where block {@code number}, just committed, goes: never back to the peer it came from. */
  public Forward<P> forward(long number) {
    Optional<P> from = firstFrom.getOrDefault(number, Optional.empty());
    List<P> toEager = eager.stream().filter(p -> from.map(f -> !f.equals(p)).orElse(true)).toList();
    List<P> toLazy = lazy.stream().filter(p -> from.map(f -> !f.equals(p)).orElse(true)).toList();
    return new Forward<>(toEager, toLazy);
  }

  /** {@code from} announced {@code numbers}; those neither held nor below {@code height} are awaited. */
  public void onIHave(P from, List<Long> numbers, long height, long nowNanos) {
    if (!eager.contains(from)) {
      lazy.add(from);
    }
    for (Missing<P> m : awaited(numbers, height, nowNanos)) {
      m.likely().remove(from);
      if (!m.holders().contains(from)) {
        m.holders().add(from);
      }
    }
  }

  /**
   * {@code from} pushed a block above {@code numbers}, so it likely holds them: those neither held
   * nor below {@code height} are awaited, grafted from {@code from} once no announcer is left.
   */
  public void onPushedAbove(P from, List<Long> numbers, long height, long nowNanos) {
    for (Missing<P> m : awaited(numbers, height, nowNanos)) {
      if (!m.holders().contains(from) && !m.likely().contains(from)) {
        m.likely().add(from);
      }
    }
  }

  private List<Missing<P>> awaited(List<Long> numbers, long height, long nowNanos) {
    List<Missing<P>> awaited = new ArrayList<>();
    for (long number : numbers) {
      if (number >= height && !firstFrom.containsKey(number)) {
        awaited.add(missing.computeIfAbsent(number, n -> new Missing<>(new ArrayDeque<>(), new ArrayDeque<>(),
            nowNanos + announcedToEager.timeoutNanos(), nowNanos, 0, null)));
      }
    }
    return awaited;
  }

  /** {@code from} grafted us: it becomes eager (the caller sends it any requested block it holds). */
  public void onGraft(P from) {
    makeEager(from);
  }

  /** {@code from} pruned us: it becomes lazy. */
  public void onPrune(P from) {
    makeLazy(from);
  }

  /**
   * The GRAFTs due at {@code nowNanos}: per awaited block whose timer ran out, the next holder
   * that announced it becomes eager and is asked for it. Blocks below {@code height} are dropped.
   */
  public List<Graft<P>> due(long height, long nowNanos) {
    missing.headMap(height).clear();
    Map<P, List<Long>> asks = new LinkedHashMap<>();
    for (var entry : new ArrayList<>(missing.entrySet())) {
      Missing<P> m = entry.getValue();
      if (m.deadlineNanos() > nowNanos) {
        continue;
      }
      P holder = m.next();
      if (holder == null) {
        missing.remove(entry.getKey());
        continue;
      }
      makeEager(holder);
      asks.computeIfAbsent(holder, h -> new ArrayList<>()).add(entry.getKey());
      missing.put(entry.getKey(), m.grafted(holder, nowNanos, graftToCopy.timeoutNanos()));
      graftedAnnouncedAt.put(entry.getKey(), m.announcedNanos());
      while (graftedAnnouncedAt.size() > REMEMBERED) {
        graftedAnnouncedAt.pollFirstEntry();
      }
    }
    List<Graft<P>> grafts = new ArrayList<>();
    asks.forEach((peer, numbers) -> grafts.add(new Graft<>(peer, numbers)));
    return grafts;
  }

  /** When {@link #due} next has something to do, if anything is awaited. */
  public Optional<Long> nextDeadline() {
    return missing.values().stream().map(Missing::deadlineNanos).min(Long::compare);
  }

  public Set<P> eagerPeers() {
    return Collections.unmodifiableSet(eager);
  }

  public Set<P> lazyPeers() {
    return Collections.unmodifiableSet(lazy);
  }

  private void makeEager(P peer) {
    lazy.remove(peer);
    eager.add(peer);
  }

  private void makeLazy(P peer) {
    eager.remove(peer);
    lazy.add(peer);
  }
}
