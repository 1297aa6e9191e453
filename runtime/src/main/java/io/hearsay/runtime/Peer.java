package io.hearsay.runtime;

import com.google.protobuf.ByteString;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.runtime.admin.MembershipMetrics;
import io.hearsay.runtime.admin.NodeMetrics;
import io.hearsay.runtime.channels.ChannelRouter;
import io.hearsay.runtime.channels.StatusCollector;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.FabricLinks;
import io.hearsay.runtime.comm.DroppedMessages;
import io.hearsay.runtime.comm.LinkFaults;
import io.hearsay.runtime.comm.MessageCounts;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.comm.TlsEngineProvider;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettings;
import io.hearsay.runtime.deliver.DeliverStreams;
import io.hearsay.runtime.tls.TrustedCas;
import io.hearsay.protocol.message.HearsayMetadata;
import io.hearsay.runtime.identities.Identities;
import io.hearsay.runtime.identities.IdentityPull;
import io.hearsay.runtime.membership.Membership;
import io.hearsay.runtime.membership.MembershipView;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * The guardian of one peer: starts the identity store, comm, membership and the channel router,
 * and hands the public commands of {@link HearsayPeer} to them.
 */
public final class Peer {

  public sealed interface Command permits GetMembership, SubscribeMembership, SetFaults, SendEnvelope, JoinChannel,
      CommitBlock, GetChannelHeight, GetChannels, SubscribeChannel, QueryLedger, Stop {}

  /** A read of a joined channel's ledger; {@code notJoined} hears when the peer has not joined it. */
  public record QueryLedger(String channel, ChannelLedger.Query query, ActorRef<ChannelRouter.NotJoined> notJoined)
      implements Command {}

  /** Stops the peer's actors (a peer hosted in an application's ActorSystem stops without it). */
  public record Stop() implements Command {}

  /** The status of every joined channel (height, tip, leadership). */
  public record GetChannels(ActorRef<List<ChannelStatus>> replyTo) implements Command {}

  /** Subscribes to a joined channel's block events (arrivals and commits). */
  public record SubscribeChannel(String channel, ActorRef<ChannelGossip.Event> subscriber) implements Command {}

  public record GetMembership(ActorRef<MembershipView> replyTo) implements Command {}

  public record SubscribeMembership(ActorRef<MembershipView> subscriber) implements Command {}

  /** Replaces the faults on this peer's links (tests). */
  public record SetFaults(LinkFaults faults) implements Command {}

  /** Sends an already signed envelope to a peer, bypassing the protocol (tests of bad input). */
  public record SendEnvelope(Endpoint to, Envelope envelope) implements Command {}

  /** Joins the channel a genesis config block defines. */
  public record JoinChannel(Block genesis) implements Command {}

  /** Hands a block from the channel's source (ordering service, or a test) to the channel. */
  public record CommitBlock(String channel, Block block) implements Command {}

  public record GetChannelHeight(String channel, ActorRef<ChannelLedger.Height> replyTo) implements Command {}

  /** Everything the guardian's children are built from, prepared before the system starts. */
  record Parts(PeerSettings settings, EnvelopeSigner signer, IdentityMapper identities, RejectionLog rejections,
      MessageCounts received, MessageCounts sent, DroppedMessages dropped, ByteString tlsCertificateHash, long incarnation,
      List<Block> channelBlocks, NodeMetrics metrics, DeliverStreams deliverStreams, TrustedCas trust,
      Optional<FabricLinks> fabric) {}

  private Peer() {}

  static Behavior<Command> create(Parts parts) {
    return Behaviors.setup(context -> {
      var address = PeerAddress.of(context.getSystem());
      Endpoint artery = new Endpoint(address.getHost().get(), address.getPort().get());
      PeerSettings settings = parts.settings();
      // Where other peers know this one: its Artery address, or with Fabric's gossip its gRPC
      // endpoint (the one served when peer.gossip.endpoint leaves the port open).
      Endpoint self = parts.fabric().map(links -> settings.membership().endpoint().port() == 0
          ? links.endpoint() : settings.membership().endpoint()).orElse(artery);
      var verifier = new EnvelopeVerifier(parts.identities(), settings.comm().maxMessageSize());
      context.spawn(Identities.create(parts.identities(), settings.identityPurgeInterval()), "identities");
      ActorRef<Comm.Command> comm = context.spawn(Comm.create(new Comm.Setup(context.getSystem().name(), artery,
          parts.signer(), verifier, parts.rejections(), parts.received(), parts.sent(), parts.dropped(),
          parts.tlsCertificateHash(), settings.arteryTls().map(tls -> TlsEngineProvider.sessions(Adapter.toClassic(context.getSystem()))),
          settings.comm(), parts.fabric(), settings.tls().isPresent(), List.of(self))), Comm.NAME);
      // Artery's large-message lane is chosen by the destination's path: large frames come here.
      context.spawn(Behaviors.<Comm.Command>receiveMessage(frame -> {
        comm.tell(frame);
        return Behaviors.same();
      }), Comm.LARGE_NAME);
      ActorRef<Membership.Command> membership = context.spawn(Membership.create(new Membership.Setup(parts.signer(),
          verifier, settings.membership().withEndpoint(self), self, settings.anchorPeers(), comm, parts.rejections(),
          parts.incarnation(), parts.fabric().isPresent() ? HearsayMetadata.artery(artery.toString()) : ByteString.EMPTY)),
          "membership");
      ActorRef<ChannelRouter.Command> channels = context.spawn(ChannelRouter.create(new ChannelRouter.Setup(
          settings.localMspId(), parts.signer(), verifier, settings.channels(), settings.ledger(), settings.deliveryClient(),
          parts.incarnation(), comm, membership, parts.rejections(), parts.metrics(), parts.dropped(),
          StatusCollector.within(settings.apiTimeout()), parts.deliverStreams(), parts.metrics(),
          settings.arteryTls().isPresent() || parts.fabric().isPresent() ? Optional.of(parts.trust()) : Optional.empty(),
          parts.fabric().isPresent())), "channels");
      context.spawn(IdentityPull.create(new IdentityPull.Setup(parts.signer(), verifier, comm, membership,
          parts.rejections(), settings.membership().pullInterval(), settings.membership().pullPeerNum())), "identity-pull");
      context.spawn(MembershipMetrics.create(parts.metrics(), membership), "admin");
      parts.channelBlocks().forEach(block -> channels.tell(new ChannelRouter.Join(block)));
      context.getLog().info("peer {} of {} started at {} (PKI-ID {})", settings.id(), settings.localMspId(), self,
          parts.signer().self().pkiId());
      BehaviorBuilder<Command> receive = Behaviors.receive(Command.class);
      receive = forward(receive, GetMembership.class, membership, g -> new Membership.GetView(g.replyTo()));
      receive = forward(receive, SubscribeMembership.class, membership, s -> new Membership.Subscribe(s.subscriber()));
      receive = forward(receive, SetFaults.class, comm, f -> new Comm.SetFaults(f.faults()));
      receive = forward(receive, SendEnvelope.class, comm, s -> new Comm.Send(s.to(), s.envelope()));
      receive = forward(receive, JoinChannel.class, channels, j -> new ChannelRouter.Join(j.genesis()));
      receive = forward(receive, CommitBlock.class, channels, c -> new ChannelRouter.CommitBlock(c.channel(), c.block()));
      receive = forward(receive, SubscribeChannel.class, channels, s -> new ChannelRouter.SubscribeChannel(s.channel(), s.subscriber()));
      receive = forward(receive, GetChannels.class, channels, g -> new ChannelRouter.GetStatus(g.replyTo()));
      receive = forward(receive, GetChannelHeight.class, channels, g -> new ChannelRouter.GetHeight(g.channel(), g.replyTo()));
      receive = forward(receive, QueryLedger.class, channels, q -> new ChannelRouter.QueryLedger(q.channel(), q.query(),
          q.notJoined()));
      return receive.onMessage(Stop.class, stop -> Behaviors.stopped()).build();
    });
  }

  /** Hands every {@code type} command to {@code child}, as {@code as} turns it into the child's command. */
  private static <M extends Command, T> BehaviorBuilder<Command> forward(BehaviorBuilder<Command> receive, Class<M> type,
      ActorRef<T> child, Function<M, T> as) {
    return receive.onMessage(type, message -> {
      child.tell(as.apply(message));
      return Behaviors.same();
    });
  }
}
