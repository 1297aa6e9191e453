package io.hearsay.runtime;

import com.typesafe.config.Config;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.protocol.admin.AdminRequests;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.runtime.admin.ChannelJoinRequests;
import io.hearsay.runtime.admin.NodeMetrics;
import io.hearsay.runtime.channels.ChannelJoins;
import io.hearsay.runtime.comm.DroppedMessages;
import io.hearsay.runtime.comm.FabricGossipSettings;
import io.hearsay.runtime.comm.FabricLinks;
import io.hearsay.runtime.comm.MessageCounts;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.comm.TlsEngineProvider;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettings;
import io.hearsay.runtime.config.PeerSettingsLoader;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import io.hearsay.runtime.grpc.GrpcGossipLinks;
import io.hearsay.runtime.grpc.GrpcTls;
import io.hearsay.runtime.node.NodeSystems;
import io.hearsay.runtime.tls.CountingTrustManager;
import io.hearsay.runtime.tls.TrustedCas;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;
import org.slf4j.LoggerFactory;

/**
 * How a peer starts, in an ActorSystem of its own or in an application's.
 *
 * <pre>
 * prepare: settings, identity, the MSPs and TLS CAs of the channels joined at start, their ledgers
 *          opened (and repaired) before any gossip, the deliver client, Fabric's gossip server
 * system:  standalone, a new system named "hearsay" with Artery where peer.* says, whose guardian
 *          ends it when the peer's actors stop; hosted, the application's (name and TLS checked)
 * launch:  the peer's actors as the system actor "hearsay" (the same path in both, since peers
 *          address each other's comm actor by it), then the admin endpoint
 * </pre>
 */
final class PeerStart {

  private PeerStart() {}

  /** What a peer is made of before its actors start. */
  private record Prepared(PeerSettings settings, SigningIdentity identity, RejectionLog rejections,
      MessageCounts received, NodeMetrics metrics, Peer.Parts parts, AtomicBroadcastClient orderers,
      Optional<GrpcGossipLinks> gossip) {

    void close() {
      gossip.ifPresent(GrpcGossipLinks::close);
      orderers.close();
    }
  }

  static HearsayPeer standalone(Config config, String source, Map<String, String> environment) throws ConfigError {
    PeerSettings settings = PeerSettingsLoader.load(config, source, environment);
    Config effective = PeerSettingsLoader.effective(config, environment);
    // The node's TLS registries are found by this key before its ActorSystem exists.
    String nodeKey = UUID.randomUUID().toString();
    Prepared prepared = prepare(settings, nodeKey);
    Endpoint artery = settings.fabricGossip().map(FabricGossipSettings::artery).orElse(settings.membership().endpoint());
    ActorSystem<ActorRef<Peer.Command>> system;
    try {
      system = ActorSystem.create(endsWithPeer(), NodeSystems.SYSTEM_NAME,
          NodeSystems.systemConfig(artery, settings.arteryTls(), effective, Optional.of(nodeKey)));
    } catch (RuntimeException e) {
      prepared.close();
      throw e;
    }
    ActorRef<Peer.Command> peer = system.systemActorOf(Peer.create(prepared.parts()), NodeSystems.PEER_ACTOR,
        Props.empty());
    system.tell(peer);
    return launch(prepared, system, peer, true);
  }

  static HearsayPeer hosted(ActorSystem<?> system, Map<String, String> environment) throws ConfigError {
    String source = "the config of ActorSystem " + system.name();
    if (!system.name().equals(NodeSystems.SYSTEM_NAME)) {
      throw new ConfigError(source + ": a peer's ActorSystem must be named \"" + NodeSystems.SYSTEM_NAME
          + "\" (peers address each other as pekko://" + NodeSystems.SYSTEM_NAME + "@host:port), not \""
          + system.name() + "\"");
    }
    Config config = system.settings().config();
    PeerSettings settings = PeerSettingsLoader.load(config, source, environment);
    if (!config.getString("pekko.actor.provider").equals("remote")) {
      throw new ConfigError(source + ": pekko.actor.provider must be remote: create the system with "
          + "HearsayPeer.actorSystemConfig(config)");
    }
    if (settings.arteryTls().isPresent() && !config.getString("pekko.remote.artery.transport").equals("tls-tcp")) {
      throw new ConfigError(source + ": peer.tls is enabled but the system's Artery runs without TLS: create the"
          + " system with HearsayPeer.actorSystemConfig(config)");
    }
    Prepared prepared = prepare(settings, TlsEngineProvider.nodeKey(Adapter.toClassic(system)));
    ActorRef<Peer.Command> peer;
    try {
      peer = system.systemActorOf(Peer.create(prepared.parts()), NodeSystems.PEER_ACTOR, Props.empty());
    } catch (RuntimeException e) {
      prepared.close();
      throw new ConfigError(source + ": the peer cannot start in this system: " + e.getMessage(), e);
    }
    return launch(prepared, system, peer, false);
  }

  static Config actorSystemConfig(Config config, Map<String, String> environment) throws ConfigError {
    PeerSettings settings = PeerSettingsLoader.load(config, "application config", environment);
    Endpoint artery = settings.fabricGossip().map(FabricGossipSettings::artery).orElse(settings.membership().endpoint());
    return NodeSystems.systemConfig(artery, settings.arteryTls(), PeerSettingsLoader.effective(config, environment));
  }

  /** Stops a hosted peer's actors; completes once they and their children are gone. */
  static CompletionStage<Done> stopActors(ActorSystem<?> system, ActorRef<Peer.Command> peer) {
    CompletableFuture<Done> stopped = new CompletableFuture<>();
    system.systemActorOf(Behaviors.setup(context -> {
      context.watch(peer);
      peer.tell(new Peer.Stop());
      return Behaviors.receive(Object.class).onSignal(Terminated.class, t -> {
        stopped.complete(Done.getInstance());
        return Behaviors.stopped();
      }).build();
    }), "hearsay-stop-" + UUID.randomUUID(), Props.empty());
    return stopped;
  }

  /** A standalone peer's guardian: told the peer's actor, it ends the system when that actor stops, failed or not. */
  private static Behavior<ActorRef<Peer.Command>> endsWithPeer() {
    return Behaviors.receive((context, peer) -> {
      context.watch(peer);
      return Behaviors.same();
    }, (context, signal) -> signal instanceof Terminated ? Behaviors.stopped() : Behaviors.same());
  }

  private static Prepared prepare(PeerSettings settings, String nodeKey) throws ConfigError {
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
    // The CAs this node trusts for TLS, Artery's and Fabric gossip's alike, growing as it joins channels.
    TrustedCas trust = TlsEngineProvider.trustedCas(nodeKey);
    EnvelopeSigner signer = new EnvelopeSigner(identity);
    prepareChannels(settings, identities, trust, channelBlocks);
    Optional<GrpcGossipLinks> gossip;
    try {
      gossip = startFabricGossip(settings, trust, nodeKey, signer);
    } catch (ConfigError | RuntimeException e) {
      orderers.close();
      throw e;
    }
    Peer.Parts parts = new Peer.Parts(settings, signer, identities, rejections, received, sent,
        dropped, NodeSystems.tlsCertificateHash(settings.arteryTls()), NodeSystems.incarnation(), channelBlocks, metrics,
        orderers, trust, gossip.map(FabricLinks.class::cast));
    return new Prepared(settings, identity, rejections, received, metrics, parts, orderers, gossip);
  }

  private static HearsayPeer launch(Prepared prepared, ActorSystem<?> system, ActorRef<Peer.Command> ref,
      boolean ownsSystem) throws ConfigError {
    PeerSettings settings = prepared.settings();
    HearsayPeer peer = new HearsayPeer(system, ref, ownsSystem, settings, prepared.identity(), prepared.rejections(),
        prepared.received(), prepared.metrics(), prepared.gossip().map(GrpcGossipLinks::endpoint));
    peer.node().closeOnStop(prepared.orderers());
    prepared.gossip().ifPresent(peer.node()::closeOnStop);
    if (settings.admin().endpoint().isPresent()) {
      var joins = new ChannelJoinRequests(new AdminRequests(PeerIdentityFiles.localMsp(settings),
          settings.admin().requestTimeWindow()), prepared.parts().identities().msps(), settings.localMspId(),
          prepared.rejections(), peer::joinChannel);
      peer.node().serveAdmin(settings.admin(), peer.adminRoutes(joins));
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
        (hash, probe) -> signer.sign(GossipMessages.connEstablish(signer.self().identity(), hash, probe)).envelope()));
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
}
