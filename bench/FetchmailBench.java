import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetchmail scheduling benchmark. Serves a minimal IMAP server (an empty INBOX for every
 * login, so each run is a real fetchmail process ending in no_mail), creates N accounts through the
 * API, all due within the first interval (interval = jitter = 60 s), watches them for the given
 * number of intervals, then reads the runs from the database:
 *
 * <ul>
 *   <li>dispatch: how late each due run started (run start − due time; due times from the
 *       accounts' nextRunAt and the interval), and when the last first-round run started;
 *   <li>concurrency: the most IMAP sessions open at once at the server (bounded by instances ×
 *       mailplane.fetchmail.max-concurrent-runs), and per-account overlap (sessions of one login
 *       at once, and overlapping run rows);
 *   <li>exactly once: runs per account and due slot;
 *   <li>spread over the instances.
 * </ul>
 */
public class FetchmailBench {
  static final AtomicInteger open = new AtomicInteger();
  static final AtomicInteger maxOpen = new AtomicInteger();
  static final AtomicInteger sessions = new AtomicInteger();
  static final AtomicInteger overlaps = new AtomicInteger();
  static final Map<String, AtomicInteger> perLogin = new ConcurrentHashMap<>();
  static volatile int sessionDelayMs;

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    String base = a.get("--base");
    String token = a.get("--token");
    String jdbc = a.get("--jdbc");
    int accounts = Integer.parseInt(a.getOrDefault("--accounts", "1000"));
    int interval = Integer.parseInt(a.getOrDefault("--interval", "60"));
    int rounds = Integer.parseInt(a.getOrDefault("--rounds", "2"));
    int bound = Integer.parseInt(a.getOrDefault("--bound", "8"));
    sessionDelayMs = Integer.parseInt(a.getOrDefault("--session-delay-ms", "0"));

    ServerSocket server = new ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (true) {
                try {
                  Socket s = server.accept();
                  Thread t = new Thread(() -> serve(s));
                  t.setDaemon(true);
                  t.start();
                } catch (Exception e) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();

    HttpClient http = HttpClient.newHttpClient();
    String domain = "fmbench" + System.currentTimeMillis() + ".example";
    call(http, base, token, "POST", "/api/v1/domains", "{\"name\":\"" + domain + "\"}", 201);
    call(
        http,
        base,
        token,
        "POST",
        "/api/v1/mailboxes",
        "{\"address\":\"sink@" + domain + "\",\"password\":\"Bench-Password-123\"}",
        201);
    Map<Long, Instant> due = new HashMap<>();
    Instant createStart = Instant.now();
    for (int i = 0; i < accounts; i++) {
      String body =
          "{\"mailbox\":\"sink@"
              + domain
              + "\",\"host\":\"127.0.0.1\",\"port\":"
              + server.getLocalPort()
              + ",\"protocol\":\"imap\",\"tls\":\"none\",\"username\":\"acct-"
              + i
              + "\",\"password\":\"pw-"
              + i
              + "\",\"keep\":true,\"intervalSeconds\":"
              + interval
              + "}";
      String r = call(http, base, token, "POST", "/api/v1/fetchmail-accounts", body, 201);
      long id = Long.parseLong(field(r, "\"id\"\\s*:\\s*(\\d+)"));
      due.put(id, Instant.parse(field(r, "\"nextRunAt\"\\s*:\\s*\"([^\"]+)\"")));
    }
    Instant created = Instant.now();
    Instant firstDue = due.values().stream().min(Instant::compareTo).get();
    Instant lastDue = due.values().stream().max(Instant::compareTo).get();
    Instant until = lastDue.plusSeconds((long) interval * (rounds - 1)).plusSeconds(interval / 2);
    while (Instant.now().isBefore(until)) {
      Thread.sleep(1000);
    }
    // Stop the schedules: disable through the API (the triggers go at once), then wait for runs.
    Instant end = Instant.now();
    for (Long id : due.keySet()) {
      call(
          http,
          base,
          token,
          "PATCH",
          "/api/v1/fetchmail-accounts/" + id,
          "{\"enabled\":false}",
          200);
    }
    Thread.sleep(5000);

    List<Long> lateness = new ArrayList<>();
    Map<String, Integer> perInstance = new HashMap<>();
    int runs = 0, duplicates = 0, missed = 0, rowOverlaps = 0, notNoMail = 0;
    Instant lastFirstRound = Instant.EPOCH;
    Map<String, Integer> outcomes = new HashMap<>();
    try (Connection c = DriverManager.getConnection(jdbc, "mailplane", "mailplane")) {
      for (Map.Entry<Long, Instant> account : due.entrySet()) {
        var st =
            c.prepareStatement(
                "SELECT started_at, finished_at, instance, outcome FROM fetchmail_run"
                    + " WHERE account_id = ? AND trigger_kind = 'schedule' ORDER BY started_at");
        st.setLong(1, account.getKey());
        ResultSet rs = st.executeQuery();
        java.util.Set<Long> slots = new java.util.HashSet<>();
        Instant previousEnd = Instant.EPOCH;
        while (rs.next()) {
          runs++;
          Instant started = rs.getTimestamp(1).toInstant();
          Timestamp fin = rs.getTimestamp(2);
          Instant finished = fin == null ? started : fin.toInstant();
          perInstance.merge(rs.getString(3), 1, Integer::sum);
          outcomes.merge(String.valueOf(rs.getString(4)), 1, Integer::sum);
          if (started.isBefore(previousEnd)) rowOverlaps++;
          previousEnd = finished;
          long ms = Duration.between(account.getValue(), started).toMillis();
          long slot = Math.max(0, Math.round((double) ms / (interval * 1000L)));
          if (!slots.add(slot)) duplicates++;
          lateness.add(ms - slot * interval * 1000L);
          if (slot == 0 && started.isAfter(lastFirstRound)) lastFirstRound = started;
        }
        long expected =
            Duration.between(account.getValue(), end.minusSeconds(2)).toMillis() / (interval * 1000L) + 1;
        for (long s = 0; s < expected; s++) if (!slots.contains(s)) missed++;
      }
    }
    lateness.sort(Long::compare);
    System.out.println();
    System.out.printf("| accounts | interval | rounds watched | runs | duplicates | missed | overlapping runs (rows / server sessions) | max sessions at once (bound %d) |%n", bound);
    System.out.println("|---|---|---|---|---|---|---|---|");
    System.out.printf(
        "| %d | %d s | %d | %d | %d | %d | %d / %d | %d |%n",
        accounts, interval, rounds, runs, duplicates, missed, rowOverlaps, overlaps.get(), maxOpen.get());
    System.out.println();
    System.out.printf(
        "- creating %d accounts through the API took %.1f s; first due %s s after the last create, last due %.1f s after it%n",
        accounts,
        Duration.between(createStart, created).toMillis() / 1000.0,
        String.format("%.1f", Duration.between(created, firstDue).toMillis() / 1000.0),
        Duration.between(created, lastDue).toMillis() / 1000.0);
    System.out.printf(
        "- dispatch lateness (run start − due time): p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
        pct(lateness, 50), pct(lateness, 90), pct(lateness, 99), lateness.isEmpty() ? 0 : lateness.get(lateness.size() - 1));
    System.out.printf(
        "- the last first-round run started %.1f s after the last account became due (interval %d s)%n",
        Duration.between(lastDue, lastFirstRound).toMillis() / 1000.0, interval);
    System.out.println("- runs per instance: " + perInstance);
    System.out.println("- outcomes: " + outcomes + "; IMAP sessions served: " + sessions.get());
  }

  static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) return 0;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  static String field(String json, String regex) {
    Matcher m = Pattern.compile(regex).matcher(json);
    if (!m.find()) throw new IllegalStateException(regex + " not in " + json);
    return m.group(1);
  }

  static String call(HttpClient http, String base, String token, String method, String path, String body, int status)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != status) {
      throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** Just enough IMAP for fetchmail: any login succeeds, INBOX is empty. */
  static void serve(Socket socket) {
    int now = open.incrementAndGet();
    maxOpen.accumulateAndGet(now, Math::max);
    sessions.incrementAndGet();
    String login = null;
    try (socket) {
      socket.setSoTimeout(60_000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      write(out, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready");
      String line;
      while ((line = in.readLine()) != null) {
        String[] parts = line.split(" ", 3);
        String tag = parts[0];
        String cmd = parts.length > 1 ? parts[1].toUpperCase() : "";
        switch (cmd) {
          case "CAPABILITY" -> write(out, "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + " OK done");
          case "LOGIN" -> {
            login = parts[2].split(" ")[0].replace("\"", "");
            if (perLogin.computeIfAbsent(login, k -> new AtomicInteger()).incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            write(out, tag + " OK logged in");
          }
          case "SELECT", "EXAMINE" -> {
            if (sessionDelayMs > 0) Thread.sleep(sessionDelayMs);
            write(out, "* 0 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] ok\r\n" + tag + " OK [READ-WRITE] done");
          }
          case "SEARCH", "UID" -> write(out, "* SEARCH\r\n" + tag + " OK done");
          case "LOGOUT" -> {
            write(out, "* BYE bye\r\n" + tag + " OK done");
            return;
          }
          default -> write(out, tag + " OK done");
        }
      }
    } catch (Exception e) {
      // fetchmail went away
    } finally {
      if (login != null) perLogin.get(login).decrementAndGet();
      open.decrementAndGet();
    }
  }

  static void write(OutputStream out, String text) throws Exception {
    out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
