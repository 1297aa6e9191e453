package io.hearsay.channels;

import io.hearsay.channels.antientropy.StateServer;
import io.hearsay.channels.common.ArrivalPath;
import io.hearsay.channels.common.ChannelOutbound;
import io.hearsay.channels.common.RejectionSink;
import io.hearsay.channels.pull.BlockPull;
import io.hearsay.channels.push.BlockPush;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.SignedGossipMessage;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * The one implementation of the ports the channel's protocol classes define, inside the channel
 * actor: a new message is signed and goes after our StateInfo to a peer that has not had it yet
 * (a message from a peer not known as a member is refused), StateInfo itself is relayed as it is;
 * rejections are counted; timers wake the channel; members are the channel's.
 */
final class ChannelPorts implements BlockPush.Outbox, BlockPull.Outbox, StateServer.Outbox, StateInfoGossip.Outbox {

  /** Wakes the channel after a delay, for one of its timers. */
  record Wakers(Consumer<Duration> emit, Consumer<Duration> graft, Consumer<Duration> digests,
      Consumer<Duration> stateTimeouts) {}

  private final ChannelOutbound out;
  private final EnvelopeSigner signer;
  private final RejectionSink rejections;
  private final Wakers wakers;
  private StateInfoGossip stateInfo;
  private ChannelMembers members;
  private BlockIntake intake;

  ChannelPorts(ChannelOutbound out, EnvelopeSigner signer, RejectionSink rejections, Wakers wakers) {
    this.out = out;
    this.signer = signer;
    this.rejections = rejections;
    this.wakers = wakers;
  }

  /** The channel's parts that use these ports and that the ports use in turn. */
  void bind(StateInfoGossip channelStateInfo, ChannelMembers channelMembers, BlockIntake blockIntake) {
    this.stateInfo = channelStateInfo;
    this.members = channelMembers;
    this.intake = blockIntake;
  }

  @Override
  public List<PkiId> orgMembers() {
    return members.orgMembers();
  }

  @Override
  public Map<PkiId, Long> announcedHeights() {
    return members.announcedHeights();
  }

  @Override
  public long highestAnnounced() {
    return members.highestAnnounced();
  }

  @Override
  public Collection<PkiId> alive() {
    return members.aliveIds();
  }

  @Override
  public boolean isHearsayPeer(PkiId peer) {
    return !members.isFabricPeer(peer);
  }

  @Override
  public void heightShown(PkiId peer, long height) {
    stateInfo.heightShown(peer, height);
  }

  /**
   * Sends a new channel message, our StateInfo first where it is due: signed when it names its
   * author, otherwise as Fabric sends it, for the link to authenticate.
   */
  @Override
  public void send(PkiId to, GossipMessage message) {
    deliver(to, signer.envelope(message));
  }

  /** Sends a channel message's envelope, our StateInfo first if {@code to} has not had it. */
  @Override
  public void deliver(PkiId to, Envelope envelope) {
    stateInfo.introduceTo(to);
    out.send(to, envelope);
  }

  /** Sends as it is: StateInfo, relayed with its author's signature. */
  @Override
  public void send(PkiId to, Envelope envelope) {
    out.send(to, envelope);
  }

  @Override
  public void reject(Rejection rejection, PkiId from) {
    rejections.reject(rejection, String.valueOf(from));
  }

  @Override
  public void wakeForEmit(Duration delay) {
    wakers.emit().accept(delay);
  }

  @Override
  public void wakeForGraft(Duration delay) {
    wakers.graft().accept(delay);
  }

  @Override
  public void wakeForDigests(Duration delay) {
    wakers.digests().accept(delay);
  }

  /** Wakes the channel's catch-up when its earliest state request times out. */
  void wakeForStateTimeouts(Duration delay) {
    wakers.stateTimeouts().accept(delay);
  }

  @Override
  public void pulled(SignedGossipMessage dataMessage, PkiId from) {
    intake.fromGossip(dataMessage.message().getDataMsg().getPayload(), ArrivalPath.PULL, from);
  }
}
