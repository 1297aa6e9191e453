package io.hearsay.channels.pull;

import io.hearsay.protocol.identity.PkiId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Fabric's 4-phase pull of blocks (Hello → Digest → Request → Response), both sides, as plain
 * state driven with explicit time. Items are block numbers.
 *
 * <pre>
 * initiator, every pullInterval:
 *   startRound: Hello(nonce_p) to each of pullPeerNum peers
 *   onDigest within digestWaitTime of the round, for a nonce of the round: remember who has what
 *   requests (after digestWaitTime): for each advertised block at or above our height that we
 *     lack, one random peer that has it; one Request per chosen peer, with that peer's nonce
 *     (one nonce names the whole Hello/Digest/Request/Response exchange, as in Fabric)
 *   acceptResponse: only for a nonce of an outstanding request, within responseWaitTime
 * responder:
 *   onHello: reply Digest(same nonce, our blocks); the nonce stays valid for requestWaitTime
 *   acceptRequest: only for a nonce we answered with a digest, from the same peer, in time
 * </pre>
 *
 * Anything with an unknown or expired nonce is dropped: a peer cannot push blocks by inventing
 * responses, and digests for blocks already committed cost nothing.
 */
public final class PullMediator {

  /** A message to send: {@code nonce} names the exchange, {@code items} the blocks (if any). */
  public record Outgoing(PkiId to, long nonce, List<Long> items) {}

  private record Pending(PkiId peer, long expiresNanos) {}

  private final long digestWaitNanos;
  private final long requestWaitNanos;
  private final long responseWaitNanos;
  private final RandomGenerator random;

  private final Map<Long, PkiId> roundNonces = new HashMap<>();
  private final Map<Long, List<PkiId>> holders = new TreeMap<>();
  private long roundStartedNanos = Long.MIN_VALUE;
  private final Map<Long, Pending> outstandingRequests = new HashMap<>();
  private final Map<Long, Pending> answeredHellos = new HashMap<>();

  public PullMediator(Duration digestWait, Duration requestWait, Duration responseWait, RandomGenerator random) {
    this.digestWaitNanos = digestWait.toNanos();
    this.requestWaitNanos = requestWait.toNanos();
    this.responseWaitNanos = responseWait.toNanos();
    this.random = random;
  }

  /** Starts a round: one Hello per peer, each with its own nonce. */
  public List<Outgoing> startRound(List<PkiId> peers, long nowNanos) {
    roundNonces.clear();
    holders.clear();
    roundStartedNanos = nowNanos;
    List<Outgoing> hellos = new ArrayList<>();
    for (PkiId peer : peers) {
      long nonce = random.nextLong();
      roundNonces.put(nonce, peer);
      hellos.add(new Outgoing(peer, nonce, List.of()));
    }
    return hellos;
  }

  /** Records a digest if it answers a Hello of this round in time; false when it is dropped. */
  public boolean onDigest(PkiId from, long nonce, List<Long> items, long nowNanos) {
    if (!from.equals(roundNonces.get(nonce)) || nowNanos - roundStartedNanos > digestWaitNanos) {
      return false;
    }
    for (long item : items) {
      holders.computeIfAbsent(item, k -> new ArrayList<>()).add(from);
    }
    return true;
  }

  /**
   * Whether a round has not made its requests yet: a new round would drop its digests. Bounded
   * by twice the digest window, so a lost deadline cannot stop pulling for good.
   */
  public boolean collecting(long nowNanos) {
    return !roundNonces.isEmpty() && nowNanos - roundStartedNanos < 2 * digestWaitNanos;
  }

  /** Whether the digest window of the current round has closed, so requests can be made. */
  public boolean digestWindowClosed(long nowNanos) {
    return !roundNonces.isEmpty() && nowNanos - roundStartedNanos >= digestWaitNanos;
  }

  /**
   * Ends the round: for every advertised block at or above {@code height} not in {@code have},
   * one random holder; one request per chosen peer.
   */
  public List<Outgoing> requests(long height, Set<Long> have, long nowNanos) {
    Map<PkiId, List<Long>> byPeer = new HashMap<>();
    holders.forEach((item, peers) -> {
      if (item >= height && !have.contains(item)) {
        byPeer.computeIfAbsent(peers.get(random.nextInt(peers.size())), k -> new ArrayList<>()).add(item);
      }
    });
    Map<PkiId, Long> nonceOf = new HashMap<>();
    roundNonces.forEach((nonce, peer) -> nonceOf.put(peer, nonce));
    roundNonces.clear();
    holders.clear();
    outstandingRequests.values().removeIf(p -> p.expiresNanos() < nowNanos);
    List<Outgoing> requests = new ArrayList<>();
    byPeer.forEach((peer, items) -> {
      long nonce = nonceOf.get(peer);
      outstandingRequests.put(nonce, new Pending(peer, nowNanos + responseWaitNanos));
      requests.add(new Outgoing(peer, nonce, List.copyOf(items)));
    });
    return requests;
  }

  /** Whether a response answers one of our requests, from the peer asked, in time. */
  public boolean acceptResponse(PkiId from, long nonce, long nowNanos) {
    Pending pending = outstandingRequests.get(nonce);
    if (pending == null || !pending.peer().equals(from) || nowNanos > pending.expiresNanos()) {
      return false;
    }
    outstandingRequests.remove(nonce);
    return true;
  }

  /** Answers a Hello: the nonce stays valid for a request for {@code requestWaitTime}. */
  public Outgoing onHello(PkiId from, long nonce, List<Long> ourItems, long nowNanos) {
    answeredHellos.values().removeIf(p -> p.expiresNanos() < nowNanos);
    answeredHellos.put(nonce, new Pending(from, nowNanos + requestWaitNanos));
    return new Outgoing(from, nonce, List.copyOf(ourItems));
  }

  /** Whether a request carries a nonce we answered with a digest, from the same peer, in time. */
  public boolean acceptRequest(PkiId from, long nonce, long nowNanos) {
    Pending pending = answeredHellos.get(nonce);
    return pending != null && pending.peer().equals(from) && nowNanos <= pending.expiresNanos();
  }
}
