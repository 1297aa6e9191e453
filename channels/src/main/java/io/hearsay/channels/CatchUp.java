package io.hearsay.channels;

import io.hearsay.channels.antientropy.BlocksAhead;
import io.hearsay.channels.antientropy.StateTransfer;
import io.hearsay.channels.committer.Committer;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import java.time.Duration;

/**
 * State transfer wired into the channel: {@link StateTransfer} decides which windows to ask whom
 * for, against the heights StateInfo announced; {@link BlocksAhead} bounds how far ahead of the
 * committer's height the windows may go (its buffer, and the bytes a catch-up may hold); requests
 * leave through the channel's ports.
 */
final class CatchUp {

  private final String channel;
  private final StateTransfer transfer;
  private final Committer committer;
  private final BlocksAhead ahead;
  private final StateInfoGossip stateInfo;
  private final ChannelPorts ports;
  private final boolean onlyWhenStalled;
  private final boolean onGap;
  private final int pullReach;

  /** With Plumtree, blocks still arriving by push are not fetched again: state transfer waits for a stall. */
  CatchUp(String channel, StateTransfer transfer, Committer committer, BlocksAhead ahead, StateInfoGossip stateInfo,
      ChannelPorts ports, boolean onlyWhenStalled, boolean onGap, int pullReach) {
    this.ahead = ahead;
    this.onGap = onGap;
    this.pullReach = pullReach;
    this.channel = channel;
    this.transfer = transfer;
    this.committer = committer;
    this.stateInfo = stateInfo;
    this.ports = ports;
    this.onlyWhenStalled = onlyWhenStalled;
  }

  /** Every {@code state.checkInterval}. */
  void periodicCheck(long nowNanos) {
    long height = committer.height();
    transfer.periodicCheck(height, height + ahead.limit(), stateInfo.table(), onlyWhenStalled, nowNanos)
        .forEach(this::send);
  }

  /** StateInfo told heights: with state-transfer-on-gap, a peer beyond what pull can bring is caught up with now. */
  void heightsLearned(long nowNanos) {
    if (onGap) {
      long height = committer.height();
      transfer.onHeightsLearned(height, height + ahead.limit(), pullReach, stateInfo.table(), nowNanos)
          .forEach(this::send);
    }
  }

  /** A window was buffered or a run committed: the next windows, while catching up (as Fabric's state provider). */
  void progressed(long nowNanos) {
    long height = committer.height();
    transfer.continueCatchUp(height, height + ahead.limit(), stateInfo.table(), nowNanos).forEach(this::send);
  }

  /** A block of {@code bytes} came in a state response: how big blocks are bounds how many are asked for. */
  void blockReceived(int bytes) {
    ahead.received(bytes);
  }

  /** Whether a state response from {@code from} answers a request of ours; if so that request is done. */
  boolean answers(PkiId from, long nonce, long nowNanos) {
    boolean answered = transfer.onResponse(from, nonce, nowNanos);
    if (answered) {
      wakeForTimeouts(nowNanos); // a window overtaken often enough is due now
    }
    return answered;
  }

  /** The earliest request's timeout came: late windows are asked of other peers now, not at the next check. */
  void timeoutsDue(long nowNanos) {
    for (var retry = transfer.tick(stateInfo.table(), nowNanos); retry.isPresent(); retry = transfer.tick(stateInfo.table(), nowNanos)) {
      send(retry.get());
    }
    progressed(nowNanos);
    wakeForTimeouts(nowNanos);
  }

  private void send(StateTransfer.Request request) {
    ports.send(request.peer(), GossipMessages.remoteStateRequest(channel, request.start(), request.end()).toBuilder()
        .setNonce(request.nonce()).build());
    wakeForTimeouts(System.nanoTime());
  }

  private void wakeForTimeouts(long nowNanos) {
    transfer.nextDeadline().ifPresent(deadline -> ports.wakeForStateTimeouts(Duration.ofNanos(Math.max(0, deadline - nowNanos))));
  }
}
