package io.mailplane.client;

import io.mailplane.client.model.ChangeEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Reads the change feed (GET /api/v1/events, Server-Sent Events) as events arrive. Hand-written
 * and shipped with the generated SDK: the generator cannot stream a response.
 *
 * <pre>{@code
 * try (ChangeFeed feed = ChangeFeed.open(client, null)) {
 *   for (ChangeFeed.Event e; (e = feed.next()) != null; ) { ... e.data() ... }
 * }
 * }</pre>
 *
 * <p>When the stream ends (a restart, a proxy timeout), {@link #next()} reconnects with
 * Last-Event-ID, so no change is missed or repeated. Keep {@link #lastEventId()} to resume later.
 */
public final class ChangeFeed implements AutoCloseable {
  /** One event: its id (the revision), its name (the event field) and the decoded change. */
  public record Event(String id, String name, ChangeEvent data) {}

  private final ApiClient client;
  private volatile String lastEventId;
  private volatile boolean closed;
  private InputStream body;
  private BufferedReader lines;

  private ChangeFeed(ApiClient client, String lastEventId) {
    this.client = client;
    this.lastEventId = lastEventId;
  }

  /**
   * Opens the stream. Without lastEventId it starts at the current revision; "0" replays the
   * history. Fails with the server's problem (401, 403, 400) as an ApiException.
   */
  public static ChangeFeed open(ApiClient client, String lastEventId) throws ApiException {
    ChangeFeed feed = new ChangeFeed(client, lastEventId);
    feed.connect();
    return feed;
  }

  /** The id of the last event returned: pass it to {@link #open} to resume. */
  public String lastEventId() {
    return lastEventId;
  }

  /** Blocks until the next event arrives; null once closed. */
  public Event next() throws ApiException {
    while (!closed) {
      try {
        Event event = read();
        if (event != null) {
          return event;
        }
      } catch (IOException e) {
        if (closed) {
          return null;
        }
      }
      connect(); // the stream ended: resume after the last event seen
    }
    return null;
  }

  private Event read() throws IOException {
    String id = null;
    String name = null;
    StringBuilder data = new StringBuilder();
    for (String line; (line = lines.readLine()) != null; ) {
      if (line.isEmpty()) {
        if (data.length() > 0) {
          if (id != null) {
            lastEventId = id;
          }
          return new Event(
              id, name, client.getObjectMapper().readValue(data.toString(), ChangeEvent.class));
        }
        id = null;
        name = null;
      } else if (line.startsWith(":")) {
        continue; // keep-alive comment
      } else {
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "id" -> id = value;
          case "event" -> name = value;
          case "data" -> data.append(data.length() > 0 ? "\n" : "").append(value);
          default -> {
            // retry and unknown fields: nothing to do
          }
        }
      }
    }
    return null;
  }

  private void connect() throws ApiException {
    closeBody();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(java.net.URI.create(client.getBaseUri() + "/api/v1/events"))
            .header("Accept", "text/event-stream")
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    if (client.getRequestInterceptor() != null) {
      client.getRequestInterceptor().accept(request);
    }
    try {
      HttpResponse<InputStream> response =
          client
              .getHttpClient()
              .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        String problem;
        try (InputStream error = response.body()) {
          problem = new String(error.readAllBytes(), StandardCharsets.UTF_8);
        }
        throw new ApiException(
            response.statusCode(), "change feed refused", response.headers(), problem);
      }
      body = response.body();
      lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ApiException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(e);
    }
  }

  private void closeBody() {
    if (body != null) {
      try {
        body.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }

  /** Stops the stream; a {@link #next()} blocked in another thread returns null. */
  @Override
  public void close() {
    closed = true;
    closeBody();
  }
}
