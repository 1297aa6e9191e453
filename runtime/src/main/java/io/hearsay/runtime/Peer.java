package io.hearsay.runtime;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.runtime.channels.ChannelRouter;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.LinkFaults;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettings;
import io.hearsay.runtime.identities.Identities;
import io.hearsay.runtime.membership.Membership;
import io.hearsay.runtime.membership.MembershipView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * The guardian of one peer: starts the identity store, comm and membership, and routes the
 * public commands of {@link HearsayPeer} to them.
 */
public final class Peer {

  public sealed interface Command permits GetMembership, SubscribeMembership, SetFaults, SendEnvelope, JoinChannel,
      CommitBlock, GetChannelHeight, GetChannels, SubscribeChannel {}

  /** The status of every joined channel (height, tip, leadership). */
  public record GetChannels(ActorRef<java.util.List<io.hearsay.channels.ChannelGossip.Status>> replyTo)
      implements Command {}

  /** Subscribes to a joined channel's block events (arrivals and commits). */
  public record SubscribeChannel(String channel, ActorRef<io.hearsay.channels.ChannelGossip.Event> subscriber)
      implements Command {}

  public record GetMembership(ActorRef<MembershipView> replyTo) implements Command {}

  public record SubscribeMembership(ActorRef<MembershipView> subscriber) implements Command {}

  /** Replaces the faults on this peer's links (tests). */
  public record SetFaults(LinkFaults faults) implements Command {}

  /** Sends an already signed envelope to a peer, bypassing the protocol (tests of bad input). */
  public record SendEnvelope(Endpoint to, Envelope envelope) implements Command {}

  /** Joins the channel a genesis config block defines. */
  public record JoinChannel(org.hyperledger.fabric.protos.common.Block genesis) implements Command {}

  /** Hands a block from the channel's source (ordering service, or a test) to the channel. */
  public record CommitBlock(String channel, org.hyperledger.fabric.protos.common.Block block) implements Command {}

  public record GetChannelHeight(String channel, ActorRef<io.hearsay.ledger.ChannelLedger.Height> replyTo)
      implements Command {}

  /** Everything the guardian's children are built from, prepared before the system starts. */
  record Parts(PeerSettings settings, EnvelopeSigner signer, IdentityMapper identities,
      RejectionLog rejections, io.hearsay.runtime.comm.MessageCounts received,
      io.hearsay.runtime.comm.MessageCounts sent, io.hearsay.runtime.comm.DroppedMessages dropped,
      ByteString tlsCertificateHash, long incarnation,
      java.util.List<org.hyperledger.fabric.protos.common.Block> channelBlocks,
      io.hearsay.runtime.admin.NodeMetrics metrics) {}

  private Peer() {}

  /** How this peer's channels choose their leader: Fabric's orgLeader / useLeaderElection. */
  static io.hearsay.channels.election.Leadership.Settings leadership(io.hearsay.runtime.config.GossipSettings g,
      io.hearsay.channels.election.Leadership.Handover handover) {
    var mode = g.orgLeader() ? io.hearsay.channels.election.Leadership.Mode.STATIC_LEADER
        : g.useLeaderElection() ? io.hearsay.channels.election.Leadership.Mode.ELECTED
        : io.hearsay.channels.election.Leadership.Mode.FOLLOWER;
    var e = g.election();
    return new io.hearsay.channels.election.Leadership.Settings(mode,
        new io.hearsay.channels.election.ElectionState.Timings(e.startupGracePeriod(), e.membershipSampleInterval(),
            e.leaderAliveThreshold(), e.leaderElectionDuration()), handover);
  }

  static Behavior<Command> create(Parts parts) {
    return Behaviors.setup(context -> {
      var address = PeerAddress.of(context.getSystem());
      Endpoint self = new Endpoint(address.getHost().get(), address.getPort().get());
      PeerSettings settings = parts.settings();
      var verifier = new EnvelopeVerifier(parts.identities(), settings.gossip().maxMessageSize());
      context.spawn(Identities.create(parts.identities(), settings.identityPurgeInterval()), "identities");
      ActorRef<Comm.Command> comm = context.spawn(Comm.create(new Comm.Setup(
          context.getSystem().name(), self, parts.signer(), verifier, parts.rejections(), parts.received(),
          parts.sent(), parts.dropped(), parts.tlsCertificateHash(),
          settings.tls().map(tls -> io.hearsay.runtime.comm.TlsEngineProvider.sessions(
              org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(context.getSystem()))),
          settings.handshakeRetry(), settings.largeMessageThreshold())), Comm.NAME);
      context.spawn(Behaviors.<Comm.Command>receiveMessage(frame -> {
        comm.tell(frame);
        return Behaviors.same();
      }), Comm.LARGE_NAME);
      ActorRef<Membership.Command> membership = context.spawn(Membership.create(new Membership.Setup(
          parts.signer(), verifier, settings.gossip().withEndpoint(self), self, settings.anchorPeers(), comm,
          parts.rejections(), parts.incarnation(), settings.accrual(), settings.membershipAntiEntropy())),
          "membership");
      ChannelSettings channelSettings = settings.channels();
      ActorRef<ChannelRouter.Command> channels = context.spawn(ChannelRouter.create(new ChannelRouter.Setup(
          settings.localMspId(), parts.signer(), verifier, channelSettings, parts.incarnation(), comm,
          membership, parts.rejections(), context.getSystem().settings().config(),
          leadership(settings.gossip(), settings.handover()),
          new io.hearsay.runtime.orderer.DeliverClient.Settings(settings.deliveryClient().connTimeout(),
              settings.deliveryClient().reconnectTotalTimeThreshold()), parts.metrics(), parts.dropped())), "channels");
      context.spawn(io.hearsay.runtime.admin.MembershipMetrics.create(parts.metrics(), membership), "admin");
      parts.channelBlocks().forEach(block -> channels.tell(new ChannelRouter.Join(block)));
      context.getLog().info("peer {} of {} started at {} (PKI-ID {})", settings.id(),
          settings.localMspId(), self, parts.signer().self().pkiId());
      return Behaviors.receive(Command.class)
          .onMessage(GetMembership.class, get -> {
            membership.tell(new Membership.GetView(get.replyTo()));
            return Behaviors.same();
          })
          .onMessage(SubscribeMembership.class, s -> {
            membership.tell(new Membership.Subscribe(s.subscriber()));
            return Behaviors.same();
          })
          .onMessage(SetFaults.class, f -> {
            comm.tell(new Comm.SetFaults(f.faults()));
            return Behaviors.same();
          })
          .onMessage(SendEnvelope.class, s -> {
            comm.tell(new Comm.Send(s.to(), s.envelope()));
            return Behaviors.same();
          })
          .onMessage(JoinChannel.class, j -> {
            channels.tell(new ChannelRouter.Join(j.genesis()));
            return Behaviors.same();
          })
          .onMessage(CommitBlock.class, c -> {
            channels.tell(new ChannelRouter.CommitBlock(c.channel(), c.block()));
            return Behaviors.same();
          })
          .onMessage(SubscribeChannel.class, sub -> {
            channels.tell(new ChannelRouter.SubscribeChannel(sub.channel(), sub.subscriber()));
            return Behaviors.same();
          })
          .onMessage(GetChannels.class, g -> {
            channels.tell(new ChannelRouter.GetStatus(g.replyTo()));
            return Behaviors.same();
          })
          .onMessage(GetChannelHeight.class, g -> {
            channels.tell(new ChannelRouter.GetHeight(g.channel(), g.replyTo()));
            return Behaviors.same();
          })
          .build();
    });
  }
}
