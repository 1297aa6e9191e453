package io.hearsay.testkit.browser;

import io.hearsay.runtime.admin.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium}, or {@code -Dhearsay.chromium=PATH}) driven
 * over the Chrome DevTools Protocol with the JDK's WebSocket client: open a page, evaluate
 * JavaScript in it, take a screenshot. The browser runs in a fresh profile directory, without
 * background networking (this machine's network is closed), and {@link #close} stops it by pid.
 */
public final class HeadlessChromium implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<Map<?, ?>>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The browser binary to use, if there is one. */
  public static Optional<Path> binary() {
    String configured = System.getProperty("hearsay.chromium");
    return Stream.of(configured, "/usr/bin/chromium", "/usr/bin/chromium-browser").filter(p -> p != null)
        .map(Path::of).filter(Files::isExecutable).findFirst();
  }

  /** Why a browser test cannot run here, or empty when it can. */
  public static Optional<String> absence() {
    return binary().isPresent() ? Optional.empty()
        : Optional.of("no Chromium: install Debian's chromium package (.ci/setup does) or set -Dhearsay.chromium=PATH");
  }

  /** Starts the browser on {@code url} with a {@code width} × {@code height} window. */
  public static HeadlessChromium open(String url, int width, int height) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("hearsay-chromium");
    Process process = new ProcessBuilder(binary().orElseThrow(() -> new IOException(absence().get())).toString(),
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=" + width + "," + height, url)
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    try {
      int port = debuggingPort(profile, process);
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (pageSocket == null) {
        String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        pageSocket = ((List<?>) Json.parse(targets)).stream().map(t -> (Map<?, ?>) t)
            .filter(t -> "page".equals(t.get("type"))).map(t -> (String) t.get("webSocketDebuggerUrl")).findFirst()
            .orElse(null);
        if (pageSocket == null) {
          waitOrFail(deadline, "Chromium opened no page");
        }
      }
      HeadlessChromium[] self = new HeadlessChromium[1];
      WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
          partial.append(data);
          if (last && self[0] != null) {
            self[0].answer(partial.toString());
            partial.setLength(0);
          }
          webSocket.request(1);
          return null;
        }
      }).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      self[0] = new HeadlessChromium(process, profile, socket);
      return self[0];
    } catch (Exception e) {
      process.destroyForcibly();
      deleteProfile(profile);
      throw e instanceof IOException io ? io : new IOException("Chromium's DevTools: " + e.getMessage(), e);
    }
  }

  private static int debuggingPort(Path profile, Process process) throws IOException, InterruptedException {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(file) || Files.readAllLines(file).isEmpty()) {
      if (!process.isAlive()) {
        throw new IOException("Chromium exited: " + Files.readString(profile.resolve("chromium.log")));
      }
      waitOrFail(deadline, "Chromium wrote no DevToolsActivePort");
    }
    return Integer.parseInt(Files.readAllLines(file).get(0).trim());
  }

  private static void waitOrFail(long deadline, String what) throws IOException, InterruptedException {
    if (System.nanoTime() > deadline) {
      throw new IOException(what + " within " + START_TIMEOUT);
    }
    Thread.sleep(50);
  }

  private void answer(String message) {
    Map<?, ?> parsed = (Map<?, ?>) Json.parse(message);
    Object id = parsed.get("id");
    if (id instanceof Number n) {
      CompletableFuture<Map<?, ?>> call = pending.remove(n.intValue());
      if (call != null) {
        call.complete(parsed);
      }
    }
  }

  private Map<?, ?> call(String method, Map<String, Object> params) throws IOException {
    int id = ids.incrementAndGet();
    CompletableFuture<Map<?, ?>> answer = new CompletableFuture<>();
    pending.put(id, answer);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", id);
    request.put("method", method);
    request.put("params", params);
    try {
      socket.sendText(Json.write(request), true).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<?, ?> response = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (response.containsKey("error")) {
        throw new IOException(method + ": " + response.get("error"));
      }
      return (Map<?, ?>) response.get("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(method + " interrupted", e);
    } catch (Exception e) {
      throw e instanceof IOException io ? io : new IOException(method + ": " + e, e);
    } finally {
      pending.remove(id);
    }
  }

  /** The value of a JavaScript expression in the page, as JSON-compatible Java values (maps, lists, strings…). */
  public Object evaluate(String expression) throws IOException {
    Map<?, ?> result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IOException("the page threw: " + result.get("exceptionDetails"));
    }
    return ((Map<?, ?>) result.get("result")).get("value");
  }

  /** Saves a PNG screenshot of the page to {@code file}. */
  public void screenshot(Path file) throws IOException {
    Map<?, ?> result = call("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode((String) result.get("data")));
  }

  @Override
  public void close() {
    socket.abort();
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    deleteProfile(profile);
  }

  private static void deleteProfile(Path profile) {
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A profile left in the temp directory is harmless.
    }
  }
}
