package io.hearsay.channels.antientropy;

import io.hearsay.channels.stateinfo.StateInfoTable;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Fabric's anti-entropy state transfer, as plain state driven with explicit time.
 *
 * <pre>
 * every state.checkInterval (check):
 *   if no request is pending and the highest height H advertised by a member of our org &gt; our
 *   height h: request [h, min(h + batchSize - 1, H - 1)] from a random member of our org whose
 *   height &gt; the end (blocks never cross org boundaries, as in Fabric)
 * on response (nonce of the pending request, from its peer): the request is done; the blocks go
 *   to the committer, which verifies every one before commit
 * on tick after responseTimeout without a response: ask another random member that has the
 *   window, up to maxRetries attempts; then give up until the next check
 * serving: a request is refused if the requester is not a channel member or asks for more than
 *   batchSize blocks
 * </pre>
 */
public final class StateTransfer {

  /** A request for blocks {@code start..end} (inclusive) sent to {@code peer}. */
  public record Request(PkiId peer, long start, long end, long nonce, long deadlineNanos, int attempt) {}

  private final String mspId;
  private final int batchSize;
  private final long responseTimeoutNanos;
  private final int maxRetries;
  private final RandomGenerator random;
  private Request pending;

  public StateTransfer(String mspId, int batchSize, Duration responseTimeout, int maxRetries, RandomGenerator random) {
    this.mspId = mspId;
    this.batchSize = batchSize;
    this.responseTimeoutNanos = responseTimeout.toNanos();
    this.maxRetries = maxRetries;
    this.random = random;
  }

  /** The periodic check: a new request when behind and none is pending. */
  public Optional<Request> check(long ourHeight, StateInfoTable members, long nowNanos) {
    if (pending != null) {
      return Optional.empty();
    }
    long highest = highest(members);
    if (highest <= ourHeight) {
      return Optional.empty();
    }
    long end = Math.min(ourHeight + batchSize - 1, highest - 1);
    return request(ourHeight, end, members, nowNanos, 1, null);
  }

  /** The highest ledger height a peer of our org advertises. */
  public long highest(StateInfoTable members) {
    return members.entries().stream().filter(e -> e.mspId().equals(mspId))
        .mapToLong(StateInfoTable.Entry::ledgerHeight).max().orElse(0);
  }

  /** Retries or abandons a request whose response did not come in time. */
  public Optional<Request> tick(StateInfoTable members, long nowNanos) {
    if (pending == null || nowNanos < pending.deadlineNanos()) {
      return Optional.empty();
    }
    Request expired = pending;
    pending = null;
    if (expired.attempt() >= maxRetries) {
      return Optional.empty();
    }
    return request(expired.start(), expired.end(), members, nowNanos, expired.attempt() + 1, expired.peer());
  }

  /** Whether a response answers the pending request; if so the request is done. */
  public boolean onResponse(PkiId from, long nonce) {
    if (pending != null && pending.nonce() == nonce && pending.peer().equals(from)) {
      pending = null;
      return true;
    }
    return false;
  }

  public Optional<Request> pending() {
    return Optional.ofNullable(pending);
  }

  /** Empty when a peer's request may be served, else why not. */
  public Optional<Rejection> checkRequest(PkiId requester, long start, long end, boolean requesterIsMember) {
    if (!requesterIsMember) {
      return Optional.of(Rejection.of(RejectionReason.SPOOFED_SENDER,
          "state request from %s, which has not proven channel membership", requester));
    }
    if (end < start || end - start + 1 > batchSize) {
      return Optional.of(Rejection.of(RejectionReason.OVERSIZED_PAYLOAD,
          "state request from %s for blocks %d..%d exceeds the batch size %d", requester, start, end, batchSize));
    }
    return Optional.empty();
  }

  private Optional<Request> request(long start, long end, StateInfoTable members, long nowNanos, int attempt,
      PkiId avoid) {
    List<StateInfoTable.Entry> candidates = members.membersWithBlock(end).stream()
        .filter(e -> e.mspId().equals(mspId)).toList();
    if (candidates.size() > 1 && avoid != null) {
      candidates = candidates.stream().filter(e -> !e.pkiId().equals(avoid)).toList();
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    PkiId peer = candidates.get(random.nextInt(candidates.size())).pkiId();
    pending = new Request(peer, start, end, random.nextLong(), nowNanos + responseTimeoutNanos, attempt);
    return Optional.of(pending);
  }
}
