package io.mailplane.config;

import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.mailplane.TestApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/config streams in one transaction that ends with the stream, however it ends: a
 * client that goes away mid-document leaves no transaction open and no connection out of the pool
 * (tried more often than the pool has connections), and a failure after the first byte cuts the
 * response, so that a client never takes a partial document for a whole one.
 */
@QuarkusTest
class ConfigExportStreamTest {
  private static final String HASH = ConfigResourceTest.HASH;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject AgroalDataSource dataSource;

  @ConfigProperty(name = "quarkus.datasource.jdbc.max-size")
  int poolSize;

  @Inject ConfigApiConfig config;

  @TestHTTPResource("/")
  URL base;

  @Test
  void clientsGoingAwayMidStreamLeaveNoTransactionAndNoConnectionBehind() throws Exception {
    String domain = TestApi.createDomain();
    // Some MB of document, more than the socket buffers hold, so the server is still writing (or
    // waits for the client) when the client goes.
    int mailboxes = 20_000;
    insertMailboxes(domain, mailboxes);
    try {
      goAwayMidStream(domain, mailboxes);
    } finally {
      deleteMailboxes(domain);
    }
  }

  private void goAwayMidStream(String domain, int mailboxes) throws Exception {
    String token = token("domain:" + domain);
    byte[] request = request(token, "application/json");
    dataSource.getConfiguration().setMetricsEnabled(true);
    long busyBefore = dataSource.getMetrics().activeCount();

    for (int i = 0; i < poolSize + 8; i++) {
      try (Socket socket = new Socket()) {
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] head = in.readNBytes(16_384);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 200"), text.lines().findFirst().orElse(""));
        if (i % 2 == 1) {
          // Stalled, so that the server waits for the client to read, then gone.
          Thread.sleep(300);
        }
      }
    }

    // The pool is whole: a complete export in the same scope still works.
    JsonNode doc =
        JSON.readTree(as(token).get("/api/v1/config").then().statusCode(200).extract().asString());
    assertEquals(mailboxes, doc.get("mailboxes").size());
    assertNoTransactionLeftOpen(busyBefore);
  }

  @Test
  void aFailureAfterTheFirstByteCutsTheResponse() throws Exception {
    String domain = TestApi.createDomain();
    // More than the first buffers hold, so the headers and a part of the body are sent before the
    // export reaches the aliases.
    insertMailboxes(domain, 3 * config.exportPageSize() + 3_000);
    try {
      cutMidStream(domain);
    } finally {
      deleteMailboxes(domain);
    }
  }

  private void cutMidStream(String domain) throws Exception {
    TestApi.createAlias("list@" + domain, List.of("m0@" + domain));
    String token = token("domain:" + domain);

    HttpClient client = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<byte[]>> export;
    try (TableLock lock = new TableLock(dataSource, "alias")) {
      export =
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "api/v1/config"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      // The export waits for the alias table, its mailboxes sent: the database breaks off.
      killTheSessionWaitingFor("alias", lock.postgresql);
    }
    ExecutionException cut =
        assertThrows(ExecutionException.class, () -> export.get(60, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, cut.getCause(), cut.toString());

    JsonNode doc =
        JSON.readTree(as(token).get("/api/v1/config").then().statusCode(200).extract().asString());
    assertEquals(1, doc.get("aliases").size());
  }

  @Test
  void aFailureBeforeTheFirstByteIsAProblem() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<String>> export;
    // The admin's revision, the export's first read.
    try (TableLock lock = new TableLock(dataSource, "config_revision")) {
      export =
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "api/v1/config"))
                  .header("Authorization", "Bearer " + TestApi.ADMIN_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      killTheSessionWaitingFor("config_revision", lock.postgresql);
    }
    HttpResponse<String> response = export.get(60, TimeUnit.SECONDS);
    assertTrue(response.statusCode() >= 500, response.statusCode() + " " + response.body());
    assertEquals(
        "application/problem+json",
        response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    assertEquals(response.statusCode(), JSON.readTree(response.body()).get("status").asInt());
  }

  private byte[] request(String token, String accept) {
    return ("GET /api/v1/config HTTP/1.1\r\nHost: "
            + base.getHost()
            + ":"
            + base.getPort()
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\nAccept: "
            + accept
            + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Rows straight into the table: thousands through the API would take minutes. */
  private void insertMailboxes(String domain, int count) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long domainId;
      try (PreparedStatement q = c.prepareStatement("SELECT id FROM domain WHERE name = ?")) {
        q.setString(1, domain);
        try (ResultSet rows = q.executeQuery()) {
          rows.next();
          domainId = rows.getLong(1);
        }
      }
      Timestamp now = Timestamp.from(Instant.now());
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO mailbox (domain_id, local_part, address, display_name, password_hash,"
                  + " quota_mb, enabled, send_only, version, created_at, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?, 0, ?, ?, 0, ?, ?)")) {
        for (int i = 0; i < count; i++) {
          String local = "m" + i;
          insert.setLong(1, domainId);
          insert.setString(2, local);
          insert.setString(3, local + "@" + domain);
          insert.setString(4, "Mailbox number " + i + " of the streaming test");
          insert.setString(5, HASH);
          insert.setBoolean(6, true);
          insert.setBoolean(7, false);
          insert.setTimestamp(8, now);
          insert.setTimestamp(9, now);
          insert.addBatch();
          if (i % 1000 == 999) {
            insert.executeBatch();
          }
        }
        insert.executeBatch();
      }
    }
  }

  /** The inserted rows go as they came, so that the admin's whole export stays small for others. */
  private void deleteMailboxes(String domain) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement delete =
            c.prepareStatement(
                "DELETE FROM mailbox WHERE domain_id = (SELECT id FROM domain WHERE name = ?)"
                    + " AND display_name LIKE 'Mailbox number %'")) {
      delete.setString(1, domain);
      delete.executeUpdate();
    }
  }

  /**
   * Every transaction holds its connection: once the pool has no more connections out than before
   * the exports (background jobs borrow some now and then), none was left open. On PostgreSQL, also
   * no session of this database sits idle inside a transaction. The server notices a client that
   * went away on its next write: allow it a few seconds.
   */
  private void assertNoTransactionLeftOpen(long busyBefore) throws Exception {
    long busy = Long.MAX_VALUE;
    for (int i = 0; i < 100 && busy > busyBefore; i++) {
      busy = dataSource.getMetrics().activeCount();
      if (busy > busyBefore) {
        Thread.sleep(100);
      }
    }
    assertTrue(
        busy <= busyBefore, busy + " connections out of the pool, " + busyBefore + " before");
    try (Connection c = dataSource.getConnection();
        Statement statement = c.createStatement()) {
      if (!TableLock.postgresql(c)) {
        return;
      }
      long open = -1;
      for (int i = 0; i < 100 && open != 0; i++) {
        try (ResultSet rows =
            statement.executeQuery(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")) {
          rows.next();
          open = rows.getLong(1);
        }
        if (open != 0) {
          Thread.sleep(100);
        }
      }
      assertEquals(0, open, "sessions idle in a transaction");
    }
  }

  private void killTheSessionWaitingFor(String table, boolean postgresql) throws Exception {
    String waiting =
        postgresql
            ? "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.relation = '"
                + table
                + "'::regclass AND NOT l.granted"
            : "SELECT id FROM information_schema.processlist"
                + " WHERE state LIKE 'Waiting for table%' AND info LIKE '%"
                + table
                + "%'";
    try (Connection observer = dataSource.getConnection();
        Statement statement = observer.createStatement()) {
      for (int i = 0; i < 1200; i++) {
        try (ResultSet rows = statement.executeQuery(waiting)) {
          if (rows.next()) {
            long session = rows.getLong(1);
            statement.execute(
                postgresql
                    ? "SELECT pg_terminate_backend(" + session + ")"
                    : "KILL CONNECTION " + session);
            return;
          }
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the export never waited for " + table);
  }
}
