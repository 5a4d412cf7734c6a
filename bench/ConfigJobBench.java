// A million-mailbox document applied as a job (config:apply with Prefer: respond-async), and the
// same size with its last-but-one entry invalid, against raw multi-row INSERTs of the same rows in
// the same run (bench/config-job.sh, docs/benchmarks.md "Config jobs: a million-mailbox
// document"). Heap from the app's -Xlog:gc file: the largest heap after a collection while each
// document was handled.
import java.io.BufferedWriter;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ConfigJobBench {
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([a-z]+)\"");
  static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  static String url;
  static String token;
  static Path gcLog;

  public static void main(String[] args) throws Exception {
    url = args[0];
    token = args[1];
    String dbUrl = args[2];
    gcLog = Path.of(args[3]);
    int count = Integer.parseInt(args[4]);
    int badCount = Integer.parseInt(args[5]);
    Path dir = Path.of(args[6]);
    StringBuilder md = new StringBuilder();
    md.append("| run | entries | body | result | to 202 | validating | applying | total | rows/s | heap after GC, max (before the run) | load |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");

    String bad = "jobbad-" + System.currentTimeMillis() + ".example";
    createDomain(bad);
    Path badDoc = dir.resolve("bad.json");
    write(badDoc, bad, badCount, badCount - 2);
    run(md, "[" + (badCount - 2) + "] invalid (quotaMb -1)", badDoc, badCount);
    Files.delete(badDoc);

    String good = "jobgood-" + System.currentTimeMillis() + ".example";
    createDomain(good);
    Path goodDoc = dir.resolve("good.json");
    write(goodDoc, good, count, -1);
    double seconds = run(md, "new mailboxes (prune=false)", goodDoc, count);
    Files.delete(goodDoc);

    String raw = "jobraw-" + System.currentTimeMillis() + ".example";
    createDomain(raw);
    double[] rawSeconds = rawInsert(dbUrl, raw, count);
    double bare = rawSeconds[0];
    double audited = rawSeconds[0] + rawSeconds[1];
    md.append("\nRaw SQL, same run: ")
        .append(String.format(Locale.ROOT, "%,d", count))
        .append(" of the same mailbox rows as multi-row INSERTs of 2,000 (one connection,")
        .append(" autocommit): ")
        .append(String.format(Locale.ROOT, "%.1f s = %,.0f rows/s", bare, count / bare))
        .append("; the job reached ")
        .append(String.format(Locale.ROOT, "%.3f×", bare / seconds))
        .append(" of it. With the audit rows the API writes besides (one numbered create event")
        .append(" per mailbox with its after-state JSON, the same way): ")
        .append(String.format(Locale.ROOT, "%.1f s more = %,.0f rows/s", rawSeconds[1],
            count / audited))
        .append("; the job reached ")
        .append(String.format(Locale.ROOT, "%.3f×", audited / seconds))
        .append(" of that.\n");
    System.out.print(md);
  }

  static void createDomain(String name) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            request("/api/v1/domains")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("domain " + name + ": " + r.statusCode() + " " + r.body());
    }
  }

  /** As bench/ConfigApplyBench.java's documents: pre-hashed, a display name and a quota. */
  static void write(Path file, String domain, int count, int invalid) throws Exception {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("{\"mailboxes\":[\n");
      for (int i = 0; i < count; i++) {
        out.write(i == 0 ? "" : ",\n");
        out.write("{\"address\":\"n" + i + "@" + domain + "\",\"passwordHash\":\"" + Seed.HASH
            + "\",\"displayName\":\"New " + i + "\",\"quotaMb\":" + (i == invalid ? -1 : 1024)
            + ",\"enabled\":true}");
      }
      out.write("\n]}\n");
    }
  }

  static double run(StringBuilder md, String what, Path doc, int count) throws Exception {
    String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    long gcFrom = Files.readAllLines(gcLog).size();
    int before = maxAfterGc(0, gcFrom);
    long t0 = System.nanoTime();
    HttpResponse<String> accepted =
        HTTP.send(
            request("/api/v1/config:apply?prune=false")
                .timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/json")
                .header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.ofFile(doc))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    double toAccepted = (System.nanoTime() - t0) / 1e9;
    if (accepted.statusCode() != 202) {
      throw new IllegalStateException(accepted.statusCode() + " " + accepted.body());
    }
    String location = accepted.headers().firstValue("Location").orElseThrow();
    double validatingFrom = toAccepted;
    double applyingFrom = Double.NaN;
    String body;
    String state = "queued";
    while (true) {
      body =
          HTTP.send(request(URI.create(location).getPath()).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = STATE.matcher(body);
      m.find();
      String now = m.group(1);
      double at = (System.nanoTime() - t0) / 1e9;
      if (!now.equals(state)) {
        System.err.printf(Locale.ROOT, "%8.1f s %s%n", at, now);
        if (now.equals("applying")) {
          applyingFrom = at;
        }
        state = now;
      }
      if (state.equals("succeeded") || state.equals("failed")) {
        break;
      }
      Thread.sleep(state.equals("applying") ? 2000 : 250);
    }
    double total = (System.nanoTime() - t0) / 1e9;
    long gcTo = Files.readAllLines(gcLog).size();
    int during = maxAfterGc(gcFrom, gcTo);
    String result =
        state.equals("failed")
            ? "failed: " + excerpt(body.replaceAll("(?s).*\"detail\"\\s*:\\s*\"([^\"]*)\".*", "$1"))
            : "succeeded";
    double validating = (Double.isNaN(applyingFrom) ? total : applyingFrom) - validatingFrom;
    double applying = Double.isNaN(applyingFrom) ? 0 : total - applyingFrom;
    md.append(String.format(Locale.ROOT,
        "| %s | %,d | %.0f MB | %s | %.1f s | ≤ %.1f s | %s | %.1f s | %s | %d MB (%d MB) | %s |%n",
        what, count, Files.size(doc) / 1e6, result, toAccepted, validating,
        Double.isNaN(applyingFrom) ? "—" : String.format(Locale.ROOT, "%.1f s", applying), total,
        state.equals("succeeded") ? String.format(Locale.ROOT, "%,.0f", count / total) : "—",
        during, before, load));
    return total;
  }

  static String excerpt(String s) {
    return s.length() > 90 ? s.substring(0, 90) + "…" : s;
  }

  /** The largest heap after a collection among the GC lines [from, to) of the log. */
  static int maxAfterGc(long from, long to) throws Exception {
    List<String> lines = Files.readAllLines(gcLog);
    int max = 0;
    for (int i = (int) from; i < Math.min(to, lines.size()); i++) {
      // Collections only: a concurrent cycle's Remark/Cleanup lines show the heap, not what is live.
      Matcher m = GC.matcher(lines.get(i));
      if (lines.get(i).matches(".*Pause (Young|Full).*") && m.find()) {
        max = Math.max(max, Integer.parseInt(m.group(2)));
      }
    }
    return max;
  }

  /** Seconds for the mailbox rows, then for one audit row each as the API writes them. */
  static double[] rawInsert(String dbUrl, String domain, int count) throws Exception {
    try (Connection c = DriverManager.getConnection(dbUrl, "mailplane", "mailplane");
        Statement s = c.createStatement()) {
      long domainId;
      try (ResultSet r = s.executeQuery("SELECT id FROM domain WHERE name = '" + domain + "'")) {
        r.next();
        domainId = r.getLong(1);
      }
      long t0 = System.nanoTime();
      Seed.Rows rows = new Seed.Rows(s, "INSERT INTO mailbox (domain_id, local_part, address, "
          + "display_name, password_hash, quota_mb, enabled, send_only, version, created_at, "
          + "updated_at) VALUES ");
      for (int i = 0; i < count; i++) {
        rows.add("(" + domainId + ",'n" + i + "','n" + i + "@" + domain + "','New " + i + "','"
            + Seed.HASH + "',1024,TRUE,FALSE,0," + Seed.NOW + "," + Seed.NOW + ")");
      }
      rows.flush();
      long t1 = System.nanoTime();
      // The revisions are taken from the counter as the app takes them, so the app's next event
      // does not collide with these.
      s.executeUpdate("UPDATE config_revision SET revision = revision + " + count + " WHERE id = 1");
      long revision;
      try (ResultSet r = s.executeQuery("SELECT revision FROM config_revision WHERE id = 1")) {
        r.next();
        revision = r.getLong(1) - count;
      }
      Seed.Rows audit = new Seed.Rows(s, Seed.AUDIT_INSERT);
      for (int i = 0; i < count; i++) {
        String address = "n" + i + "@" + domain;
        audit.add(Seed.auditRow("mailbox", address, Seed.mailboxAfterJson(address, "New " + i),
            revision + 1 + i));
      }
      audit.flush();
      long t2 = System.nanoTime();
      return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9};
    }
  }

  static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token);
  }
}
