package io.hearsay.runtime.network;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.japi.function.Function;

/**
 * A browser's read-only window onto one node's admin endpoint, as {@code kubectl proxy} is onto a
 * cluster. A local network's nodes serve their admin endpoints over mutual TLS, taking only their
 * org admin's certificate, which a browser does not hold; this listener, on loopback only, forwards
 * GET requests for the dashboard, its event stream, status, health and metrics to the node,
 * presenting the org admin's certificate, and answers anything else 405 or 404: a channel join is
 * never forwarded, so the proxy opens no unauthenticated way in.
 */
public final class DashboardProxy implements AutoCloseable {

  /** The paths forwarded (and everything under {@code /dashboard/}). */
  private static final Set<String> PATHS = Set.of("/", "/events", "/status", "/healthz", "/ready", "/alive", "/metrics");
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;

  private DashboardProxy(ActorSystem<Void> system, ServerBinding binding) {
    this.system = system;
    this.binding = binding;
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port) and forwards to {@code admin} over {@code tls}. */
  public static DashboardProxy start(Endpoint admin, SSLContext tls, int port) throws Exception {
    // A local actor system of its own: the CLI's JVM has no node, and needs no Artery port. It logs
    // nothing: a browser sees every failure as the proxy's 502, and a stream cut when the network
    // stops is not an error.
    Config config = ConfigFactory.parseMap(Map.of("pekko.actor.provider", "local", "pekko.loglevel", "OFF",
            "pekko.stdout-loglevel", "OFF"))
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hearsay-dashboard-proxy", config);
    try {
      Http http = Http.get(system);
      HttpsConnectionContext client = ConnectionContext.httpsClient(tls);
      Uri target = Uri.create("https://" + admin.host() + ":" + admin.port());
      Function<HttpRequest, CompletionStage<HttpResponse>> handler = request -> forward(system, http, client, target, request);
      ServerBinding binding = http.newServerAt("127.0.0.1", port).bind(handler)
          .toCompletableFuture().get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new DashboardProxy(system, binding);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  private static CompletionStage<HttpResponse> forward(ActorSystem<?> system, Http http, HttpsConnectionContext client,
      Uri target, HttpRequest request) {
    String path = request.getUri().path();
    if (!request.method().equals(HttpMethods.GET)) {
      request.discardEntityBytes(system);
      return CompletableFuture.completedFuture(HttpResponse.create()
          .withStatus(StatusCodes.METHOD_NOT_ALLOWED).withEntity("the dashboard proxy forwards GET requests only\n"));
    }
    if (!PATHS.contains(path) && !path.startsWith("/dashboard/")) {
      return CompletableFuture.completedFuture(HttpResponse.create()
          .withStatus(StatusCodes.NOT_FOUND).withEntity(path + " is not forwarded by the dashboard proxy\n"));
    }
    HttpRequest upstream = HttpRequest.GET(target.path(path).rawQueryString(request.getUri().rawQueryString().orElse(""))
        .toString());
    return http.singleRequest(upstream, client).exceptionally(e -> HttpResponse.create()
        .withStatus(StatusCodes.BAD_GATEWAY).withEntity("the node's admin endpoint did not answer: " + e.getMessage() + "\n"));
  }

  /** The page's address. */
  public String url() {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + "/";
  }

  @Override
  public void close() {
    binding.unbind().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    Http.get(system).shutdownAllConnectionPools().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS)
        .exceptionally(e -> null).join();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
  }
}
