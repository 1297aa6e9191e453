package io.hearsay.channels.pull;

import io.hearsay.channels.common.BlockDigests;
import com.google.protobuf.ByteString;
import io.hearsay.channels.common.RandomPeers;
import io.hearsay.channels.push.BlockMessageStore;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * A channel's block pull, both sides ({@link PullMediator} keeps the exchanges, this class
 * drives them over the channel's messages):
 *
 * <pre>
 * round (every pullInterval, or the targeted interval):  Hello to pullPeerNum same-org members
 *   (targeted: only while a height announced a whole interval earlier is still unreached, only to
 *   peers known to hold the next block, asking for digests as ranges); none while the last
 *   round still collects digests
 * digestsDue (digestWaitTime after a round):           one Request per peer for what we lack
 * Hello from a member:    our digest of the blocks kept for pull (as ranges if asked so)
 * Request from a member:  the blocks asked, if the nonce is one we answered with a digest
 * Response:               each block message verified as an envelope of its own, then handed on
 * </pre>
 *
 * Everything with an unknown nonce is a counted rejection; membership is the caller's to check.
 */
public final class BlockPull {

  /** What pull needs from the channel. */
  public interface Outbox {
    /** The same-org members that proved channel membership. */
    List<PkiId> orgMembers();

    /** The heights those members announced (-1: none yet). */
    Map<PkiId, Long> announcedHeights();

    /** The highest of {@link #announcedHeights()}, which the outbox may know without building them. */
    default long highestAnnounced() {
      return TargetedPull.highest(announcedHeights());
    }

    /** Signs and sends. */
    void send(PkiId to, GossipMessage message);

    void reject(Rejection rejection, PkiId from);

    /** Asks for {@link #digestsDue} after {@code delay}. */
    void wakeForDigests(Duration delay);

    /** A verified block message obtained by pull from {@code from}. */
    void pulled(SignedGossipMessage dataMessage, PkiId from);
  }

  private final String channel;
  private final PullSettings settings;
  private final BlockMessageStore store;
  private final EnvelopeVerifier verifier;
  private final RandomGenerator random;
  private final Outbox outbox;
  private final PullMediator mediator;
  private final Optional<TargetedPull> targeted;

  public BlockPull(String channel, PullSettings settings, BlockMessageStore store, EnvelopeVerifier verifier,
      RandomGenerator random, Outbox outbox) {
    this.channel = channel;
    this.settings = settings;
    this.store = store;
    this.verifier = verifier;
    this.random = random;
    this.outbox = outbox;
    this.mediator = new PullMediator(settings.digestWaitTime(), settings.requestWaitTime(), settings.responseWaitTime(),
        random);
    this.targeted = settings.targetedInterval().map(interval -> new TargetedPull());
  }

  /** Starts a round, at ledger height {@code height}. */
  public void round(long height, long now) {
    if (mediator.collecting(now)) {
      return; // a targeted pull's interval may be shorter than digestWaitTime
    }
    List<PkiId> candidates = targeted.map(t -> t.due(height, outbox.highestAnnounced(), outbox::announcedHeights))
        .orElseGet(outbox::orgMembers);
    List<PkiId> peers = RandomPeers.pick(candidates, settings.pullPeerNum(), random);
    ByteString metadata = targeted.isPresent() ? BlockDigests.RANGES : ByteString.EMPTY;
    for (PullMediator.Outgoing hello : mediator.startRound(peers, now)) {
      outbox.send(hello.to(), GossipMessages.hello(channel, hello.nonce(), metadata));
    }
    if (!peers.isEmpty()) {
      outbox.wakeForDigests(settings.digestWaitTime());
    }
  }

  /** The digest window of the round closed: requests for what we lack. */
  public void digestsDue(long height, long now) {
    if (mediator.digestWindowClosed(now)) {
      for (PullMediator.Outgoing request : mediator.requests(height, Set.copyOf(store.digest()), now)) {
        outbox.send(request.to(), GossipMessages.request(channel, request.nonce(), BlockDigests.list(request.items())));
      }
    }
  }

  /** A Hello from a same-org member: our digest. */
  public void onHello(GossipMessage hello, PkiId from, long now) {
    var digest = mediator.onHello(from, hello.getHello().getNonce(), store.digest(), now);
    boolean ranges = hello.getHello().getMetadata().equals(BlockDigests.RANGES);
    outbox.send(from, GossipMessages.digest(channel, digest.nonce(),
        ranges ? BlockDigests.ranges(digest.items()) : BlockDigests.list(digest.items())));
  }

  /** A digest answering our Hello; a malformed one is a {@link BlockDigests.BadDigest}. */
  public void onDigest(GossipMessage digest, PkiId from, long now) {
    mediator.onDigest(from, digest.getDataDig().getNonce(), BlockDigests.numbers(digest.getDataDig().getDigestsList()), now);
  }

  /** A Request from a same-org member; a malformed one is a {@link BlockDigests.BadDigest}. */
  public void onRequest(GossipMessage request, PkiId from, long now) {
    if (!mediator.acceptRequest(from, request.getDataReq().getNonce(), now)) {
      outbox.reject(Rejection.of(RejectionReason.UNSOLICITED_MESSAGE, "pull request from %s with a nonce we did not answer",
          from), from);
      return;
    }
    List<Envelope> blocks = new ArrayList<>();
    for (long number : BlockDigests.numbers(request.getDataReq().getDigestsList())) {
      store.get(number).ifPresent(blocks::add);
    }
    outbox.send(from, GossipMessages.update(channel, request.getDataReq().getNonce(), blocks));
  }

  /**
   * A Response to one of our Requests: each block message is verified on its own, as the
   * responder's (Fabric sends them unsigned inside the response; the ledger checks the blocks).
   */
  public void onResponse(GossipMessage response, PkiId from, long now) {
    if (!mediator.acceptResponse(from, response.getDataUpdate().getNonce(), now)) {
      outbox.reject(Rejection.of(RejectionReason.UNSOLICITED_MESSAGE, "pull response from %s with a nonce we did not send",
          from), from);
      return;
    }
    for (Envelope envelope : response.getDataUpdate().getDataList()) {
      Verdict<SignedGossipMessage> verdict = verifier.verifyFromAuthenticated(envelope, from, Instant.now());
      if (!verdict.isAccepted()) {
        outbox.reject(verdict.rejection(), from);
      } else if (!verdict.value().message().hasDataMsg()) {
        outbox.reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "pull response holds a %s",
            verdict.value().message().getContentCase()), from);
      } else {
        outbox.pulled(verdict.value(), from);
      }
    }
  }

  /** Block {@code number} arrived by push from {@code from} (targeted pull asks pushers first). */
  public void pushed(PkiId from, long number) {
    targeted.ifPresent(t -> t.pushed(from, number));
  }
}
