package io.hearsay.runtime;

import com.typesafe.config.Config;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.state.WorldState;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.admin.AdminServer;
import io.hearsay.runtime.admin.HealthChecks;
import io.hearsay.runtime.admin.NodeMetrics;
import io.hearsay.runtime.admin.StatusJson;
import io.hearsay.runtime.channels.ChannelRouter;
import io.hearsay.runtime.comm.LinkFaults;
import io.hearsay.runtime.comm.MessageCounts;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.comm.TlsEngineProvider;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettings;
import io.hearsay.runtime.config.PeerSettingsLoader;
import io.hearsay.runtime.membership.MembershipView;
import io.hearsay.runtime.node.RunningNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.javadsl.Source;
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

  private final ActorSystem<?> system;
  private final ActorRef<Peer.Command> peer;
  private final PeerSettings settings;
  private final SigningIdentity identity;
  private final RejectionLog rejections;
  private final MessageCounts received;
  private final NodeMetrics metrics;
  private final Endpoint endpoint;
  private final RunningNode node;
  private final long startedNanos = System.nanoTime();

  /**
   * A peer whose actors run as {@code peer} in {@code system}; with {@code ownsSystem}, stopping
   * the peer terminates the system, else it stops the peer's actors only.
   */
  HearsayPeer(ActorSystem<?> system, ActorRef<Peer.Command> peer, boolean ownsSystem, PeerSettings settings,
      SigningIdentity identity, RejectionLog rejections, MessageCounts received, NodeMetrics metrics,
      Optional<Endpoint> fabricGossip) {
    this.system = system;
    this.peer = peer;
    this.settings = settings;
    this.identity = identity;
    this.rejections = rejections;
    this.received = received;
    this.metrics = metrics;
    Endpoint configured = settings.membership().endpoint();
    this.endpoint = fabricGossip.map(served -> configured.port() == 0 ? served : configured)
        .orElseGet(() -> PeerAddress.endpoint(system));
    this.node = ownsSystem ? new RunningNode(system, this::closeLedgers)
        : new RunningNode(system, () -> PeerStart.stopActors(system, peer), this::closeLedgers);
  }

  /** Starts a peer from an application's config, with the process environment's CORE_* overrides. */
  public static HearsayPeer start(Config config) throws ConfigError {
    return start(config, "application config", System.getenv());
  }

  /** Starts a peer from a config file, with the process environment's CORE_* overrides. */
  public static HearsayPeer start(Path file) throws ConfigError {
    return start(PeerSettingsLoader.parse(file), file.toString(), System.getenv());
  }

  /** Starts a peer in an ActorSystem of its own; {@code source} names the config in error messages. */
  public static HearsayPeer start(Config config, String source, Map<String, String> environment)
      throws ConfigError {
    return PeerStart.standalone(config, source, environment);
  }

  /**
   * Starts a peer inside an application's ActorSystem, from that system's config ({@code peer.*}
   * and {@code hearsay.*} keys, as a node's config file has them): the peer's actors run as the
   * system actor {@code hearsay}, over the system's own Artery. The system must be named
   * {@code hearsay} and, with {@code peer.tls}, run Artery's TLS as {@link #actorSystemConfig}
   * sets it up. {@link Hearsay} is the same as a Pekko extension.
   */
  public static HearsayPeer host(ActorSystem<?> system) throws ConfigError {
    return PeerStart.hosted(system, System.getenv());
  }

  /**
   * {@code config} with what an ActorSystem needs to host a peer: remoting, Artery at the peer's
   * endpoint and, with {@code peer.tls}, Artery's mutual TLS from the peer's PEM files.
   */
  public static Config actorSystemConfig(Config config) throws ConfigError {
    return PeerStart.actorSystemConfig(config, System.getenv());
  }

  /** The node's running parts (endpoints closed on stop, the admin endpoint), for {@link PeerStart}. */
  RunningNode node() {
    return node;
  }

  AdminServer.Routes adminRoutes(AdminServer.Join joins) {
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

  void closeLedgers() {
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

  /** The ActorSystem the peer runs in: its own, or the application's that hosts it. */
  public ActorSystem<?> system() {
    return system;
  }

  /** The peer's actor (the system actor {@code hearsay}). */
  public ActorRef<Peer.Command> ref() {
    return peer;
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
    return AskPattern.ask(peer, Peer.GetMembership::new, apiTimeout(), system.scheduler());
  }

  /** Replaces the faults injected on this peer's links. */
  public void setFaults(LinkFaults faults) {
    peer.tell(new Peer.SetFaults(faults));
  }

  /** Sends a raw signed envelope to another peer (tests of what a misbehaving peer can do). */
  public void sendEnvelope(Endpoint to, Envelope envelope) {
    peer.tell(new Peer.SendEnvelope(to, envelope));
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
    peer.tell(new Peer.JoinChannel(genesis));
  }

  /** Hands a block to a channel as its source would (the ordering service, through the leader). */
  public void commitBlock(String channel, Block block) {
    peer.tell(new Peer.CommitBlock(channel, block));
  }

  /** The height and tip of a joined channel's ledger. */
  public CompletionStage<ChannelLedger.Height> channelHeight(String channel) {
    return AskPattern.ask(peer, replyTo -> new Peer.GetChannelHeight(channel, replyTo), apiTimeout(),
        system.scheduler());
  }

  /** The status of every joined channel: height, tip hash, whether this peer is its org's leader. */
  public CompletionStage<List<ChannelStatus>> channels() {
    return AskPattern.ask(peer, Peer.GetChannels::new, apiTimeout(), system.scheduler());
  }

  /**
   * The committed blocks of {@code channel} from number {@code from} on: replayed from the ledger,
   * then each block as it commits, for as long as the stream runs. Back-pressured: the ledger is
   * read one block ahead of the consumer's demand, so a slow consumer makes the peer neither drop
   * nor buffer anything. Fails with {@link NoSuchElementException} for a channel not joined.
   */
  public Source<Block, NotUsed> blocks(String channel, long from) {
    return BlockFeed.source(system, peer, channel, from);
  }

  /** Block {@code number} of {@code channel}, empty when not committed yet. */
  public CompletionStage<Optional<Block>> block(String channel, long number) {
    return query(channel, replyTo -> new ChannelLedger.GetBlock(number, replyTo));
  }

  /**
   * The world-state value of {@code key} in chaincode {@code namespace} of {@code channel}, with its
   * version (the block and transaction that wrote it), as the committed blocks left it.
   */
  public CompletionStage<Optional<WorldState.VersionedValue>> value(String channel, String namespace, String key) {
    return query(channel, replyTo -> new ChannelLedger.GetValue(namespace, key, replyTo));
  }

  /** A read of a channel's ledger; fails with {@link NoSuchElementException} for a channel not joined. */
  @SuppressWarnings("unchecked")
  private <T> CompletionStage<T> query(String channel, Function<ActorRef<T>, ChannelLedger.Query> query) {
    CompletionStage<Object> answer = AskPattern.ask(peer,
        (ActorRef<Object> replyTo) -> new Peer.QueryLedger(channel, query.apply(replyTo.narrow()), replyTo.narrow()),
        apiTimeout(), system.scheduler());
    return answer.thenCompose(a -> a instanceof ChannelRouter.NotJoined
        ? CompletableFuture.failedFuture(new NoSuchElementException("this peer has not joined channel " + channel))
        : CompletableFuture.completedFuture((T) a));
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
