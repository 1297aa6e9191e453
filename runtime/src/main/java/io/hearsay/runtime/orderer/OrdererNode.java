package io.hearsay.runtime.orderer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.ledger.store.LedgerStores;
import io.hearsay.runtime.PeerIdentityFiles;
import io.hearsay.runtime.admin.AdminServer;
import io.hearsay.runtime.admin.HealthChecks;
import io.hearsay.runtime.admin.NodeMetrics;
import io.hearsay.runtime.admin.StatusJson;
import io.hearsay.runtime.channels.StatusCollector;
import io.hearsay.runtime.comm.DroppedMessages;
import io.hearsay.runtime.comm.MessageCounts;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettingsLoader;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import io.hearsay.runtime.grpc.ClientTls;
import io.hearsay.runtime.grpc.GrpcServer;
import io.hearsay.runtime.node.NodeSystems;
import io.hearsay.runtime.node.RunningNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;
import org.slf4j.LoggerFactory;

/**
 * An orderer node: its own ActorSystem (named like a peer's, so an endpoint addresses it) whose
 * guardian runs the {@link OrderingService} at {@code /user/orderer}.
 */
public final class OrdererNode implements AutoCloseable {

  private final ActorSystem<OrderingService.Command> system;
  private final OrdererSettings settings;
  private final RejectionLog rejections;
  private final Endpoint endpoint;
  private final List<String> channels;
  private final RunningNode node;

  private OrdererNode(ActorSystem<OrderingService.Command> system, OrdererSettings settings, RejectionLog rejections,
      List<String> channels, Endpoint endpoint) {
    this.system = system;
    this.settings = settings;
    this.rejections = rejections;
    this.channels = channels;
    this.endpoint = endpoint;
    this.node = new RunningNode(system, this::closeLedgers);
  }

  /** Starts an orderer from a config file, with the process environment's overrides. */
  public static OrdererNode start(Path file) throws ConfigError {
    return start(PeerSettingsLoader.parse(file), file.toString(), System.getenv());
  }

  public static OrdererNode start(Config config, String source, Map<String, String> environment) throws ConfigError {
    Config effective = PeerSettingsLoader.effective(config, environment);
    OrdererSettings settings;
    try {
      settings = OrdererSettings.read(new ConfigReader(effective, source));
    } catch (ConfigException e) {
      throw new ConfigError(source + ": " + e.getMessage(), e);
    }
    SigningIdentity identity = PeerIdentityFiles.signingIdentity(settings.localMspId(), settings.mspConfigPath(),
        "orderer.mspConfigPath");
    List<Block> genesis = NodeSystems.readBlocks(settings.channelBlocks(), "orderer.channels");
    List<String> channels;
    try {
      channels = genesis.stream().map(b -> ChannelConfig.of(b).channelId()).toList();
    } catch (IllegalArgumentException e) {
      throw new ConfigError(source + ": orderer.channels: " + e.getMessage(), e);
    }
    RejectionLog rejections = new RejectionLog(LoggerFactory.getLogger("io.hearsay.runtime.rejections"),
        settings.comm().rejectionLogInterval());
    OrderingService.Setup setup = new OrderingService.Setup(identity, genesis, settings.ledger(), rejections,
        settings.ledgerTimeout(), StatusCollector.within(settings.apiTimeout()));
    Behavior<OrderingService.Command> guardian = Behaviors.setup(context -> {
      ActorRef<OrderingService.Command> service = context.spawn(OrderingService.create(setup), OrdererFrame.SERVICE_NAME);
      return Behaviors.receiveMessage(command -> {
        service.tell(command);
        return Behaviors.same();
      });
    });
    // Clients reach the orderer over gRPC alone: its ActorSystem needs no Artery.
    ActorSystem<OrderingService.Command> system = ActorSystem.create(guardian, NodeSystems.SYSTEM_NAME,
        ConfigFactory.parseString("pekko.actor.provider = local").withFallback(effective).resolve());
    GrpcServer grpc;
    try {
      grpc = GrpcServer.start(settings.endpoint(), settings.tls(), "orderer.endpoint",
          new AtomicBroadcastService(system, system));
    } catch (ConfigError e) {
      system.terminate();
      throw e;
    }
    OrdererNode orderer = new OrdererNode(system, settings, rejections, channels, grpc.endpoint());
    orderer.node.closeOnStop(grpc);
    LoggerFactory.getLogger(OrdererNode.class).info("orderer {} of {} serves AtomicBroadcast at {}{}", settings.id(),
        settings.localMspId(), grpc.endpoint(), settings.tls().isPresent() ? " over TLS" : " (no TLS)");
    NodeMetrics metrics = new NodeMetrics(new MessageCounts(), new MessageCounts(), new DroppedMessages(), rejections);
    orderer.node.serveAdmin(settings.admin(), new AdminServer.Routes() {
      @Override
      public CompletionStage<String> status() {
        return orderer.channelStatus().thenApply(c -> StatusJson.orderer(settings.id(), settings.localMspId(),
            orderer.endpoint(), c));
      }

      @Override
      public String metrics() {
        return metrics.scrape();
      }

      @Override
      public CompletionStage<List<HealthChecks.FailedCheck>> health() {
        return orderer.channelStatus().thenApply(HealthChecks::channels);
      }
    });
    return orderer;
  }

  private void closeLedgers() {
    try {
      LedgerStores.closeAll(settings.ledger().dataDir());
    } catch (IOException e) {
      LoggerFactory.getLogger(OrdererNode.class).warn("closing the ledgers under {}: {}", settings.ledger().dataDir(),
          e.getMessage());
    }
  }

  /** Where the admin endpoint listens, when there is one. */
  public Optional<Endpoint> adminEndpoint() {
    return node.adminEndpoint();
  }

  public ActorSystem<OrderingService.Command> system() {
    return system;
  }

  /** Height and tip of every channel this orderer serves. */
  public CompletionStage<List<ChannelStatus>> channelStatus() {
    return AskPattern.ask(system, OrderingService.GetChannels::new, settings.apiTimeout(), system.scheduler());
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  public List<String> channels() {
    return channels;
  }

  /** Requests refused so far, per reason. */
  public Map<RejectionReason, Long> rejections() {
    return rejections.counts();
  }

  /**
   * A broadcast client for this orderer (tests, tools): plain gRPC, or with the orderer's TLS on,
   * trusting the orderer's own certificate and presenting it.
   */
  public OrdererClient client() throws IOException {
    Optional<ClientTls> tls = settings.tls().map(t -> new ClientTls(List.of(t.keyPair().certificate()),
        Optional.of(t.keyPair())));
    AtomicBroadcastClient connections = new AtomicBroadcastClient(tls,
        new AtomicBroadcastClient.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(20)));
    node.closeOnStop(connections);
    return new OrdererClient(connections, endpoint, List.of(), settings.apiTimeout());
  }

  /** Stops the orderer through coordinated shutdown; its ledgers' files are closed once it has stopped. */
  public CompletionStage<Done> stop() {
    return node.stop();
  }

  @Override
  public void close() {
    stop().toCompletableFuture().join();
  }
}
