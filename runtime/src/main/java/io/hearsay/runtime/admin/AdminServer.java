package io.hearsay.runtime.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A node's HTTP admin endpoint (the JDK's HTTP server, one thread): {@code GET /status} (JSON),
 * {@code GET /metrics} (Prometheus text format) and, where the node can join channels,
 * {@code POST /channels} with a genesis block as the body.
 */
public final class AdminServer implements AutoCloseable {

  /** What the endpoint serves. */
  public interface Routes {
    CompletionStage<String> status();

    String metrics();

    /** Joins the channel a posted block defines; answers a message, or fails with IllegalArgumentException. */
    default Optional<Function<byte[], String>> join() {
      return Optional.empty();
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Listens on {@code endpoint} (port 0: any free port). */
  public static AdminServer start(Endpoint endpoint, Routes routes) throws ConfigError {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(endpoint.host(), endpoint.port()), 16);
    } catch (IOException e) {
      throw new ConfigError("hearsay.admin.endpoint = " + endpoint + ": cannot listen: " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "hearsay-admin-" + endpoint.port());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/status", exchange -> {
      if (method(exchange, "GET")) {
        try {
          respond(exchange, 200, "application/json", routes.status().toCompletableFuture().get(20, TimeUnit.SECONDS));
        } catch (Exception e) {
          respond(exchange, 503, "text/plain", "status unavailable: " + e + "\n");
        }
      }
    });
    server.createContext("/metrics", exchange -> {
      if (method(exchange, "GET")) {
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", routes.metrics());
      }
    });
    routes.join().ifPresent(join -> server.createContext("/channels", exchange -> {
      if (method(exchange, "POST")) {
        try {
          respond(exchange, 202, "text/plain", join.apply(exchange.getRequestBody().readAllBytes()) + "\n");
        } catch (IllegalArgumentException e) {
          respond(exchange, 400, "text/plain", e.getMessage() + "\n");
        }
      }
    }));
    server.start();
    return new AdminServer(server, executor);
  }

  /** Where the endpoint listens (the real port when 0 was configured). */
  public Endpoint endpoint() {
    return new Endpoint(server.getAddress().getHostString(), server.getAddress().getPort());
  }

  private static boolean method(HttpExchange exchange, String expected) throws IOException {
    if (exchange.getRequestMethod().equals(expected)) {
      return true;
    }
    respond(exchange, 405, "text/plain", exchange.getRequestMethod() + " is not allowed here; use " + expected + "\n");
    return false;
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
