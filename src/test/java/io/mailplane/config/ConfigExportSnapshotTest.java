package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/config is one snapshot: a change committed while an export runs shows neither in its
 * objects nor in its revision. The export is stopped half-way by a table lock on dkim_key (read
 * after the revision, before the mailboxes); a mailbox is created through the API meanwhile, then
 * the lock goes. On PostgreSQL the export asks for REPEATABLE READ; without it, READ COMMITTED's
 * fresh snapshot per statement shows the new mailbox under the older revision. On MariaDB, InnoDB's
 * consistent read gives the same by default; the test runs on either engine (-Dmailplane.db).
 */
@QuarkusTest
class ConfigExportSnapshotTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void aMailboxCreatedDuringAnExportIsNeitherInItNorInItsRevision() throws Exception {
    String domain = TestApi.createDomain();
    String address = "during-export@" + domain;
    long before = revision(admin().get("/api/v1/config"));

    CompletableFuture<Response> export;
    try (TableLock lock = new TableLock(dataSource, "dkim_key")) {
      export = CompletableFuture.supplyAsync(() -> admin().get("/api/v1/config"));
      awaitWaitingOnTheLock(export, lock.postgresql);
      // A real write through the API: audit event, revision, outbox, as any client's.
      TestApi.createMailbox(address, "Export-Snapshot-Password-1");
    }
    Response exported = export.get(120, TimeUnit.SECONDS);
    exported.then().statusCode(200);
    long after = revision(admin().get("/api/v1/config"));

    assertTrue(after > before, "the mailbox did not advance the revision");
    assertEquals(before, revision(exported), "the export's revision moved while it ran");
    assertFalse(
        exported.asString().contains(address),
        "the export shows a mailbox created after the revision it reports");
    assertTrue(admin().get("/api/v1/config").asString().contains(address));
  }

  private static long revision(Response response) {
    return Long.parseLong(
        response.then().statusCode(200).extract().header("ETag").replace("\"", ""));
  }

  /** Until a session waits for the lock in a read of dkim_key: the export, past its revision. */
  private void awaitWaitingOnTheLock(CompletableFuture<Response> export, boolean postgresql)
      throws Exception {
    String waiting =
        postgresql
            ? "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.relation = 'dkim_key'::regclass AND NOT l.granted"
                + " AND a.query ILIKE '%dkim_key%'"
            : "SELECT COUNT(*) FROM information_schema.processlist"
                + " WHERE state LIKE 'Waiting for table%' AND info LIKE '%dkim_key%'";
    try (Connection observer = dataSource.getConnection();
        Statement statement = observer.createStatement()) {
      while (true) {
        assertFalse(export.isDone(), "the export finished without reading dkim_key");
        try (ResultSet rows = statement.executeQuery(waiting)) {
          rows.next();
          if (rows.getLong(1) > 0) {
            return;
          }
        }
        Thread.sleep(50);
      }
    }
  }
}
