package io.hearsay.runtime;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.runtime.comm.MessageCounts;
import io.hearsay.runtime.comm.LinkFaults;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.comm.TlsEngineProvider;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettings;
import io.hearsay.runtime.config.PeerSettingsLoader;
import io.hearsay.runtime.membership.MembershipView;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Adapter;
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

  /** Every peer's ActorSystem has this name, so an endpoint alone addresses a peer. */
  public static final String SYSTEM_NAME = "hearsay";

  private final ActorSystem<Peer.Command> system;
  private final SigningIdentity identity;
  private final RejectionLog rejections;
  private final MessageCounts received;
  private final Endpoint endpoint;
  private final String id;
  private final io.hearsay.runtime.admin.NodeMetrics metrics;
  private java.util.Optional<io.hearsay.runtime.admin.AdminServer> admin = java.util.Optional.empty();
  private java.nio.file.Path ledgerData;

  private HearsayPeer(ActorSystem<Peer.Command> system, String id, SigningIdentity identity, RejectionLog rejections,
      MessageCounts received, io.hearsay.runtime.admin.NodeMetrics metrics) {
    this.system = system;
    this.id = id;
    this.identity = identity;
    this.rejections = rejections;
    this.received = received;
    this.metrics = metrics;
    this.endpoint = PeerAddress.endpoint(system);
  }

  /** Starts a peer from an application's config, with the process environment's CORE_* overrides. */
  public static HearsayPeer start(Config config) throws ConfigError {
    return start(config, "application config", System.getenv());
  }

  /** Starts a peer from a config file, with the process environment's CORE_* overrides. */
  public static HearsayPeer start(java.nio.file.Path file) throws ConfigError {
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
        settings.rejectionLogInterval());
    Instant now = Instant.now();
    long incarnation = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    MessageCounts received = new MessageCounts();
    MessageCounts sent = new MessageCounts();
    var dropped = new io.hearsay.runtime.comm.DroppedMessages();
    var metrics = new io.hearsay.runtime.admin.NodeMetrics(received, sent, dropped, rejections);
    openLedgers(settings, effective);
    java.nio.file.Path ledgerData = java.nio.file.Path.of(effective.getString("hearsay.ledger.data-dir"));
    metrics.ledgerRepairs(() -> io.hearsay.ledger.store.LedgerStores.repairs(ledgerData));
    Peer.Parts parts = new Peer.Parts(settings, new EnvelopeSigner(identity), identities, rejections, received, sent,
        dropped,
        tlsCertificateHash(settings), incarnation, channelBlocks(settings), metrics);
    ActorSystem<Peer.Command> system =
        ActorSystem.create(Peer.create(parts), SYSTEM_NAME, systemConfig(settings, effective));
    HearsayPeer peer = new HearsayPeer(system, settings.id(), identity, rejections, received, metrics);
    peer.ledgerData = ledgerData;
    if (settings.admin().endpoint().isPresent()) {
      try {
        var joins = new io.hearsay.runtime.admin.ChannelJoinRequests(new io.hearsay.protocol.admin.AdminRequests(
            PeerIdentityFiles.localMsp(settings), settings.admin().requestTimeWindow()), identities.msps(),
            settings.localMspId(), rejections, peer::joinChannel);
        peer.admin = java.util.Optional.of(io.hearsay.runtime.admin.AdminServer.start(system, settings.admin(),
            peer.adminRoutes(joins)));
      } catch (ConfigError e) {
        peer.close();
        throw e;
      }
    }
    return peer;
  }

  private io.hearsay.runtime.admin.AdminServer.Routes adminRoutes(io.hearsay.runtime.admin.AdminServer.Join joins) {
    return new io.hearsay.runtime.admin.AdminServer.Routes() {
      @Override
      public CompletionStage<String> status() {
        return membership().thenCombine(channels(), (view, channels) -> io.hearsay.runtime.admin.StatusJson.peer(
            id, mspId(), pkiId().hex(), endpoint, view, channels));
      }

      @Override
      public String metrics() {
        return metrics.scrape();
      }

      @Override
      public java.util.Optional<io.hearsay.runtime.admin.AdminServer.Join> join() {
        return java.util.Optional.of(joins);
      }
    };
  }

  /** Where this peer's admin endpoint listens, when it has one. */
  public java.util.Optional<Endpoint> adminEndpoint() {
    return admin.map(io.hearsay.runtime.admin.AdminServer::endpoint);
  }

  /** TLS client certificates the admin endpoint refused so far. */
  public long refusedAdminClientCertificates() {
    return admin.map(io.hearsay.runtime.admin.AdminServer::refusedClientCertificates).orElse(0L);
  }

  /** This peer's metrics (what {@code GET /metrics} serves). */
  public io.hearsay.runtime.admin.NodeMetrics metrics() {
    return metrics;
  }

  /** The peer's ActorSystem config: its endpoint and TLS over the application's config. */
  static Config systemConfig(PeerSettings settings, Config effective) {
    return systemConfig(settings.gossip().endpoint(), settings.tls(), effective);
  }

  /** A node's ActorSystem config (peer, orderer, client): its Artery endpoint and TLS over {@code effective}. */
  public static Config systemConfig(Endpoint endpoint, java.util.Optional<PeerSettings.Tls> tlsSettings, Config effective) {
    StringBuilder overrides = new StringBuilder()
        .append("pekko.remote.artery.canonical.hostname = \"").append(endpoint.host()).append("\"\n")
        .append("pekko.remote.artery.canonical.port = ").append(endpoint.port()).append('\n');
    tlsSettings.ifPresent(tls -> overrides
        .append("pekko.remote.artery.transport = tls-tcp\n")
        .append("pekko.remote.artery.ssl.ssl-engine-provider = \"").append(TlsEngineProvider.class.getName()).append("\"\n")
        .append("pekko.remote.artery.ssl.config-ssl-engine {\n")
        .append("  key-store = \"").append(tls.keyStore().toAbsolutePath()).append("\"\n")
        .append("  trust-store = \"").append(tls.trustStore().toAbsolutePath()).append("\"\n")
        .append("  key-store-password = \"").append(tls.password()).append("\"\n")
        .append("  key-password = \"").append(tls.password()).append("\"\n")
        .append("  trust-store-password = \"").append(tls.password()).append("\"\n")
        // EC keys: TLS 1.3 suites work; Pekko's default TLS_ECDHE_RSA_* suites do not.
        .append("  protocol = \"TLSv1.3\"\n")
        .append("  enabled-algorithms = [TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256]\n")
        .append("  require-mutual-authentication = on\n")
        .append("  hostname-verification = off\n}\n"));
    return ConfigFactory.parseString(overrides.toString()).withFallback(effective).resolve();
  }

  /**
   * Opens the ledgers of the channels joined at start before the peer runs, so that damaged block
   * files are repaired (and logged) before any gossip, or, with {@code hearsay.ledger.on-corruption
   * = fail}, stop the start with the file, offset and blocks lost.
   */
  private static void openLedgers(PeerSettings settings, Config effective) throws ConfigError {
    for (org.hyperledger.fabric.protos.common.Block block : channelBlocks(settings)) {
      String channel;
      try {
        channel = io.hearsay.channels.config.ChannelConfig.of(block).channelId();
      } catch (IllegalArgumentException e) {
        throw new ConfigError("hearsay.channels.join: " + e.getMessage(), e);
      }
      try {
        io.hearsay.ledger.ChannelLedger.openStore(effective, channel);
      } catch (java.io.IOException | IllegalArgumentException e) {
        throw new ConfigError("hearsay.ledger: the ledger of channel " + channel + " cannot open: " + e.getMessage(), e);
      }
    }
  }

  private static java.util.List<org.hyperledger.fabric.protos.common.Block> channelBlocks(PeerSettings settings)
      throws ConfigError {
    return readBlocks(settings.channelBlocks(), "hearsay.channels.join");
  }

  /** Reads the block files a config key lists; an unreadable one is a {@link ConfigError} naming key and file. */
  public static java.util.List<org.hyperledger.fabric.protos.common.Block> readBlocks(java.util.List<java.nio.file.Path> files,
      String key) throws ConfigError {
    java.util.List<org.hyperledger.fabric.protos.common.Block> blocks = new java.util.ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      java.nio.file.Path file = files.get(i);
      try {
        blocks.add(org.hyperledger.fabric.protos.common.Block.parseFrom(Files.readAllBytes(file)));
      } catch (java.io.IOException e) {
        throw new ConfigError(key + "[" + i + "] = " + file + ": not a readable block: " + e.getMessage(), e);
      }
    }
    return blocks;
  }

  private static ByteString tlsCertificateHash(PeerSettings settings) throws ConfigError {
    if (settings.tls().isEmpty()) {
      return ByteString.EMPTY;
    }
    PeerSettings.Tls tls = settings.tls().get();
    try (InputStream in = Files.newInputStream(tls.keyStore())) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, tls.password().toCharArray());
      String alias = store.aliases().nextElement();
      Certificate cert = store.getCertificate(alias);
      return ByteString.copyFrom(Ecdsa.sha256(cert.getEncoded()));
    } catch (Exception e) {
      throw new ConfigError("hearsay.tls.keyStore = " + tls.keyStore() + ": cannot read it with the "
          + "password from hearsay.tls.passwordFile: " + e.getMessage(), e);
    }
  }

  public ActorSystem<Peer.Command> system() {
    return system;
  }

  public ActorRef<Peer.Command> ref() {
    return system;
  }

  public Endpoint endpoint() {
    return endpoint;
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
    return AskPattern.ask(system, Peer.GetMembership::new, Duration.ofSeconds(5), system.scheduler());
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
  public void joinChannel(org.hyperledger.fabric.protos.common.Block genesis) {
    system.tell(new Peer.JoinChannel(genesis));
  }

  /** Hands a block to a channel as its source would (the ordering service, through the leader). */
  public void commitBlock(String channel, org.hyperledger.fabric.protos.common.Block block) {
    system.tell(new Peer.CommitBlock(channel, block));
  }

  /** The height and tip of a joined channel's ledger. */
  public CompletionStage<io.hearsay.ledger.ChannelLedger.Height> channelHeight(String channel) {
    return AskPattern.ask(system, replyTo -> new Peer.GetChannelHeight(channel, replyTo), Duration.ofSeconds(15),
        system.scheduler());
  }

  /** The status of every joined channel: height, tip hash, whether this peer is its org's leader. */
  public CompletionStage<java.util.List<io.hearsay.channels.ChannelGossip.Status>> channels() {
    return AskPattern.ask(system, Peer.GetChannels::new, Duration.ofSeconds(15), system.scheduler());
  }

  /** Stops the peer through coordinated shutdown; its ledgers' files are closed once it has stopped. */
  public CompletionStage<Done> stop() {
    admin.ifPresent(io.hearsay.runtime.admin.AdminServer::close);
    system.terminate();
    return system.getWhenTerminated().thenApply(done -> {
      try {
        io.hearsay.ledger.store.LedgerStores.closeAll(ledgerData);
      } catch (java.io.IOException e) {
        LoggerFactory.getLogger(HearsayPeer.class).warn("closing the ledgers under {}: {}", ledgerData, e.getMessage());
      }
      return done;
    });
  }

  @Override
  public void close() {
    stop().toCompletableFuture().join();
  }
}
