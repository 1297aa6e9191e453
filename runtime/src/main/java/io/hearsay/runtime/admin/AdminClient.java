package io.hearsay.runtime.admin;

import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.tls.PemTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * Reads a node's admin endpoint (the command line, the local network's progress view): over
 * plain HTTP, or over HTTPS trusting {@code caFile} and presenting a client certificate (Fabric
 * osnadmin's {@code --ca-file}, {@code --client-cert}, {@code --client-key}).
 */
public final class AdminClient {

  /** A client for endpoints without TLS. */
  public static final AdminClient PLAIN = new AdminClient(Optional.empty());

  private final HttpClient http;
  private final String scheme;

  private AdminClient(Optional<SSLContext> tls) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
    this.scheme = tls.isPresent() ? "https" : "http";
  }

  /** A client for an HTTPS admin endpoint: its CA, and our client certificate if it asks for one. */
  public static AdminClient tls(Path caFile, Optional<PemTls.KeyPair> clientCertificate) throws IOException {
    return tls(PemTls.context(clientCertificate, List.of(caFile), UnaryOperator.identity()));
  }

  /** A client for an HTTPS admin endpoint, with {@code tls} as it is. */
  public static AdminClient tls(SSLContext tls) {
    return new AdminClient(Optional.of(tls));
  }

  /** The body of {@code GET path}; a non-200 answer is an IOException with the body. */
  public String get(Endpoint admin, String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(admin, path)).GET(), 200);
  }

  /** The body of {@code POST path}; an answer other than {@code expected} is an IOException with the body. */
  public String post(Endpoint admin, String path, byte[] body, int expected) throws IOException {
    return send(HttpRequest.newBuilder(uri(admin, path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), expected);
  }

  /** {@code GET /status}, parsed. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> status(Endpoint admin) throws IOException {
    try {
      return (Map<String, Object>) Json.parse(get(admin, "/status"));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IOException(admin + "/status is not a status document: " + e.getMessage(), e);
    }
  }

  private URI uri(Endpoint admin, String path) {
    return URI.create(scheme + "://" + admin.host() + ":" + admin.port() + path);
  }

  private String send(HttpRequest.Builder request, int expected) throws IOException {
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IOException("HTTP " + response.statusCode() + ": " + response.body().strip());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
