package io.hearsay.channels.antientropy;

import io.hearsay.channels.common.DelayEstimate;
import io.hearsay.channels.stateinfo.StateInfoTable;
import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Fabric's anti-entropy state transfer, as plain state driven with explicit time.
 *
 * <pre>
 * every state.checkInterval (check):
 *   if no request is pending and the highest height H advertised by a member of our org &gt; our
 *   height h: request [h, min(h + batchSize - 1, H - 1)] from a random member of our org whose
 *   height &gt; the end (blocks never cross org boundaries, as in Fabric); (hearsay, with
 *   Plumtree) a committer holding blocks beyond a gap has its gaps filled, not the blocks after
 *   the newest it holds (push is bringing those): a window starts at the first block it lacks
 *   and ends before the next one it holds
 * on response (nonce of the pending request, from its peer): the request is done; the blocks go
 *   to the committer, whose ledger checks them before commit; the windows asked of that peer
 *   after it get their timeout anew (they wait behind it there); (hearsay) a window of that peer
 *   asked before it and overtaken by three such answers is taken for lost and asked again at once
 * on tick after the response timeout without a response: ask another random member that has
 *   the window, up to maxRetries attempts; then give up until the next check. The timeout is
 *   Fabric's responseTimeout, or (hearsay) follows the peer's measured response times as TCP's RTO
 *   follows the round trip, between responseTimeoutFloor and responseTimeout: a lost window is
 *   asked again after a few round trips, not seconds, while the committer waits for it
 * catching up: the height advertised when a check found us behind is the goal; as Fabric's state
 *   provider, the next window is asked for as soon as one is buffered or committed, up to it
 * on a gap (hearsay: state-transfer-on-gap): a StateInfo advertising a height more than the
 *   pull window (maxBlockCountToStore) ahead starts the catch-up at once, as a check would
 * </pre>
 *
 * Serving the requests of others is {@link StateServer}'s.
 *
 * <p>A Fabric peer refuses a request spanning more than its own {@code state.batchSize} past its
 * start, and does not say what that is: a window asked of a peer that is not known to be a Hearsay
 * peer is cut to Fabric's default, 10 blocks (the hearsay profile asks Hearsay peers for 50).
 *
 * With a pipeline above 1 (the hearsay profile), up to that many windows are requested at once,
 * the next window starting after the last one asked for, each preferably from a peer not already
 * serving one; Fabric asks for one window at a time (pipeline 1). How many windows are in flight
 * follows what the serving peers deliver, as TCP's congestion window does: a window that times out
 * halves it, each window answered in time adds one back, up to the pipeline. Overloaded or lossy
 * peers are then asked for less at once instead of timing out on every window. With measured
 * timeouts (hearsay) that window is each serving peer's own and starts at one, and a peer four
 * times slower than the quickest holder is not asked while another can be.
 */
public final class StateTransfer {

  /** A request for blocks {@code start..end} (inclusive) sent to {@code peer}. */
  public record Request(PkiId peer, long start, long end, long nonce, long deadlineNanos, int attempt, long sentNanos) {
    Request withDeadline(long deadline) {
      return new Request(peer, start, end, nonce, deadline, attempt, sentNanos);
    }
  }

  /**
   * How many later windows of the same peer answered first make a pending window taken for lost
   * at once, as TCP's fast retransmit takes three duplicate acknowledgements (measured timeouts only).
   */
  static final int OVERTAKEN_AS_LOST = 3;

  /** How many times slower than the quickest holder a peer may answer and still be asked (measured timeouts only). */
  static final int SLOW_PEER_FACTOR = 4;

  /** Fabric's default {@code peer.gossip.state.batchSize}. */
  static final int FABRIC_BATCH_SIZE = 10;

  private final String mspId;
  private final int batchSize;
  private final Predicate<PkiId> fabricPeer;
  /**
   * How long each peer's responses take; the timeout is fixed at responseTimeout unless a lower
   * floor is set. Per peer: a peer behind a slow link must not stretch a fast peer's timeout, nor
   * the fast one shorten the slow one's into spurious retries.
   */
  private final Map<PkiId, DelayEstimate> responseTimes = new HashMap<>();
  private final long responseTimeoutNanos;
  private final long responseTimeoutFloorNanos;
  private final int maxRetries;
  private final RandomGenerator random;
  private final int pipeline;
  /**
   * What the committer holds already, waiting for an earlier block: a peer that missed one block
   * while push brought the next forty asks for that one, not the forty, nor the blocks after them.
   */
  private final BufferedBlocks held;
  /** Outstanding requests by nonce, oldest first. */
  private final LinkedHashMap<Long, Request> pending = new LinkedHashMap<>();
  /** The last block asked for: the next window starts after it (answered windows may still be buffered). */
  private long requestedUpTo = -1;
  /** Windows that may be in flight now: between 1 and the pipeline (with Fabric's fixed timeout). */
  private int inFlight;
  /**
   * With measured timeouts, the windows each serving peer may hold instead: 1 at first, one more
   * for each it answers, half after one times out (TCP's slow start and AIMD, per peer), so a
   * fast peer is soon asked for many and a slow one for few.
   */
  private final Map<PkiId, Integer> peerWindows = new HashMap<>();
  /** With measured timeouts, how many windows asked of the same peer later were answered before each pending one. */
  private final Map<Long, Integer> overtaken = new HashMap<>();
  /** The height the last check found advertised: windows follow one another up to it. */
  private long catchUpTo = -1;
  private long heightAtLastCheck = -1;

  public StateTransfer(String mspId, int batchSize, Duration responseTimeout, int maxRetries, RandomGenerator random) {
    this(mspId, batchSize, responseTimeout, maxRetries, random, 1);
  }

  public StateTransfer(String mspId, int batchSize, Duration responseTimeout, int maxRetries, RandomGenerator random,
      int pipeline) {
    this(mspId, batchSize, responseTimeout, maxRetries, random, pipeline, peer -> false);
  }

  /** {@code fabricPeer}: the peers to ask for no more than Fabric's batch size at once. */
  public StateTransfer(String mspId, int batchSize, Duration responseTimeout, int maxRetries, RandomGenerator random,
      int pipeline, Predicate<PkiId> fabricPeer) {
    this(mspId, batchSize, responseTimeout, responseTimeout, maxRetries, random, pipeline, fabricPeer);
  }

  /** A response timeout that follows measured response times, down to {@code responseTimeoutFloor}. */
  public StateTransfer(String mspId, int batchSize, Duration responseTimeout, Duration responseTimeoutFloor,
      int maxRetries, RandomGenerator random, int pipeline, Predicate<PkiId> fabricPeer) {
    this(mspId, batchSize, responseTimeout, responseTimeoutFloor, maxRetries, random, pipeline, fabricPeer,
        BufferedBlocks.NONE);
  }

  /** {@code held}: the blocks the committer holds already, whose gaps windows fill. */
  public StateTransfer(String mspId, int batchSize, Duration responseTimeout, Duration responseTimeoutFloor,
      int maxRetries, RandomGenerator random, int pipeline, Predicate<PkiId> fabricPeer, BufferedBlocks held) {
    this.held = held;
    this.responseTimeoutNanos = responseTimeout.toNanos();
    this.responseTimeoutFloorNanos = Math.min(responseTimeoutFloor.toNanos(), responseTimeoutNanos);
    this.fabricPeer = fabricPeer;
    if (pipeline < 1) {
      throw new IllegalArgumentException("pipeline must be at least 1: " + pipeline);
    }
    this.pipeline = pipeline;
    this.inFlight = pipeline;
    this.mspId = mspId;
    this.batchSize = batchSize;
    this.maxRetries = maxRetries;
    this.random = random;
  }

  /**
   * The periodic check: a new request when behind and fewer than {@code pipeline} are pending
   * (call again for the next window).
   */
  public Optional<Request> check(long ourHeight, StateInfoTable members, long nowNanos) {
    return check(ourHeight, Long.MAX_VALUE, members, nowNanos);
  }

  /** {@link #check}, asking for no block at or above {@code below} (what the committer can hold). */
  public Optional<Request> check(long ourHeight, long below, StateInfoTable members, long nowNanos) {
    if (pending.size() >= inFlight) {
      return Optional.empty();
    }
    // Block 0 is the genesis block the channel was joined with: it is never fetched from a peer.
    long start = Math.max(Math.max(ourHeight, 1), requestedUpTo + 1);
    long newestHeld = held.newest();
    while (held.holds(start)) {
      start++;
    }
    long goal = newestHeld >= 0 ? Math.min(highest(members), newestHeld) : highest(members);
    long highest = Math.min(goal, below);
    if (highest <= start) {
      return Optional.empty();
    }
    long end = Math.min(start + batchSize - 1, highest - 1);
    if (end - start + 1 < batchSize && goal > below) {
      return Optional.empty(); // a window cut short by the committer's bound waits for commits to make room
    }
    for (long number = start + 1; number <= end; number++) {
      if (held.holds(number)) {
        end = number - 1;
        break;
      }
    }
    return request(start, end, members, nowNanos, 1, null);
  }

  /** The highest ledger height a peer of our org advertises. */
  public long highest(StateInfoTable members) {
    return members.highestHeight(mspId);
  }

  /** Retries or abandons a request whose response did not come in time. */
  public Optional<Request> tick(StateInfoTable members, long nowNanos) {
    Optional<Request> due = pending.values().stream().filter(r -> nowNanos >= r.deadlineNanos()).findFirst();
    if (due.isEmpty()) {
      return Optional.empty();
    }
    Request expired = due.get();
    pending.remove(expired.nonce());
    overtaken.remove(expired.nonce());
    if (measuredTimeouts()) {
      peerWindows.put(expired.peer(), Math.max(1, windowOf(expired.peer()) / 2));
    } else {
      inFlight = Math.max(1, inFlight / 2);
    }
    if (expired.attempt() >= maxRetries) {
      // Given up: the window is asked for again by a later check.
      requestedUpTo = Math.min(requestedUpTo, expired.start() - 1);
      return Optional.empty();
    }
    return request(expired.start(), expired.end(), members, nowNanos, expired.attempt() + 1, expired.peer());
  }

  /**
   * Whether a response, come at {@code nowNanos}, answers a pending request; if so that request is
   * done, and the windows asked of the same peer after it get a full timeout from now: they queue
   * behind it at that peer (its ledger reads and its uplink serve them in turn), so a deep pipeline
   * to a slow link is not taken for lost windows while the peer is still answering.
   */
  public boolean onResponse(PkiId from, long nonce, long nowNanos) {
    Request request = pending.get(nonce);
    if (request != null && request.peer().equals(from)) {
      DelayEstimate times = timesOf(from);
      times.sample(nowNanos - request.sentNanos());
      long extended = nowNanos + times.timeoutNanos();
      boolean behind = false;
      for (var entry : pending.entrySet()) { // in the order the requests were sent
        Request queued = entry.getValue();
        if (queued.nonce() == nonce) {
          behind = true;
        } else if (!behind && queued.peer().equals(from) && measuredTimeouts()
            && overtaken.merge(queued.nonce(), 1, Integer::sum) >= OVERTAKEN_AS_LOST) {
          // A peer serves its windows in turn: one answered ahead of it this often was lost.
          entry.setValue(queued.withDeadline(Math.min(queued.deadlineNanos(), nowNanos)));
        } else if (behind && queued.peer().equals(from) && queued.deadlineNanos() < extended) {
          // Never past responseTimeout from its sending: a peer that answers, but slowly, must
          // not keep the windows queued at it from being asked of another.
          entry.setValue(queued.withDeadline(Math.max(queued.deadlineNanos(),
              Math.min(extended, queued.sentNanos() + responseTimeoutNanos))));
        }
      }
      pending.remove(nonce);
      overtaken.remove(nonce);
      inFlight = Math.min(pipeline, inFlight + 1);
      if (measuredTimeouts()) {
        peerWindows.put(from, Math.min(pipeline, windowOf(from) + 1));
      }
      return true;
    }
    return false;
  }

  /**
   * Nothing pending and no progress since the last check: windows answered but never committed
   * (a refused block) are asked for again.
   */
  public void stalled(long ourHeight) {
    if (pending.isEmpty()) {
      requestedUpTo = ourHeight - 1;
    }
  }

  /** How many windows may be in flight now. */
  public int windowsInFlight() {
    return inFlight;
  }

  /** When the earliest pending request times out, if any is pending. */
  public Optional<Long> nextDeadline() {
    return pending.values().stream().map(Request::deadlineNanos).min(Long::compare);
  }

  /** The oldest pending request. */
  public Optional<Request> pending() {
    return pending.values().stream().findFirst();
  }

  /**
   * The periodic check at ledger height {@code height} (every state.checkInterval): late windows
   * are asked again elsewhere, windows answered but never committed since the last check are asked
   * again, and the catch-up goal becomes the highest advertised height, with its first windows
   * below {@code below} (what the committer can hold). Fabric sets the goal at every check;
   * {@code onlyWhenStalled} only when this peer made no progress since the last one, so blocks
   * still arriving by push are not fetched a second time, or when the committer holds blocks past
   * a gap at its height: a block push never brought (at 1000 peers, block 1 for most of them, cut
   * before the push tree had formed) is then fetched at the first check, not at the second, by
   * which time forty blocks had piled up behind it.
   */
  public List<Request> periodicCheck(long height, long below, StateInfoTable members, boolean onlyWhenStalled,
      long nowNanos) {
    List<Request> requests = new ArrayList<>();
    for (var retry = tick(members, nowNanos); retry.isPresent(); retry = tick(members, nowNanos)) {
      requests.add(retry.get());
    }
    if (height == heightAtLastCheck) {
      stalled(Math.max(height, 0));
    }
    boolean gap = held.gapAt(height);
    if (height >= 0 && (!onlyWhenStalled || height == heightAtLastCheck || gap)) {
      catchUpTo = highest(members);
      requests.addAll(windows(height, below, members, nowNanos));
    }
    heightAtLastCheck = height;
    return requests;
  }

  /**
   * Heights were learned from StateInfo: when a member of our org advertises more than
   * {@code pullReach} blocks beyond our height (peers keep only their newest blocks for pull, and
   * older ones are not being pushed any more), the catch-up starts now instead of at the next
   * periodic check; a catch-up under way takes the new height as its goal by the same rule. A new
   * height within pull's reach is not followed: near the tip the newest blocks are still arriving
   * by push, and a goal that followed every new height kept a peer that had once fallen behind
   * fetching each new block a second time (over a quarter of all block copies at 1000 peers).
   */
  public List<Request> onHeightsLearned(long height, long below, long pullReach, StateInfoTable members,
      long nowNanos) {
    long highest = highest(members);
    if (height < 0 || highest - height <= pullReach) {
      return List.of();
    }
    catchUpTo = Math.max(catchUpTo, highest);
    return windows(height, below, members, nowNanos);
  }

  /** A window was buffered or a run committed at {@code height}: the next windows, while catching up. */
  public List<Request> continueCatchUp(long height, long below, StateInfoTable members, long nowNanos) {
    return height >= 0 && height < catchUpTo ? windows(height, below, members, nowNanos) : List.of();
  }

  /** As many windows as the pipeline allows, below {@code below}. */
  private List<Request> windows(long height, long below, StateInfoTable members, long nowNanos) {
    List<Request> requests = new ArrayList<>();
    for (var request = check(height, below, members, nowNanos); request.isPresent();
        request = check(height, below, members, nowNanos)) {
      requests.add(request.get());
    }
    return requests;
  }

  private Optional<Request> request(long start, long end, StateInfoTable members, long nowNanos, int attempt,
      PkiId avoid) {
    List<StateInfoTable.Entry> candidates = members.membersWithBlock(end).stream()
        .filter(e -> e.mspId().equals(mspId)).toList();
    if (candidates.size() > 1 && avoid != null) {
      candidates = candidates.stream().filter(e -> !e.pkiId().equals(avoid)).toList();
    }
    candidates = withoutSlowPeers(candidates);
    List<StateInfoTable.Entry> withRoom = candidates.stream().filter(e -> pendingAt(e.pkiId()) < windowOf(e.pkiId()))
        .toList();
    if (!withRoom.isEmpty()) {
      candidates = withRoom;
    } else if (attempt == 1) {
      return Optional.empty(); // a new window waits for answers; a late one is asked again anyway
    }
    List<StateInfoTable.Entry> idle = candidates.stream().filter(e -> pendingAt(e.pkiId()) == 0).toList();
    if (!idle.isEmpty()) {
      candidates = idle;
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    PkiId peer = candidates.get(random.nextInt(candidates.size())).pkiId();
    if (fabricPeer.test(peer) && end - start + 1 > FABRIC_BATCH_SIZE) {
      long cut = start + FABRIC_BATCH_SIZE - 1;
      if (attempt > 1) {
        // A retry cut short: the rest of its window is asked for again after it.
        requestedUpTo = Math.min(requestedUpTo, cut);
      }
      end = cut;
    }
    Request request = new Request(peer, start, end, random.nextLong(), nowNanos + timesOf(peer).timeoutNanos(), attempt,
        nowNanos);
    pending.put(request.nonce(), request);
    requestedUpTo = Math.max(requestedUpTo, end);
    return Optional.of(request);
  }

  private boolean measuredTimeouts() {
    return responseTimeoutFloorNanos < responseTimeoutNanos;
  }

  /** How many windows {@code peer} may hold at once (no bound of its own with Fabric's fixed timeout). */
  private int windowOf(PkiId peer) {
    return measuredTimeouts() ? peerWindows.getOrDefault(peer, 1) : Integer.MAX_VALUE;
  }

  private long pendingAt(PkiId peer) {
    return pending.values().stream().filter(r -> r.peer().equals(peer)).count();
  }

  private DelayEstimate timesOf(PkiId peer) {
    return responseTimes.computeIfAbsent(peer, p -> new DelayEstimate(responseTimeoutFloorNanos, responseTimeoutNanos));
  }

  /**
   * With measured timeouts (a floor below responseTimeout), the holders whose quickest response
   * took more than {@link #SLOW_PEER_FACTOR} times the quickest holder's are left out while another
   * can be asked: with windows committed in order, a window at a peer a hundred times slower holds
   * up every window after it. The quickest, not the mean: a fast peer asked for many windows
   * answers late because they queue there, not because its link is slow. Peers not timed yet are
   * kept, so they get timed.
   */
  private List<StateInfoTable.Entry> withoutSlowPeers(List<StateInfoTable.Entry> holders) {
    if (responseTimeoutFloorNanos >= responseTimeoutNanos || holders.size() < 2) {
      return holders;
    }
    long quickest = holders.stream().mapToLong(e -> timesOf(e.pkiId()).minNanos()).filter(m -> m >= 0).min()
        .orElse(-1);
    if (quickest < 0) {
      return holders;
    }
    return holders.stream().filter(e -> timesOf(e.pkiId()).minNanos() <= quickest * SLOW_PEER_FACTOR).toList();
  }
}
