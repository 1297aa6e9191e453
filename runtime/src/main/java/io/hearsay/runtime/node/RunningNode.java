package io.hearsay.runtime.node;

import io.hearsay.runtime.admin.AdminServer;
import io.hearsay.runtime.admin.AdminSettings;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;

/**
 * A node's running parts that peers and orderers share: its ActorSystem, its admin endpoint and
 * its other endpoints (gRPC). Stopping closes the endpoints, then stops the node's actors (a node
 * that owns its system terminates it through coordinated shutdown; a hosted peer stops its own
 * actors), then runs what the node has to do once its actors are gone.
 */
public final class RunningNode {

  private final ActorSystem<?> system;
  private final Supplier<CompletionStage<Done>> stopActors;
  private final Runnable afterStop;
  private Optional<AdminServer> admin = Optional.empty();
  private final List<AutoCloseable> endpoints = new ArrayList<>();

  /** A node that owns {@code system}: stopping it terminates the system. */
  public RunningNode(ActorSystem<?> system, Runnable afterStop) {
    this(system, () -> {
      system.terminate();
      return system.getWhenTerminated();
    }, afterStop);
  }

  /** A node hosted in {@code system}: stopping it runs {@code stopActors}, and the system goes on. */
  public RunningNode(ActorSystem<?> system, Supplier<CompletionStage<Done>> stopActors, Runnable afterStop) {
    this.system = system;
    this.stopActors = stopActors;
    this.afterStop = afterStop;
  }

  /** Serves the admin endpoint the settings name, if any; a failure stops the node and is thrown. */
  public void serveAdmin(AdminSettings settings, AdminServer.Routes routes) throws ConfigError {
    if (settings.endpoint().isEmpty()) {
      return;
    }
    try {
      admin = Optional.of(AdminServer.start(system, settings, routes));
    } catch (ConfigError e) {
      stop().toCompletableFuture().join();
      throw e;
    }
  }

  /** An endpoint of the node (a gRPC server) closed first when it stops, before its actors. */
  public void closeOnStop(AutoCloseable endpoint) {
    endpoints.add(endpoint);
  }

  public Optional<Endpoint> adminEndpoint() {
    return admin.map(AdminServer::endpoint);
  }

  /** TLS client certificates the admin endpoint refused so far. */
  public long refusedAdminClientCertificates() {
    return admin.map(AdminServer::refusedClientCertificates).orElse(0L);
  }

  public CompletionStage<Done> stop() {
    admin.ifPresent(AdminServer::close);
    for (AutoCloseable endpoint : endpoints) {
      try {
        endpoint.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(RunningNode.class).warn("closing {}: {}", endpoint, e.getMessage());
      }
    }
    endpoints.clear();
    return stopActors.get().thenApply(done -> {
      afterStop.run();
      return done;
    });
  }
}
