package io.mailplane.contract;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A forwarding HTTP proxy in front of the test server for clients whose HTTP calls the tests cannot
 * hook (the generated SDKs, the TypeScript scenario under node): every exchange through it is
 * checked with {@link ResponseContract}, an event stream event by event while it streams. {@link
 * #close()} fails with the violations seen.
 */
final class ContractProxy implements AutoCloseable {
  /** Headers java.net.http sets itself (restricted) or that belong to one hop. */
  private static final Set<String> HOP =
      Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

  private final URI upstream;
  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<AssertionError> violations = new CopyOnWriteArrayList<>();
  private final List<InputStream> open = new CopyOnWriteArrayList<>();

  private ContractProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "contract-proxy");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext("/", this::forward);
    server.start();
  }

  static ContractProxy start(URI upstream) throws IOException {
    return new ContractProxy(upstream);
  }

  /** The base URI clients use instead of the server's. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private void forward(HttpExchange exchange) throws IOException {
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String raw = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(upstream.resolve(raw + (query == null ? "" : "?" + query)))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(v -> builder.header(name, v));
                }
              });
      HttpRequest request = builder.build();
      HttpResponse<InputStream> response = send(request);
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!name.startsWith(":") && !HOP.contains(name.toLowerCase(Locale.ROOT))) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      boolean stream =
          response
              .headers()
              .firstValue("content-type")
              .filter(t -> t.startsWith("text/event-stream"))
              .isPresent();
      if (stream) {
        verify(() -> ResponseContract.check(request, response, null, false));
        exchange.sendResponseHeaders(response.statusCode(), 0);
        relayEvents(request.uri().getPath(), response.body(), exchange.getResponseBody());
        return;
      }
      byte[] bytes;
      try (InputStream in = response.body()) {
        bytes = in.readAllBytes();
      }
      verify(
          () ->
              ResponseContract.check(
                  request, response, new String(bytes, StandardCharsets.UTF_8), true));
      exchange.sendResponseHeaders(response.statusCode(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    } finally {
      exchange.close();
    }
  }

  private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Passes the stream on line by line, checking each event's data when the event ends. */
  private void relayEvents(String path, InputStream in, OutputStream out) throws IOException {
    open.add(in);
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      StringBuilder data = new StringBuilder();
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        if (line.isEmpty()) {
          if (data.length() > 0) {
            String event = data.toString();
            verify(() -> ResponseContract.checkEvent(path, event));
          }
          data.setLength(0);
          out.flush();
        }
      }
    } catch (IOException clientOrServerClosed) {
      // the client closed the stream (or the proxy is closing): nothing more to check
    } finally {
      open.remove(in);
      in.close();
    }
  }

  private void verify(Runnable check) {
    try {
      check.run();
    } catch (AssertionError e) {
      violations.add(e);
    }
  }

  /** Stops the proxy; fails with the first contract violation seen (and how many there were). */
  @Override
  public void close() {
    server.stop(0);
    for (InputStream in : open) {
      try {
        in.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    threads.shutdownNow();
    if (!violations.isEmpty()) {
      AssertionError first =
          new AssertionError(
              violations.size()
                  + " response(s) through the proxy broke the contract; the first:\n"
                  + violations.get(0).getMessage());
      violations.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }
}
