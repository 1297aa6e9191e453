package io.hearsay.runtime.channels;

import com.google.protobuf.ByteString;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.ChannelObserver;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.channels.common.ChannelOutbound;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.DroppedMessages;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.deliver.DeliverClient;
import io.hearsay.runtime.deliver.DeliverObserver;
import io.hearsay.runtime.deliver.DeliverStreams;
import io.hearsay.runtime.tls.TrustedCas;
import io.hearsay.runtime.deliver.DeliveryClientSettings;
import io.hearsay.runtime.membership.MemberInfo;
import io.hearsay.runtime.membership.Membership;
import io.hearsay.runtime.membership.MembershipView;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.GossipMessage.ContentCase;

/**
 * The channel router: one {@link ChannelGossip} child per joined channel. An inbound channel
 * message reaches only the actor of its own channel (named by the message, or for StateInfo by
 * its channel MAC), and only when the sender's org is one of that channel's orgs; anything else is
 * dropped and counted as NOT_IN_CHANNEL. The channel actor then requires proven membership.
 */
public final class ChannelRouter {

  public sealed interface Command permits Join, CommitBlock, GetHeight, QueryLedger, GetStatus, SubscribeChannel,
      InternalCommand {}

  private sealed interface InternalCommand extends Command permits FromComm, ViewChanged, Outgoing {}

  /** Asks every joined channel for its status; the reply lists them by name. */
  public record GetStatus(ActorRef<List<ChannelStatus>> replyTo) implements Command {}

  /** Subscribes to a joined channel's block events. */
  public record SubscribeChannel(String channel, ActorRef<ChannelGossip.Event> subscriber) implements Command {}

  /** Joins the channel a genesis config block defines. */
  public record Join(Block genesis) implements Command {}

  public record CommitBlock(String channel, Block block) implements Command {}

  public record GetHeight(String channel, ActorRef<ChannelLedger.Height> replyTo) implements Command {}

  /** A read of a joined channel's ledger; {@code notJoined} hears when this peer has not joined the channel. */
  public record QueryLedger(String channel, ChannelLedger.Query query, ActorRef<NotJoined> notJoined)
      implements Command {}

  /** The answer to a query for a channel this peer has not joined (or whose ledger does not run). */
  public record NotJoined(String channel) {}

  private record FromComm(Comm.Event event) implements InternalCommand {}

  private record ViewChanged(MembershipView view) implements InternalCommand {}

  private record Outgoing(PkiId to, Envelope envelope) implements InternalCommand {}

  /** The channel message types the router receives from comm. */
  static final Set<ContentCase> CHANNEL_CONTENT = Set.of(ContentCase.DATA_MSG, ContentCase.HELLO,
      ContentCase.DATA_DIG, ContentCase.DATA_REQ, ContentCase.DATA_UPDATE, ContentCase.STATE_INFO,
      ContentCase.STATE_INFO_PULL_REQ, ContentCase.STATE_SNAPSHOT, ContentCase.STATE_REQUEST,
      ContentCase.STATE_RESPONSE, ContentCase.LEADERSHIP_MSG);

  /** What the router is started with. */
  public record Setup(String ownMspId, EnvelopeSigner signer, EnvelopeVerifier verifier, ChannelSettings settings,
      LedgerSettings ledger, DeliveryClientSettings deliveryClient, long incarnation, ActorRef<Comm.Command> comm,
      ActorRef<Membership.Command> membership, RejectionLog rejections, ChannelObserver observer, DroppedMessages dropped,
      Duration statusTimeout, DeliverStreams deliverStreams, DeliverObserver deliverObserver,
      Optional<TrustedCas> arteryTrust, boolean fabricGossip) {}

  private record Joined(ChannelConfig config, ActorRef<ChannelGossip.Command> actor) {}

  private final ActorContext<Command> context;
  private final Setup setup;
  private final Map<String, Joined> channels = new HashMap<>();
  /** Channels whose ledger could not open, and why: reported failed, their traffic refused. */
  private final Map<String, String> failed = new HashMap<>();
  private final ChannelOutbound outgoing;
  private MembershipView view = new MembershipView(List.of(), List.of());

  private ChannelRouter(ActorContext<Command> context, Setup setup) {
    this.context = context;
    this.setup = setup;
    context.setLoggerName(ChannelRouter.class);
    ActorRef<Command> self = context.getSelf();
    this.outgoing = (to, envelope) -> self.tell(new Outgoing(to, envelope));
    setup.comm().tell(new Comm.Subscribe(context.messageAdapter(Comm.Event.class, FromComm::new), CHANNEL_CONTENT));
    setup.membership().tell(new Membership.Subscribe(context.messageAdapter(MembershipView.class, ViewChanged::new)));
  }

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> new ChannelRouter(context, setup).behavior());
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Join.class, join -> {
          join(join.genesis());
          return Behaviors.same();
        })
        .onMessage(CommitBlock.class, c -> {
          Joined joined = channels.get(c.channel());
          if (joined != null) {
            joined.actor().tell(new ChannelGossip.CommitBlock(c.block()));
          }
          return Behaviors.same();
        })
        .onMessage(GetHeight.class, g -> {
          Joined joined = channels.get(g.channel());
          if (joined != null) {
            joined.actor().tell(new ChannelGossip.GetHeight(g.replyTo()));
          }
          return Behaviors.same();
        })
        .onMessage(QueryLedger.class, q -> {
          Joined joined = channels.get(q.channel());
          if (joined != null) {
            joined.actor().tell(new ChannelGossip.QueryLedger(q.query()));
          } else {
            q.notJoined().tell(new NotJoined(q.channel()));
          }
          return Behaviors.same();
        })
        .onMessage(GetStatus.class, g -> {
          List<Consumer<ActorRef<ChannelStatus>>> askers = channels.values().stream()
              .map(j -> (Consumer<ActorRef<ChannelStatus>>)
                  replyTo -> j.actor().tell(new ChannelGossip.GetStatus(replyTo)))
              .toList();
          List<ChannelStatus> failures = failed.entrySet().stream()
              .map(f -> ChannelStatus.failed(f.getKey(), f.getValue())).toList();
          context.spawnAnonymous(StatusCollector.create(askers, failures, setup.statusTimeout(), g.replyTo()));
          return Behaviors.same();
        })
        .onMessage(SubscribeChannel.class, sub -> {
          Joined joined = channels.get(sub.channel());
          if (joined != null) {
            joined.actor().tell(new ChannelGossip.Subscribe(sub.subscriber()));
          }
          return Behaviors.same();
        })
        .onMessage(FromComm.class, f -> {
          if (f.event() instanceof Comm.Inbound inbound) {
            route(inbound);
          }
          return Behaviors.same();
        })
        .onMessage(ViewChanged.class, v -> {
          view = v.view();
          channels.values().forEach(this::tellMembers);
          return Behaviors.same();
        })
        .onMessage(Outgoing.class, o -> {
          send(o);
          return Behaviors.same();
        })
        .build();
  }

  private void join(Block genesis) {
    ChannelConfig config;
    try {
      config = ChannelConfig.of(genesis);
    } catch (IllegalArgumentException e) {
      context.getLog().error("cannot join: {}", e.getMessage());
      return;
    }
    if (channels.containsKey(config.channelId())) {
      return;
    }
    Optional<Rejection> refused = ChannelJoins.check(config, setup.verifier().identities().msps(), setup.ownMspId());
    if (refused.isPresent()) {
      context.getLog().error("cannot join channel {}: {}", config.channelId(), refused.get());
      setup.rejections().record(refused.get(), "channel join", System.nanoTime());
      return;
    }
    Behavior<ChannelLedger.Command> ledger;
    try {
      ledger = ChannelLedger.create(setup.ledger(), config.channelId());
    } catch (IOException e) {
      context.getLog().error("cannot open the ledger of channel {}: {}", config.channelId(), e.getMessage());
      failed.put(config.channelId(), "its ledger cannot open: " + e.getMessage());
      setup.observer().channelFailed(config.channelId(), failed.get(config.channelId()));
      return;
    }
    failed.remove(config.channelId());
    ActorRef<ChannelGossip.Command> actor = context.spawn(ChannelGossip.create(new ChannelGossip.Setup(config,
        setup.ownMspId(), setup.signer(), setup.verifier(), setup.settings(), setup.incarnation(), outgoing, ledger,
        (rejection, peer) -> setup.rejections().record(rejection, peer, System.nanoTime()),
        delivery -> DeliverClient.create(config, setup.signer().self(), setup.deliveryClient(), delivery,
            setup.deliverStreams(), setup.deliverObserver()), setup.observer())),
        "channel-" + config.channelId());
    learnOrgs(config);
    Joined joined = new Joined(config, actor);
    channels.put(config.channelId(), joined);
    actor.tell(new ChannelGossip.CommitBlock(genesis));
    tellMembers(joined);
    context.getLog().info("joined channel {}", config.channelId());
  }

  /**
   * A joined channel's config names its orgs: their MSPs decide who is who in this channel (and
   * only in it), Artery's TLS trusts their TLS CAs (peers of the channel's other orgs connect), and
   * other orgs' anchor peers are dialled.
   */
  private void learnOrgs(ChannelConfig config) {
    setup.verifier().identities().channelMsps(config.channelId(), ChannelJoins.msps(config));
    setup.arteryTrust().ifPresent(trust -> {
      if (trust.add(ChannelJoins.tlsCas(config))) {
        context.getLog().info("channel {}: Artery's TLS now trusts the TLS CAs of its orgs", config.channelId());
      }
    });
    List<Endpoint> anchors = config.applicationOrgs().stream()
        .filter(org -> !org.mspId().equals(setup.ownMspId()))
        .flatMap(org -> org.anchorPeers().stream())
        .map(a -> new Endpoint(a.host(), a.port()))
        .toList();
    if (!anchors.isEmpty()) {
      setup.membership().tell(new Membership.AddAnchorPeers(anchors));
    }
  }

  private void tellMembers(Joined joined) {
    List<ChannelGossip.Member> members = view.alive().stream()
        .filter(m -> joined.config().applicationOrg(m.mspId()).isPresent())
        // With Fabric's gossip, a member whose alive message announces no Artery address is a Fabric peer.
        .map(m -> new ChannelGossip.Member(m.pkiId(), m.mspId(), !setup.fabricGossip() || m.artery().isPresent()))
        .toList();
    joined.actor().tell(new ChannelGossip.MembersChanged(members));
  }

  private void route(Comm.Inbound inbound) {
    GossipMessage message = inbound.message().message();
    if (GossipMessages.isIdentityPull(message)) {
      return; // identity pull uses the same four messages, without a channel: IdentityPull's
    }
    PkiId sender = inbound.sender().pkiId();
    Optional<Joined> target = channelOf(message, sender);
    if (target.isEmpty() && !message.getChannel().isEmpty() && failed.containsKey(message.getChannel().toStringUtf8())) {
      reject(Rejection.of(RejectionReason.LEDGER_NOT_RUNNING, "%s from %s for channel %s, which is not running: %s",
          message.getContentCase(), inbound.sender(), message.getChannel().toStringUtf8(),
          failed.get(message.getChannel().toStringUtf8())), inbound);
      return;
    }
    if (target.isEmpty()) {
      reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL, "%s from %s for a channel this peer has not joined",
          message.getContentCase(), inbound.sender()), inbound);
      return;
    }
    String channel = target.get().config().channelId();
    if (target.get().config().applicationOrg(inbound.sender().mspId()).isEmpty()) {
      reject(Rejection.of(RejectionReason.NOT_IN_CHANNEL, "%s for channel %s from %s, whose org is not in it",
          message.getContentCase(), channel, inbound.sender()), inbound);
      return;
    }
    // Who the sender is in this channel is decided by this channel's MSPs alone.
    Optional<Rejection> invalid = setup.verifier().identities().validInChannel(channel, inbound.sender(), Instant.now());
    if (invalid.isPresent()) {
      reject(invalid.get(), inbound);
      return;
    }
    target.get().actor().tell(new ChannelGossip.Inbound(inbound.message(), sender));
  }

  private Optional<Joined> channelOf(GossipMessage message, PkiId sender) {
    if (!message.getChannel().isEmpty()) {
      return Optional.ofNullable(channels.get(message.getChannel().toStringUtf8()));
    }
    ByteString mac = switch (message.getContentCase()) {
      case STATE_INFO -> message.getStateInfo().getChannelMAC();
      case STATE_INFO_PULL_REQ -> message.getStateInfoPullReq().getChannelMAC();
      default -> null;
    };
    PkiId macOwner = message.hasStateInfo() ? PkiId.fromBytes(message.getStateInfo().getPkiId()) : sender;
    if (mac == null) {
      return Optional.empty();
    }
    return channels.values().stream()
        .filter(j -> GossipMessages.channelMac(macOwner, j.config().channelId()).equals(mac))
        .findFirst();
  }

  private void send(Outgoing send) {
    Address address = addressOf(view, send.to(), setup.ownMspId());
    if (address instanceof Reachable reachable) {
      setup.comm().tell(new Comm.Send(reachable.endpoint(), send.envelope()));
    } else if (address instanceof Unreachable unreachable) {
      setup.dropped().record(unreachable.reason(), send.envelope());
    }
  }

  /** Where a channel message to a peer goes. */
  sealed interface Address permits Reachable, Unreachable {}

  record Reachable(Endpoint endpoint) implements Address {}

  record Unreachable(DroppedMessages.Reason reason) implements Address {}

  /**
   * The endpoint of {@code to} for a peer of {@code ownMspId}: its internal endpoint inside the
   * org, its external one from another org; a peer not alive, or of another org without an
   * external endpoint, cannot be sent to (and the message is counted as dropped).
   */
  static Address addressOf(MembershipView view, PkiId to, String ownMspId) {
    Optional<MemberInfo> member = view.alive().stream().filter(m -> m.pkiId().equals(to)).findFirst();
    if (member.isEmpty()) {
      return new Unreachable(DroppedMessages.Reason.PEER_NOT_ALIVE);
    }
    return member.get().endpointFor(ownMspId).<Address>map(Reachable::new)
        .orElse(new Unreachable(DroppedMessages.Reason.NO_ENDPOINT_FOR_ORG));
  }

  private void reject(Rejection rejection, Comm.Inbound from) {
    setup.rejections().record(rejection, from.fromEndpoint().toString(), System.nanoTime());
  }
}
