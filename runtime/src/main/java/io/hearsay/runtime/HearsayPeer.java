package io.hearsay.runtime;

import com.typesafe.config.Config;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.admin.AdminRequests;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.runtime.admin.AdminServer;
import io.hearsay.runtime.admin.HealthChecks;
import io.hearsay.runtime.admin.ChannelJoinRequests;
import io.hearsay.runtime.admin.NodeMetrics;
import io.hearsay.runtime.admin.StatusJson;
import io.hearsay.runtime.comm.DroppedMessages;
import io.hearsay.runtime.comm.LinkFaults;
import io.hearsay.runtime.comm.MessageCounts;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.comm.TlsEngineProvider;
import io.hearsay.runtime.channels.ChannelJoins;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettings;
import io.hearsay.runtime.config.PeerSettingsLoader;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import java.util.UUID;
import io.hearsay.runtime.tls.TrustedCas;
import io.hearsay.runtime.tls.CountingTrustManager;
import io.hearsay.runtime.grpc.GrpcTls;
import io.hearsay.runtime.grpc.GrpcGossipLinks;
import io.hearsay.runtime.comm.FabricLinks;
import io.hearsay.runtime.comm.FabricGossipSettings;
import io.hearsay.runtime.membership.MembershipView;
import io.hearsay.runtime.node.NodeSystems;
import io.hearsay.runtime.node.RunningNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.slf4j.LoggerFactory;

/**
 * One Hearsay peer: its own {@code ActorSystem}, started from a {@code Config}. This is the API
 * for embedding a peer in a Pekko application:
 *
 * <pre>{@code
 * HearsayPeer peer = HearsayPeer.start(ConfigFactory.load());
 * MembershipView view = peer.membership().toCompletableFuture().get();
 * peer.stop();
 * }</pre>
 */
public final class HearsayPeer implements AutoCloseable {

  private final ActorSystem<Peer.Command> system;
  private final PeerSettings settings;
  private final SigningIdentity identity;
  private final RejectionLog rejections;
  private final MessageCounts received;
  private final NodeMetrics metrics;
  private final Endpoint endpoint;
  private final RunningNode node;
  private final long startedNanos = System.nanoTime();

  private HearsayPeer(ActorSystem<Peer.Command> system, PeerSettings settings, SigningIdentity identity,
      RejectionLog rejections, MessageCounts received, NodeMetrics metrics, Optional<Endpoint> fabricGossip) {
    this.system = system;
    this.settings = settings;
    this.identity = identity;
    this.rejections = rejections;
    this.received = received;
    this.metrics = metrics;
    Endpoint configured = settings.membership().endpoint();
    this.endpoint = fabricGossip.map(served -> configured.port() == 0 ? served : configured)
        .orElseGet(() -> PeerAddress.endpoint(system));
    this.node = new RunningNode(system, this::closeLedgers);
  }

  /** Starts a peer from an application's config, with the process environment's CORE_* overrides. */
  public static HearsayPeer start(Config config) throws ConfigError {
    return start(config, "application config", System.getenv());
  }

  /** Starts a peer from a config file, with the process environment's CORE_* overrides. */
  public static HearsayPeer start(Path file) throws ConfigError {
    return start(PeerSettingsLoader.parse(file), file.toString(), System.getenv());
  }

  /** Starts a peer; {@code source} names the config in error messages. */
  public static HearsayPeer start(Config config, String source, Map<String, String> environment)
      throws ConfigError {
    PeerSettings settings = PeerSettingsLoader.load(config, source, environment);
    Config effective = PeerSettingsLoader.effective(config, environment);
    SigningIdentity identity = PeerIdentityFiles.signingIdentity(settings);
    IdentityMapper identities = new IdentityMapper(PeerIdentityFiles.msps(settings));
    // Our own identity too: StateInfo snapshots and membership responses hold our own messages.
    identities.learn(identity.identity(), Instant.now());
    RejectionLog rejections = new RejectionLog(LoggerFactory.getLogger("io.hearsay.runtime.rejections"),
        settings.comm().rejectionLogInterval());
    MessageCounts received = new MessageCounts();
    MessageCounts sent = new MessageCounts();
    DroppedMessages dropped = new DroppedMessages();
    NodeMetrics metrics = new NodeMetrics(received, sent, dropped, rejections);
    List<Block> channelBlocks = NodeSystems.readBlocks(settings.channelBlocks(), "hearsay.channels.join");
    openLedgers(settings, channelBlocks);
    Path ledgerData = settings.ledger().dataDir();
    metrics.ledgerRepairs(() -> LedgerStores.repairs(ledgerData));
    AtomicBroadcastClient orderers;
    try {
      orderers = AtomicBroadcastClient.of(settings.tls(), settings.deliveryClient().keepAlive());
    } catch (IOException e) {
      throw new ConfigError("peer.tls: " + e.getMessage(), e);
    }
    // The CAs this node trusts for TLS, Artery's and Fabric gossip's alike, growing as it joins
    // channels; registered under a key of its own before its ActorSystem exists.
    String nodeKey = UUID.randomUUID().toString();
    TrustedCas trust = TlsEngineProvider.trustedCas(nodeKey);
    EnvelopeSigner signer = new EnvelopeSigner(identity);
    prepareChannels(settings, identities, trust, channelBlocks);
    Optional<GrpcGossipLinks> gossip = startFabricGossip(settings, trust, nodeKey, signer);
    Peer.Parts parts = new Peer.Parts(settings, signer, identities, rejections, received, sent,
        dropped, NodeSystems.tlsCertificateHash(settings.arteryTls()), NodeSystems.incarnation(), channelBlocks, metrics,
        orderers, trust, gossip.map(FabricLinks.class::cast));
    Endpoint artery = settings.fabricGossip().map(FabricGossipSettings::artery).orElse(settings.membership().endpoint());
    ActorSystem<Peer.Command> system;
    try {
      system = ActorSystem.create(Peer.create(parts), NodeSystems.SYSTEM_NAME,
          NodeSystems.systemConfig(artery, settings.arteryTls(), effective, Optional.of(nodeKey)));
    } catch (RuntimeException e) {
      gossip.ifPresent(GrpcGossipLinks::close);
      orderers.close();
      throw e;
    }
    HearsayPeer peer = new HearsayPeer(system, settings, identity, rejections, received, metrics,
        gossip.map(GrpcGossipLinks::endpoint));
    peer.node.closeOnStop(orderers);
    gossip.ifPresent(peer.node::closeOnStop);
    if (settings.admin().endpoint().isPresent()) {
      var joins = new ChannelJoinRequests(new AdminRequests(PeerIdentityFiles.localMsp(settings),
          settings.admin().requestTimeWindow()), identities.msps(), settings.localMspId(), rejections, peer::joinChannel);
      peer.node.serveAdmin(settings.admin(), peer.adminRoutes(joins));
    }
    return peer;
  }

  /**
   * What the channels joined at start make known before the first connection (Fabric peers dial
   * as soon as the port answers): their MSPs, scoped to each channel, and their orgs' TLS CAs; a
   * block the channel router will refuse teaches nothing.
   */
  private static void prepareChannels(PeerSettings settings, IdentityMapper identities, TrustedCas trust,
      List<Block> channelBlocks) {
    for (Block block : channelBlocks) {
      ChannelConfig config = ChannelConfig.of(block);
      if (ChannelJoins.check(config, identities.msps(), settings.localMspId()).isEmpty()) {
        identities.channelMsps(config.channelId(), ChannelJoins.msps(config));
        trust.add(ChannelJoins.tlsCas(config));
      }
    }
  }

  /**
   * Fabric's gossip service at {@code peer.listenAddress}, when set, with the node's TLS, trusting
   * its TLS CAs and (see {@link #prepareChannels}) those of its channels' orgs.
   */
  private static Optional<GrpcGossipLinks> startFabricGossip(PeerSettings settings, TrustedCas trust, String nodeKey,
      EnvelopeSigner signer) throws ConfigError {
    if (settings.fabricGossip().isEmpty()) {
      return Optional.empty();
    }
    if (settings.tls().isPresent()) {
      try {
        trust.add(GrpcTls.certificates(settings.tls().get().trustedCas()));
      } catch (IOException e) {
        throw new ConfigError("peer.tls: " + e.getMessage(), e);
      }
    }
    FabricGossipSettings fabric = settings.fabricGossip().get();
    return Optional.of(GrpcGossipLinks.start(fabric.listenAddress(), settings.tls(),
        new CountingTrustManager(trust, TlsEngineProvider.refusedCounter(nodeKey), "Fabric gossip"),
        fabric.dialTimeout(),
        hash -> signer.sign(GossipMessages.connEstablish(signer.self().identity(), hash, false)).envelope()));
  }

  /**
   * Opens the ledgers of the channels joined at start before the peer runs, so that damaged block
   * files are repaired (and logged) before any gossip, or, with {@code hearsay.ledger.on-corruption
   * = fail}, stop the start with the file, offset and blocks lost.
   */
  private static void openLedgers(PeerSettings settings, List<Block> channelBlocks) throws ConfigError {
    for (Block block : channelBlocks) {
      String channel;
      try {
        channel = ChannelConfig.of(block).channelId();
      } catch (IllegalArgumentException e) {
        throw new ConfigError("hearsay.channels.join: " + e.getMessage(), e);
      }
      try {
        ChannelLedger.openStore(settings.ledger(), channel);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigError("hearsay.ledger: the ledger of channel " + channel + " cannot open: " + e.getMessage(), e);
      }
    }
  }

  private AdminServer.Routes adminRoutes(AdminServer.Join joins) {
    return new AdminServer.Routes() {
      @Override
      public CompletionStage<String> status() {
        return membership().thenCombine(channels(), (view, channels) -> StatusJson.peer(
            settings.id(), mspId(), pkiId().hex(), endpoint, view, channels, rejections()));
      }

      @Override
      public String metrics() {
        return metrics.scrape();
      }

      @Override
      public CompletionStage<List<HealthChecks.FailedCheck>> health() {
        boolean startUpOver = System.nanoTime() - startedNanos > settings.membership().aliveExpirationTimeout().toNanos();
        return membership().thenCombine(channels(), (view, channels) -> {
          List<HealthChecks.FailedCheck> failed = new ArrayList<>(HealthChecks.channels(channels));
          failed.addAll(HealthChecks.delivery(metrics.delivery().failingFor(HealthChecks.DELIVERY_GRACE, System.nanoTime())));
          failed.addAll(HealthChecks.membership(view.alive().size(), !settings.membership().bootstrap().isEmpty(),
              startUpOver));
          return failed;
        });
      }

      @Override
      public Optional<AdminServer.Join> join() {
        return Optional.of(joins);
      }
    };
  }

  private void closeLedgers() {
    Path ledgerData = settings.ledger().dataDir();
    try {
      LedgerStores.closeAll(ledgerData);
    } catch (IOException e) {
      LoggerFactory.getLogger(HearsayPeer.class).warn("closing the ledgers under {}: {}", ledgerData, e.getMessage());
    }
  }

  /** Where this peer's admin endpoint listens, when it has one. */
  public Optional<Endpoint> adminEndpoint() {
    return node.adminEndpoint();
  }

  /** TLS client certificates the admin endpoint refused so far. */
  public long refusedAdminClientCertificates() {
    return node.refusedAdminClientCertificates();
  }

  /** This peer's metrics (what {@code GET /metrics} serves). */
  public NodeMetrics metrics() {
    return metrics;
  }

  public ActorSystem<Peer.Command> system() {
    return system;
  }

  public ActorRef<Peer.Command> ref() {
    return system;
  }

  /** Where other peers reach this one: its Artery address, or with Fabric's gossip its gRPC endpoint. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Its Artery address (the same as {@link #endpoint()} unless it serves Fabric's gossip). */
  public Endpoint arteryEndpoint() {
    return PeerAddress.endpoint(system);
  }

  public PkiId pkiId() {
    return identity.pkiId();
  }

  public String mspId() {
    return identity.mspId();
  }

  public SigningIdentity identity() {
    return identity;
  }

  /** This peer's current membership view. */
  public CompletionStage<MembershipView> membership() {
    return AskPattern.ask(system, Peer.GetMembership::new, apiTimeout(), system.scheduler());
  }

  /** Replaces the faults injected on this peer's links. */
  public void setFaults(LinkFaults faults) {
    system.tell(new Peer.SetFaults(faults));
  }

  /** Sends a raw signed envelope to another peer (tests of what a misbehaving peer can do). */
  public void sendEnvelope(Endpoint to, Envelope envelope) {
    system.tell(new Peer.SendEnvelope(to, envelope));
  }

  /** Inbound messages rejected so far, per reason. */
  public Map<RejectionReason, Long> rejections() {
    return rejections.counts();
  }

  /** Verified messages this peer's comm received, per content type and channel. */
  public Map<String, Long> receivedMessages() {
    return received.snapshot();
  }

  /** Messages this peer did not send (transport, peer gone, unreachable org, faults), per content type and channel. */
  public Map<String, Long> droppedMessages() {
    return metrics.dropped();
  }

  /** TLS connections whose certificate this peer refused. */
  public long refusedTlsCertificates() {
    return TlsEngineProvider.refusedCertificates(Adapter.toClassic(system));
  }

  /** Joins the channel a genesis config block defines (its ledger starts at that block). */
  public void joinChannel(Block genesis) {
    system.tell(new Peer.JoinChannel(genesis));
  }

  /** Hands a block to a channel as its source would (the ordering service, through the leader). */
  public void commitBlock(String channel, Block block) {
    system.tell(new Peer.CommitBlock(channel, block));
  }

  /** The height and tip of a joined channel's ledger. */
  public CompletionStage<ChannelLedger.Height> channelHeight(String channel) {
    return AskPattern.ask(system, replyTo -> new Peer.GetChannelHeight(channel, replyTo), apiTimeout(),
        system.scheduler());
  }

  /** The status of every joined channel: height, tip hash, whether this peer is its org's leader. */
  public CompletionStage<List<ChannelStatus>> channels() {
    return AskPattern.ask(system, Peer.GetChannels::new, apiTimeout(), system.scheduler());
  }

  private Duration apiTimeout() {
    return settings.apiTimeout();
  }

  /** Stops the peer through coordinated shutdown; its ledgers' files are closed once it has stopped. */
  public CompletionStage<Done> stop() {
    return node.stop();
  }

  @Override
  public void close() {
    stop().toCompletableFuture().join();
  }
}
