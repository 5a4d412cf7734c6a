package io.mailplane.events;

import io.mailplane.contract.ResponseContract;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A minimal Server-Sent Events reader for tests: id, event name and data of each event. */
final class SseClient implements AutoCloseable {
  record Event(String id, String name, String data) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  final java.util.concurrent.atomic.AtomicInteger comments =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Lines that are neither id, event, data nor a comment (none expected). */
  final List<String> otherLines = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final InputStream body;
  private final Thread reader;
  private final String path;
  final int status;

  SseClient(URI uri, String token, String lastEventId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> response =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build()
            .send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    ResponseContract.checkWithoutBody(response.request(), response);
    status = response.statusCode();
    body = response.body();
    path = uri.getPath();
    reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      StringBuilder data = new StringBuilder();
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            events.add(new Event(id, name, data.toString()));
          }
          id = null;
          name = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        } else if (line.startsWith(":")) {
          comments.incrementAndGet();
        } else {
          otherLines.add(line);
        }
      }
    } catch (Exception e) {
      // closed by the test
    }
  }

  /** Waits until count events arrived (or the timeout passed) and returns those that did. */
  List<Event> take(int count, Duration timeout) throws InterruptedException {
    List<Event> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (out.size() < count) {
      long left = deadline - System.nanoTime();
      Event event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
      if (event == null) {
        break;
      }
      // Checked here, on the test's thread, so that a violation fails the test.
      ResponseContract.checkEvent(path, event.data());
      out.add(event);
    }
    return out;
  }

  /** Whatever else arrives within the duration. */
  List<Event> drain(Duration quiet) throws InterruptedException {
    return take(Integer.MAX_VALUE, quiet);
  }

  @Override
  public void close() throws Exception {
    body.close();
    reader.interrupt();
  }
}
