package io.mailplane.api;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.TestApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A client that hangs up in the middle of its request body is no server error. */
@QuarkusTest
class ClientDisconnectTest {
  @TestHTTPResource URL base;

  @Test
  void aBodyCutShortByTheClientLogsNoErrorAndCountsNo500() throws Exception {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try {
      String domain = TestApi.createDomain();
      double before = serverErrors();
      String body = "{\"address\":\"cut@" + domain + "\",\"passw";
      for (String path : List.of("/api/v1/mailboxes", "/api/v1/domains")) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
          OutputStream out = socket.getOutputStream();
          out.write(
              ("POST "
                      + path
                      + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                      + TestApi.ADMIN_TOKEN
                      + "\r\nContent-Type: application/json\r\nIdempotency-Key: cut-"
                      + System.nanoTime()
                      + "\r\nContent-Length: 1000\r\n\r\n"
                      + body)
                  .getBytes(StandardCharsets.UTF_8));
          out.flush();
          Thread.sleep(300);
        }
      }
      Thread.sleep(1500);
      List<String> errors =
          records.stream()
              .filter(record -> record.getLevel().intValue() >= Level.SEVERE.intValue())
              .map(record -> record.getLoggerName() + ": " + record.getMessage())
              .toList();
      assertTrue(errors.isEmpty(), "logged as errors: " + errors);
      assertTrue(serverErrors() == before, "a 5xx was counted for the hang-up");
    } finally {
      root.removeHandler(capture);
    }
  }

  /** The count of 5xx answers in the HTTP server metrics. */
  private static double serverErrors() {
    String metrics = admin().get("/q/metrics").then().statusCode(200).extract().asString();
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("http_server_requests_seconds_count")
          && line.contains("outcome=\"SERVER_ERROR\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
