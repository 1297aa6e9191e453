package io.hearsay.runtime.admin;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.CountingTrustManager;
import io.hearsay.runtime.tls.PemTls;
import io.hearsay.runtime.tls.TlsSettings;
import io.hearsay.protocol.crypto.Pem;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A node's admin endpoint on pekko-http, in the node's own ActorSystem: {@code GET /} the live
 * dashboard (fed by {@code GET /events}, server-sent status events), {@code GET /status}
 * (JSON), {@code GET /metrics} (Prometheus text), {@code GET /healthz} (Fabric's health answer,
 * {@link HealthChecks}; {@code /ready} the same, {@code /alive} liveness) and, where the node joins channels,
 * {@code POST /channels} with a signed join request as the body. With {@code operations.tls} it
 * serves HTTPS, and with {@code clientAuthRequired} only clients whose certificate one of
 * {@code clientRootCAs} issued get a connection at all (refusals are logged and counted). Without
 * TLS, status and metrics are open to whoever reaches the port; a join is always authenticated by
 * its admin signature. {@link #routes} is the route an application can mount in its own server.
 */
public final class AdminServer implements AutoCloseable {

  /** What the endpoint serves. */
  public interface Routes {
    CompletionStage<String> status();

    String metrics();

    /** The node's failed health checks (none: healthy); see {@link HealthChecks}. */
    default CompletionStage<List<HealthChecks.FailedCheck>> health() {
      return CompletableFuture.completedFuture(List.of());
    }

    /** Carries out a posted channel join request from {@code remote}, if this node joins channels. */
    default Optional<Join> join() {
      return Optional.empty();
    }
  }

  /** A channel join: the answer to a posted body. */
  @FunctionalInterface
  public interface Join {
    Answer apply(byte[] body, String remote);
  }

  /** An HTTP status and a one-line message. */
  public record Answer(int status, String message) {}

  private static final ContentType.NonBinary PROMETHEUS =
      (ContentType.NonBinary) ContentTypes.parse("text/plain; version=0.0.4; charset=UTF-8");
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
  /** Where the dashboard's page, style and script are in the jar. */
  private static final String DASHBOARD = "io/hearsay/runtime/admin/dashboard";
  /** How often the dashboard's event stream sends the status. */
  static final Duration EVENT_INTERVAL = Duration.ofSeconds(1);

  private final ServerBinding binding;
  private final LongAdder refusedClients;

  private AdminServer(ServerBinding binding, LongAdder refusedClients) {
    this.binding = binding;
    this.refusedClients = refusedClients;
  }

  /** Listens where {@code settings} say (port 0: any free port) in {@code system}. */
  public static AdminServer start(ActorSystem<?> system, AdminSettings settings, Routes routes) throws ConfigError {
    Endpoint endpoint = settings.endpoint().orElseThrow(() -> new IllegalArgumentException("no admin endpoint configured"));
    LongAdder refused = new LongAdder();
    ServerBuilder server = Http.get(system).newServerAt(endpoint.host(), endpoint.port());
    if (settings.tls().isPresent()) {
      TlsSettings tls = settings.tls().get();
      SSLContext context;
      try {
        context = PemTls.context(Optional.of(tls.keyPair()), tls.clientRootCas(),
            trust -> new CountingTrustManager(trust, refused, "admin endpoint " + endpoint));
      } catch (IOException e) {
        throw new ConfigError("operations.tls: " + e.getMessage(), e);
      }
      server = server.enableHttps(ConnectionContext.httpsServer(() -> {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setNeedClientAuth(tls.clientAuthRequired());
        return engine;
      }));
    }
    try {
      Optional<X509Certificate> tlsCertificate = settings.tls().isPresent()
          ? Optional.of(Pem.readCertificate(settings.tls().get().keyPair().certificate())) : Optional.empty();
      Supplier<List<HealthChecks.FailedCheck>> own = () -> tlsCertificate
          .map(c -> HealthChecks.certificate("admin TLS", c, Instant.now())).orElse(List.of());
      ServerBinding binding = server.bind(new Directives(routes, own).route()).toCompletableFuture()
          .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new AdminServer(binding, refused);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String why = e instanceof TimeoutException ? "not bound within " + BIND_TIMEOUT.toSeconds() + " s" : cause.getMessage();
      throw new ConfigError("hearsay.admin.endpoint = " + endpoint + ": cannot listen: " + why, cause);
    }
  }

  /** The admin routes, for an application that serves them from its own pekko-http server. */
  public static Route routes(Routes routes) {
    return new Directives(routes, List::of).route();
  }

  private static final class Directives extends AllDirectives {
    private final Routes routes;
    /** The server's own checks (its TLS certificate), beside the node's. */
    private final Supplier<List<HealthChecks.FailedCheck>> own;

    Directives(Routes routes, Supplier<List<HealthChecks.FailedCheck>> own) {
      this.routes = routes;
      this.own = own;
    }

    /** 200 with Fabric's OK, or 503 with the failed checks. */
    private Route health() {
      return get(() -> onComplete(routes.health(), answer -> {
        List<HealthChecks.FailedCheck> failed = new ArrayList<>(own.get());
        if (answer.isSuccess()) {
          failed.addAll(answer.get());
        } else {
          failed.add(new HealthChecks.FailedCheck("node", "did not answer: " + answer.failed().get().getMessage()));
        }
        return complete(HttpResponse.create().withStatus(failed.isEmpty() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, HealthChecks.json(failed, Instant.now()))));
      }));
    }

    Route route() {
      Route status = path("status", () -> get(() -> onComplete(routes.status(), answer -> answer.isSuccess()
          ? complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, answer.get()))
          : complete(StatusCodes.SERVICE_UNAVAILABLE, "status unavailable: " + answer.failed().get() + "\n"))));
      Route metrics = path("metrics", () -> get(() -> complete(HttpEntities.create(PROMETHEUS, routes.metrics()))));
      // Fabric's /healthz; Pekko Management's readiness (/ready, the same checks) and liveness
      // (/alive: the node's actor system serves this route, so it lives).
      Route health = concat(path("healthz", this::health), path("ready", this::health),
          path("alive", () -> get(() -> complete(HttpEntities.create(ContentTypes.APPLICATION_JSON,
              HealthChecks.json(List.of(), Instant.now()))))));
      Route dashboard = concat(dashboard(), status);
      return routes.join().map(join -> concat(dashboard, metrics, health, path("channels", () -> post(() -> extractClientIP(ip ->
          entity(Unmarshaller.entityToByteArray(), body -> {
            Answer answer = join.apply(body, ip.getAddress().map(Object::toString).orElse("unknown"));
            return complete(HttpResponse.create().withStatus(answer.status())
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, answer.message() + "\n")));
          }))))))
          .orElse(concat(dashboard, metrics, health));
    }

    /**
     * The dashboard: its page and scripts from the jar ({@code GET /}, {@code /dashboard/…}), and
     * {@code GET /events}, the status document as a server-sent event every {@link #EVENT_INTERVAL}
     * for as long as the page listens (one status at a time: a slow page slows its own stream).
     */
    private Route dashboard() {
      Source<ServerSentEvent, NotUsed> events = Source.tick(Duration.ZERO, EVENT_INTERVAL, "tick")
          .mapMaterializedValue(cancellable -> NotUsed.getInstance())
          .mapAsync(1, tick -> routes.status().handle((json, failure) -> failure == null ? Optional.of(json)
              : Optional.<String>empty()))
          .filter(Optional::isPresent)
          .map(json -> ServerSentEvent.create(json.get(), "status"));
      return concat(pathSingleSlash(() -> get(() -> getFromResource(DASHBOARD + "/index.html"))),
          pathPrefix("dashboard", () -> get(() -> getFromResourceDirectory(DASHBOARD))),
          path("events", () -> get(() -> completeOK(events, EventStreamMarshalling.toEventStream()))));
    }
  }

  /** Where the endpoint listens (the real port when 0 was configured). */
  public Endpoint endpoint() {
    return new Endpoint(binding.localAddress().getHostString(), binding.localAddress().getPort());
  }

  /** TLS client certificates refused so far. */
  public long refusedClientCertificates() {
    return refusedClients.sum();
  }

  @Override
  public void close() {
    binding.unbind().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
  }
}
