package io.mailplane.mailflow;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.mailflow.MailClient.arrives;
import static io.mailplane.mailflow.MailClient.send;
import static io.mailplane.mailflow.MailClient.subject;
import static io.mailplane.mailflow.MailClient.subjects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.mailplane.fetchmail.FetchmailApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real fetchmail against the test Dovecot (the "remote" server: a mailbox of another test
 * domain) delivering through the real Postfix into a local mailbox (deploy/local/mail-services.sh).
 * Certificate checks use the test Dovecot's self-signed certificate as the trusted CA
 * (%test.mailplane.fetchmail.ca-file).
 */
@NeedsDaemons
@QuarkusTest
class FetchmailFlowTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";
  static final String REMOTE_PASSWORD = "Remote-\"Pass' \\word-7";

  private final List<Long> created = new ArrayList<>();

  @AfterEach
  void deleteAccounts() {
    for (Long id : created) {
      admin().delete("/api/v1/fetchmail-accounts/" + id);
    }
  }

  /** A remote mailbox holding messages, and an empty local mailbox. */
  record World(String remote, String local) {}

  static World world() {
    String d = createDomain();
    String remote = "remote@" + d;
    String local = "local@" + d;
    createMailbox(remote, REMOTE_PASSWORD);
    createMailbox(local, PASSWORD);
    return new World(remote, local);
  }

  long account(Map<String, Object> body) {
    long id = FetchmailApi.create(body);
    created.add(id);
    return id;
  }

  static Map<String, Object> body(World w, String protocol, int port, String tls, boolean keep) {
    Map<String, Object> body = new HashMap<>();
    body.put("mailbox", w.local());
    body.put("host", "localhost");
    body.put("port", port);
    body.put("protocol", protocol);
    body.put("username", w.remote());
    body.put("password", REMOTE_PASSWORD);
    body.put("tls", tls);
    body.put("keep", keep);
    // Scheduled runs stay out of the way: these tests start every run themselves.
    body.put("enabled", false);
    return body;
  }

  static JsonPath runNow(long id) {
    return admin()
        .post("/api/v1/fetchmail-accounts/" + id + "/runs")
        .then()
        .statusCode(202)
        .extract()
        .jsonPath();
  }

  static JsonPath await(long id, long runId, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonPath run =
          admin()
              .get("/api/v1/fetchmail-accounts/" + id + "/runs/" + runId)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      if ("finished".equals(run.getString("status"))) {
        return run;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("run " + runId + " did not finish in " + timeout);
  }

  static JsonPath firstFinishedRun(long id) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      JsonPath runs =
          admin().get("/api/v1/fetchmail-accounts/" + id + "/runs").then().extract().jsonPath();
      List<Map<String, Object>> items = runs.getList("items");
      if (!items.isEmpty() && "finished".equals(items.get(items.size() - 1).get("status"))) {
        return new JsonPath(runs.prettify()).setRootPath("items[" + (items.size() - 1) + "]");
      }
      Thread.sleep(200);
    }
    throw new AssertionError("account " + id + " had no scheduled run");
  }

  static JsonPath run(long id) throws InterruptedException {
    return await(id, runNow(id).getLong("id"), Duration.ofSeconds(60));
  }

  @Test
  void imapWithStarttlsAndCertificateCheckFetchesAndRemoves() throws Exception {
    World w = world();
    String s1 = subject();
    String s2 = subject();
    send("someone@peer.example", w.remote(), s1);
    send("someone@peer.example", w.remote(), s2);
    assertTrue(arrives(w.remote(), REMOTE_PASSWORD, s2));
    assertTrue(arrives(w.remote(), REMOTE_PASSWORD, s1));
    Map<String, Object> body = body(w, "imap", MailClient.IMAP, "starttls", false);
    body.put("verifyCertificate", true);
    long id = account(body);

    JsonPath run = run(id);
    assertEquals("fetched", run.getString("outcome"), run.getString("log"));
    assertEquals(0, run.getInt("exitCode"));
    assertEquals(2, run.getInt("messages"));
    assertTrue(arrives(w.local(), PASSWORD, s1));
    assertTrue(arrives(w.local(), PASSWORD, s2));
    // keep false: gone from the remote.
    assertTrue(subjects("imap", w.remote(), REMOTE_PASSWORD).isEmpty());

    JsonPath again = run(id);
    assertEquals("no_mail", again.getString("outcome"), again.getString("log"));
    assertEquals(1, again.getInt("exitCode"));

    JsonPath account = admin().get("/api/v1/fetchmail-accounts/" + id).then().extract().jsonPath();
    assertEquals(again.getLong("id"), account.getLong("lastRun.id"));
    assertEquals(0, account.getInt("consecutiveFailures"));
    List<Map<String, Object>> runs =
        admin().get("/api/v1/fetchmail-accounts/" + id + "/runs").then().extract().path("items");
    assertEquals(2, runs.size());
    assertEquals(again.getLong("id"), ((Number) runs.get(0).get("id")).longValue());
  }

  @Test
  void pop3WithKeepLeavesMailAndNeverFetchesItTwice() throws Exception {
    World w = world();
    String s1 = subject();
    send("someone@peer.example", w.remote(), s1);
    assertTrue(arrives(w.remote(), REMOTE_PASSWORD, s1));
    Map<String, Object> body = body(w, "pop3", MailClient.POP3, "starttls", true);
    long id = account(body);

    JsonPath first = run(id);
    assertEquals("fetched", first.getString("outcome"), first.getString("log"));
    assertEquals(1, first.getInt("messages"));
    assertTrue(arrives(w.local(), PASSWORD, s1));
    assertTrue(subjects("pop3", w.remote(), REMOTE_PASSWORD).contains(s1), "kept on the remote");

    JsonPath second = run(id);
    assertEquals("no_mail", second.getString("outcome"), second.getString("log"));

    String s2 = subject();
    send("someone@peer.example", w.remote(), s2);
    assertTrue(arrives(w.remote(), REMOTE_PASSWORD, s2));
    JsonPath third = run(id);
    assertEquals("fetched", third.getString("outcome"), third.getString("log"));
    assertEquals(1, third.getInt("messages"), "only the new message");
    assertTrue(arrives(w.local(), PASSWORD, s2));
    Thread.sleep(1000);
    List<String> local = subjects("imap", w.local(), PASSWORD);
    assertEquals(1, Collections.frequency(local, s1), local.toString());
    assertEquals(1, Collections.frequency(local, s2), local.toString());
    assertEquals(2, subjects("pop3", w.remote(), REMOTE_PASSWORD).size());
  }

  @Test
  void plaintextImapWithKeepAndPop3WithoutKeep() throws Exception {
    World w = world();
    String s1 = subject();
    send("someone@peer.example", w.remote(), s1);
    assertTrue(arrives(w.remote(), REMOTE_PASSWORD, s1));
    long imap = account(body(w, "imap", MailClient.IMAP, "none", true));
    JsonPath first = run(imap);
    assertEquals("fetched", first.getString("outcome"), first.getString("log"));
    assertEquals("no_mail", run(imap).getString("outcome"));
    assertTrue(subjects("imap", w.remote(), REMOTE_PASSWORD).contains(s1), "kept");

    long pop3 = account(body(w, "pop3", MailClient.POP3, "none", false));
    Map<String, Object> patch = Map.of("fetchAll", true);
    admin().body(patch).patch("/api/v1/fetchmail-accounts/" + pop3).then().statusCode(200);
    JsonPath drained = run(pop3);
    assertEquals("fetched", drained.getString("outcome"), drained.getString("log"));
    assertTrue(subjects("pop3", w.remote(), REMOTE_PASSWORD).isEmpty(), "removed");
    assertTrue(arrives(w.local(), PASSWORD, s1));
  }

  @Test
  void wrongPasswordIsAuthFailedWithoutTheSecretAndDisablesTheAccount() throws Exception {
    World w = world();
    Map<String, Object> body = body(w, "imap", MailClient.IMAP, "starttls", false);
    String wrong = "Wrong-Secret-\"xyz\"-4711";
    body.put("password", wrong);
    body.put("enabled", true);
    body.put("intervalSeconds", 3600);
    long id = account(body);

    // Enabled: the schedule's first run comes within the (test) jitter of 1 s.
    JsonPath first = firstFinishedRun(id);
    assertEquals("schedule", first.getString("trigger"));
    assertEquals("auth_failed", first.getString("outcome"), first.getString("log"));
    assertEquals(3, first.getInt("exitCode"));
    assertFalse(first.getString("log").contains(wrong), first.getString("log"));
    assertFalse(first.getString("log").contains("Wrong-Secret"), first.getString("log"));
    JsonPath account = admin().get("/api/v1/fetchmail-accounts/" + id).then().extract().jsonPath();
    assertEquals(1, account.getInt("consecutiveFailures"));
    assertTrue(account.getBoolean("enabled"));
    // Backoff: the next scheduled run moved out by at least the first backoff step.
    Instant next = Instant.parse(account.getString("nextRunAt"));
    assertTrue(next.isAfter(Instant.now().plusSeconds(20)), next.toString());

    JsonPath second = run(id);
    assertEquals("auth_failed", second.getString("outcome"));
    account = admin().get("/api/v1/fetchmail-accounts/" + id).then().extract().jsonPath();
    assertFalse(account.getBoolean("enabled"), "disabled after 2 (test setting)");
    assertTrue(account.getString("disabledReason").contains("authentication"));
    assertEquals(null, account.getString("nextRunAt"));

    String audit = FetchmailApi.auditEvents(id);
    assertTrue(audit.contains("fetchmail-account.disable"), audit);
    assertFalse(audit.contains("Wrong-Secret"), audit);
    String runs =
        admin().get("/api/v1/fetchmail-accounts/" + id + "/runs").then().extract().asString();
    assertFalse(runs.contains("Wrong-Secret"), runs);

    // A new password is a fresh start: enabled again, counters reset.
    admin()
        .body(Map.of("password", REMOTE_PASSWORD, "enabled", true))
        .patch("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(200);
    account = admin().get("/api/v1/fetchmail-accounts/" + id).then().extract().jsonPath();
    assertEquals(null, account.getString("disabledReason"));
    assertNotNull(account.getString("nextRunAt"));
    // Re-enabled, the schedule starts afresh (first run within the 1 s jitter) and logs in.
    long after = second.getLong("id");
    Instant deadline = Instant.now().plusSeconds(60);
    String outcome = null;
    while (outcome == null && Instant.now().isBefore(deadline)) {
      Map<String, Object> latest =
          admin()
              .get("/api/v1/fetchmail-accounts/" + id + "/runs?limit=1")
              .then()
              .extract()
              .path("items[0]");
      if (((Number) latest.get("id")).longValue() > after
          && "finished".equals(latest.get("status"))) {
        outcome = (String) latest.get("outcome");
      }
      Thread.sleep(200);
    }
    assertEquals("no_mail", outcome);
  }

  @Test
  void unreachableHostIsConnectFailed() throws Exception {
    World w = world();
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Map<String, Object> body = body(w, "imap", closed, "starttls", false);
    body.put("host", "127.0.0.1");
    long id = account(body);
    JsonPath run = run(id);
    assertEquals("connect_failed", run.getString("outcome"), run.getString("log"));
    assertEquals(2, run.getInt("exitCode"));
  }

  @Test
  void certificateThatDoesNotMatchIsTlsFailed() throws Exception {
    World w = world();
    // The test certificate names localhost; 127.0.0.2 reaches the same Dovecot (all of 127/8 is
    // loopback) but is not the name the certificate was issued for.
    Map<String, Object> body = body(w, "imap", MailClient.IMAP, "starttls", false);
    body.put("host", "127.0.0.2");
    long id = account(body);
    JsonPath run = run(id);
    assertEquals("tls_failed", run.getString("outcome"), run.getString("log"));
    assertEquals(2, run.getInt("exitCode"));
  }

  @Test
  void hangingServerTimesOutLeavesNoFetchmailAndRunNowIs409Meanwhile() throws Exception {
    World w = world();
    try (ServerSocket server = new ServerSocket(0)) {
      List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(server.accept()); // never says a word
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      Map<String, Object> body = body(w, "imap", server.getLocalPort(), "none", false);
      body.put("host", "127.0.0.1");
      long id = account(body);
      JsonPath started = runNow(id);
      // While it hangs, another run-now is refused.
      Thread.sleep(1000);
      admin()
          .post("/api/v1/fetchmail-accounts/" + id + "/runs")
          .then()
          .statusCode(409)
          .contentType("application/problem+json");
      JsonPath run = await(id, started.getLong("id"), Duration.ofSeconds(60));
      assertEquals("timeout", run.getString("outcome"), run.getString("log"));
      assertEquals(null, run.getString("exitCode"));
      Duration took =
          Duration.between(
              Instant.parse(run.getString("startedAt")),
              Instant.parse(run.getString("finishedAt")));
      assertTrue(took.toSeconds() >= 14 && took.toSeconds() < 40, took.toString());
      assertTrue(fetchmailProcesses().isEmpty(), fetchmailProcesses().toString());
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  /** fetchmail processes started by this application (their rc file is in its work directory). */
  static List<String> fetchmailProcesses() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("fetchmail")).orElse(false))
        .map(p -> p.info().commandLine().orElse(""))
        .filter(c -> c.contains("fetchmail-work"))
        .toList();
  }
}
