package io.hearsay.runtime.orderer;

import com.typesafe.config.Config;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.runtime.HearsayPeer;
import io.hearsay.runtime.PeerAddress;
import io.hearsay.runtime.PeerIdentityFiles;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.config.PeerSettingsLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;
import org.slf4j.LoggerFactory;

/**
 * An orderer node: its own ActorSystem (named like a peer's, so an endpoint addresses it) whose
 * guardian runs the {@link OrderingService} at {@code /user/orderer}.
 */
public final class OrdererNode implements AutoCloseable {

  private final ActorSystem<OrderingService.Command> system;
  private final RejectionLog rejections;
  private final Endpoint endpoint;
  private final List<String> channels;
  private java.util.Optional<io.hearsay.runtime.admin.AdminServer> admin = java.util.Optional.empty();

  private OrdererNode(ActorSystem<OrderingService.Command> system, RejectionLog rejections, List<String> channels) {
    this.system = system;
    this.rejections = rejections;
    this.channels = channels;
    this.endpoint = PeerAddress.endpoint(system);
  }

  /** Starts an orderer from a config file, with the process environment's overrides. */
  public static OrdererNode start(Path file) throws ConfigError {
    return start(PeerSettingsLoader.parse(file), file.toString(), System.getenv());
  }

  public static OrdererNode start(Config config, String source, Map<String, String> environment) throws ConfigError {
    Config effective = PeerSettingsLoader.effective(config, environment);
    OrdererSettings settings = OrdererSettings.read(effective, source);
    SigningIdentity identity = PeerIdentityFiles.signingIdentity(settings.localMspId(), settings.mspConfigPath(),
        "orderer.mspConfigPath");
    List<Block> genesis = HearsayPeer.readBlocks(settings.channelBlocks(), "orderer.channels");
    List<String> channels;
    try {
      channels = genesis.stream().map(b -> ChannelConfig.of(b).channelId()).toList();
    } catch (IllegalArgumentException e) {
      throw new ConfigError(source + ": orderer.channels: " + e.getMessage(), e);
    }
    RejectionLog rejections = new RejectionLog(LoggerFactory.getLogger("io.hearsay.runtime.rejections"),
        effective.getDuration("hearsay.comm.rejection-log-interval"));
    Config systemConfig = HearsayPeer.systemConfig(settings.endpoint(), settings.tls(), effective);
    OrderingService.Setup setup = new OrderingService.Setup(identity, genesis, systemConfig, rejections);
    Behavior<OrderingService.Command> guardian = Behaviors.setup(context -> {
      ActorRef<OrderingService.Command> service = context.spawn(OrderingService.create(setup), OrdererFrame.SERVICE_NAME);
      context.getLog().info("orderer {} of {} started at {}", settings.id(), settings.localMspId(),
          context.getSystem().address());
      return Behaviors.receiveMessage(command -> {
        service.tell(command);
        return Behaviors.same();
      });
    });
    OrdererNode node = new OrdererNode(ActorSystem.create(guardian, HearsayPeer.SYSTEM_NAME, systemConfig), rejections,
        channels);
    var admin = io.hearsay.runtime.admin.AdminSettings.read(effective, source);
    if (admin.endpoint().isPresent()) {
      var metrics = new io.hearsay.runtime.admin.NodeMetrics(new io.hearsay.runtime.comm.MessageCounts(),
          new io.hearsay.runtime.comm.MessageCounts(), new io.hearsay.runtime.comm.DroppedMessages(), rejections);
      try {
        node.admin = java.util.Optional.of(io.hearsay.runtime.admin.AdminServer.start(node.system(), admin,
            new io.hearsay.runtime.admin.AdminServer.Routes() {
              @Override
              public CompletionStage<String> status() {
                return node.channelStatus().thenApply(c -> io.hearsay.runtime.admin.StatusJson.orderer(settings.id(),
                    settings.localMspId(), node.endpoint(), c));
              }

              @Override
              public String metrics() {
                return metrics.scrape();
              }
            }));
      } catch (ConfigError e) {
        node.close();
        throw e;
      }
    }
    return node;
  }

  /** Where the admin endpoint listens, when there is one. */
  public java.util.Optional<Endpoint> adminEndpoint() {
    return admin.map(io.hearsay.runtime.admin.AdminServer::endpoint);
  }

  public ActorSystem<OrderingService.Command> system() {
    return system;
  }

  /** Height and tip of every channel this orderer serves. */
  public CompletionStage<List<io.hearsay.channels.ChannelGossip.Status>> channelStatus() {
    return org.apache.pekko.actor.typed.javadsl.AskPattern.ask(system, OrderingService.GetChannels::new,
        Duration.ofSeconds(10), system.scheduler());
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

  /** A client for this orderer from another ActorSystem. */
  public OrdererClient clientFrom(ActorSystem<?> client) {
    return new OrdererClient(client, endpoint, Duration.ofSeconds(10));
  }

  public CompletionStage<Done> stop() {
    admin.ifPresent(io.hearsay.runtime.admin.AdminServer::close);
    system.terminate();
    return system.getWhenTerminated();
  }

  @Override
  public void close() {
    stop().toCompletableFuture().join();
  }
}
