package io.hearsay.runtime.admin;

import io.hearsay.runtime.config.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Reads a node's admin endpoint (the command line, the local network's progress view). */
public final class AdminClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private AdminClient() {}

  /** The body of {@code GET path}; a non-200 answer is an IOException with the body. */
  public static String get(Endpoint admin, String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(admin, path)).GET(), 200);
  }

  /** The body of {@code POST path}; an answer other than {@code expected} is an IOException with the body. */
  public static String post(Endpoint admin, String path, byte[] body, int expected) throws IOException {
    return send(HttpRequest.newBuilder(uri(admin, path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), expected);
  }

  /** {@code GET /status}, parsed. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> status(Endpoint admin) throws IOException {
    try {
      return (Map<String, Object>) Json.parse(get(admin, "/status"));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IOException(admin + "/status is not a status document: " + e.getMessage(), e);
    }
  }

  private static URI uri(Endpoint admin, String path) {
    return URI.create("http://" + admin.host() + ":" + admin.port() + path);
  }

  private static String send(HttpRequest.Builder request, int expected) throws IOException {
    try {
      HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
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
