package io.hearsay.channels;

import io.hearsay.channels.antientropy.StateServer;
import io.hearsay.channels.common.ArrivalPath;
import io.hearsay.channels.common.BlockDigests;
import io.hearsay.channels.common.RejectionSink;
import io.hearsay.channels.committer.Committer;
import io.hearsay.channels.election.Election;
import io.hearsay.channels.pull.BlockPull;
import io.hearsay.channels.push.BlockPush;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.util.function.Consumer;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * A verified channel message to the protocol class it is for (Fabric's gossip channel's
 * {@code HandleMessage}):
 *
 * <pre>
 * StateInfo, its pull request and snapshot   StateInfo (the only messages that prove membership,
 *                                            so the only ones after which the org's peers change)
 * block, lazy push, pull hello and request,  taken only from proven members of this peer's org;
 *   leadership message                       from anyone else NOT_IN_CHANNEL
 * pull digest and response                   pull (it matches them to its own rounds)
 * state request                              the state server (it refuses non-members itself)
 * state response                             only one answering a request of ours, to the committer
 * anything else                              MALFORMED_PAYLOAD
 * </pre>
 */
final class ChannelInbound {

  private final String channel;
  private final ChannelMembers members;
  private final StateInfoGossip stateInfo;
  private final BlockIntake intake;
  private final BlockPush push;
  private final BlockPull pull;
  private final Committer committer;
  private final StateServer server;
  private final CatchUp catchUp;
  private final Consumer<Election.Inbound> election;
  private final ChannelPorts ports;
  private final RejectionSink rejections;
  private final Runnable membersMayHaveChanged;

  ChannelInbound(String channel, ChannelMembers members, StateInfoGossip stateInfo, BlockIntake intake, BlockPush push,
      BlockPull pull, Committer committer, StateServer server, CatchUp catchUp, Consumer<Election.Inbound> election,
      ChannelPorts ports, RejectionSink rejections, Runnable membersMayHaveChanged) {
    this.channel = channel;
    this.members = members;
    this.stateInfo = stateInfo;
    this.intake = intake;
    this.push = push;
    this.pull = pull;
    this.committer = committer;
    this.server = server;
    this.catchUp = catchUp;
    this.election = election;
    this.ports = ports;
    this.rejections = rejections;
    this.membersMayHaveChanged = membersMayHaveChanged;
  }

  void on(SignedGossipMessage message, PkiId from, long nowNanos) {
    GossipMessage m = message.message();
    switch (m.getContentCase()) {
      case STATE_INFO -> {
        stateInfo.onStateInfo(message, from);
        membersMayHaveChanged.run();
        catchUp.heightsLearned(nowNanos);
      }
      case STATE_INFO_PULL_REQ -> {
        stateInfo.onPullRequest(m, from).ifPresent(snapshot -> ports.send(from, snapshot));
        membersMayHaveChanged.run();
      }
      case STATE_SNAPSHOT -> {
        stateInfo.onSnapshot(m.getStateSnapshot().getElementsList(), from);
        membersMayHaveChanged.run();
        catchUp.heightsLearned(nowNanos);
      }
      case DATA_MSG -> {
        if (isOrgMember(from, message.signer().mspId(), "block")) {
          intake.fromGossip(m.getDataMsg().getPayload(), ArrivalPath.PUSH, from);
        }
      }
      case DATA_DIG, DATA_REQ -> onDigestOrRequest(m, from, message.signer().mspId(), nowNanos);
      case HELLO -> {
        if (isOrgMember(from, message.signer().mspId(), "pull hello")) {
          pull.onHello(m, from, nowNanos);
        }
      }
      case DATA_UPDATE -> pull.onResponse(m, from, nowNanos);
      case STATE_REQUEST -> server.onRequest(m, from, members.isProvenChannelMember(from));
      case STATE_RESPONSE -> onStateResponse(m, from, nowNanos);
      case LEADERSHIP_MSG -> {
        if (isOrgMember(from, message.signer().mspId(), "leadership message")) {
          election.accept(new Election.Inbound(message, from));
        }
      }
      default -> reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "%s is not a channel message",
          m.getContentCase()), from);
    }
  }

  /** Plumtree's IHAVE/GRAFT/PRUNE, or a pull digest or request. */
  private void onDigestOrRequest(GossipMessage m, PkiId from, String fromMspId, long nowNanos) {
    try {
      if (GossipMessages.isLazyPush(m)) {
        if (isOrgMember(from, fromMspId, "lazy push")) {
          push.onLazyPush(m, from, Math.max(committer.height(), 0));
        }
      } else if (m.hasDataDig()) {
        pull.onDigest(m, from, nowNanos);
      } else if (isOrgMember(from, fromMspId, "pull request")) {
        pull.onRequest(m, from, nowNanos);
      }
    } catch (BlockDigests.BadDigest bad) {
      reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "%s from %s: %s", m.getContentCase(), from,
          bad.getMessage()), from);
    }
  }

  private void onStateResponse(GossipMessage m, PkiId from, long nowNanos) {
    if (!catchUp.answers(from, m.getNonce(), nowNanos)) {
      reject(Rejection.of(RejectionReason.UNSOLICITED_MESSAGE, "state response from %s answers no request of ours in flight", from), from);
      return;
    }
    for (var payload : m.getStateResponse().getPayloadsList()) {
      catchUp.blockReceived(payload.getData().size());
      intake.fromGossip(payload, ArrivalPath.STATE_TRANSFER, from);
    }
    catchUp.progressed(nowNanos);
  }

  /**
   * Whether {@code from} is a proven member of this peer's org in the channel. A peer of the org
   * whose StateInfo has not come yet is not refused but left aside (MEMBERSHIP_NOT_YET_PROVEN);
   * any other peer is NOT_IN_CHANNEL. Fabric, which does not order a peer's StateInfo before its
   * other messages, ignores a pull message so too, but takes a pushed block from any peer of a
   * channel org; a Hearsay peer's proof goes first on the same ordered link, so among Hearsay peers
   * a block is never left aside for it.
   */
  private boolean isOrgMember(PkiId from, String fromMspId, String what) {
    if (members.isMemberOfOwnOrg(from)) {
      return true;
    }
    if (members.isOwnOrg(fromMspId)) {
      reject(Rejection.of(RejectionReason.MEMBERSHIP_NOT_YET_PROVEN, "%s for channel %s from %s, whose membership of "
          + "this peer's org in the channel is not proven yet", what, channel, from), from);
    } else {
      reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL,
          "%s for channel %s from %s, not a proven member of this peer's org in the channel", what, channel, from), from);
    }
    return false;
  }

  private void reject(Rejection rejection, PkiId from) {
    rejections.reject(rejection, String.valueOf(from));
  }
}
