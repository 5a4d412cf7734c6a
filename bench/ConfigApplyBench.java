// Declarative config at scale (docs/benchmarks.md "Config plan/apply at scale"): one-object
// plan/apply at each installation size, side by side on one or more running apps (say the jar
// before and after a change) against the same rows; then, at 100k (--bulk-at), 5,000 new
// mailboxes in one apply and a 20,000-entry document (mailplane.config.max-entries) with its
// last-but-one entry invalid. The app named "old" is skipped above --old-max mailboxes. Run by bench/config-apply.sh.
//
//   java ConfigApplyBench --db mailplane_h5_bench --sizes 10x100,100x1000 \
//       --app new=http://127.0.0.1:18581 --app old=http://127.0.0.1:18580 --token T --reps 7

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public class ConfigApplyBench {
  record App(String name, String url) {}

  record Result(int status, double seconds, int bytes, String excerpt) {}

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  static String token;
  static int rep;

  public static void main(String[] args) throws Exception {
    String db = "mailplane_bench";
    List<int[]> sizes = new ArrayList<>();
    List<App> apps = new ArrayList<>();
    int reps = 7;
    int bulk = 5000;
    long oldMax = Long.MAX_VALUE;
    long bulkAt = 100_000;
    String out = "target/bench/config/results.md";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--db" -> db = args[++i];
        case "--sizes" -> {
          for (String s : args[++i].split(",")) {
            String[] dm = s.split("x");
            sizes.add(new int[] {Integer.parseInt(dm[0]), Integer.parseInt(dm[1])});
          }
        }
        case "--app" -> {
          String[] nu = args[++i].split("=", 2);
          apps.add(new App(nu[0], nu[1]));
        }
        case "--token" -> token = args[++i];
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--bulk" -> bulk = Integer.parseInt(args[++i]);
        case "--out" -> out = args[++i];
        case "--old-max" -> oldMax = Long.parseLong(args[++i]);
        case "--bulk-at" -> bulkAt = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    StringBuilder md = new StringBuilder();
    // op -> column (size/app) -> cell
    Map<String, Map<String, String>> table = new LinkedHashMap<>();
    List<String> columns = new ArrayList<>();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:mariadb://127.0.0.1:3306/" + db, "mailplane", "mailplane")) {
      for (int[] size : sizes) {
        long mailboxes = (long) size[0] * size[1];
        String load = load();
        long t0 = System.nanoTime();
        Seed.seed(c, Seed.Spec.mailboxesOnly(size[0], size[1]));
        System.err.printf(
            "seeded %d mailboxes in %.1f s (load %s)%n",
            mailboxes, (System.nanoTime() - t0) / 1e9, load);
        String d1 = Seed.domainName(1);
        for (App app : apps) {
          if (app.name().equals("old") && mailboxes > oldMax) {
            continue;
          }
          String column = String.format(Locale.ROOT, "%,d / %s", mailboxes, app.name());
          columns.add(column);
          String loadBefore = load();
          // Warm-up, and the alias exists before the measured updates.
          for (int w = 0; w < 2; w++) {
            post(app, "config:apply?prune=false", oneAlias(d1, app.name()));
            post(app, "config:apply?prune=false", oneMailbox(d1, app.name()));
          }
          cell(table, "apply: one alias updated (prune=false)", column, app, reps,
              () -> oneAlias(d1, app.name()), "config:apply?prune=false");
          cell(table, "apply: one mailbox updated (prune=false)", column, app, reps,
              () -> oneMailbox(d1, app.name()), "config:apply?prune=false");
          cell(table, "plan: one mailbox changed (prune=false)", column, app, reps,
              () -> oneMailbox(d1, app.name()), "config:plan?prune=false");
          // The aliases section managed with prune: every other alias would go (there is none),
          // all mailboxes stay; the scan for what to delete covers the aliases only.
          cell(table, "apply: aliases section = one alias (prune=true)", column, app, reps,
              () -> oneAlias(d1, app.name()), "config:apply?prune=true");
          table
              .computeIfAbsent("load (1 min) before / after", k -> new LinkedHashMap<>())
              .put(column, loadBefore + " / " + load());
        }
        if (mailboxes == bulkAt) {
          large(md, apps, mailboxes, bulk, oldMax);
        }
      }
    }
    StringBuilder head = new StringBuilder("| operation (median of " + reps + ", s; min–max) |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String column : columns) {
      head.append(' ').append(column).append(" |");
      rule.append("---|");
    }
    StringBuilder body = new StringBuilder();
    table.forEach(
        (op, cells) -> {
          body.append("| ").append(op).append(" |");
          for (String column : columns) {
            body.append(' ').append(cells.getOrDefault(column, "")).append(" |");
          }
          body.append('\n');
        });
    String result = head + "\n" + rule + "\n" + body + md;
    Files.createDirectories(Path.of(out).getParent());
    Files.writeString(Path.of(out), result);
    System.out.println(result);
  }

  /** 5,000 new mailboxes and a bad 20,000-entry document, once per app. */
  static void large(StringBuilder md, List<App> apps, long mailboxes, int bulk, long oldMax)
      throws Exception {
    md.append("\n### At ")
        .append(String.format(Locale.ROOT, "%,d", mailboxes))
        .append(" mailboxes: large documents, once each\n\n")
        .append("| app | document | status | seconds | body | answer (start) |\n")
        .append("|---|---|---|---|---|---|\n");
    for (App app : apps) {
      if (app.name().equals("old") && mailboxes > oldMax) {
        continue;
      }
      String domain = "bulk-" + app.name() + "-" + System.currentTimeMillis() + ".example";
      String load = load();
      Result created =
          post(app, "config:apply?prune=false", "{\"domains\":[{\"name\":\"" + domain + "\"}]}");
      if (created.status() != 200) {
        throw new IllegalStateException("cannot create " + domain + ": " + created);
      }
      row(md, app, bulk + " new mailboxes, apply (prune=false), load " + load,
          post(app, "config:apply?prune=false", mailboxes(domain, bulk, -1)));
      load = load();
      row(md, app, "20,000 entries, [19998] invalid (quotaMb -1), apply, load " + load,
          post(app, "config:apply?prune=false", mailboxes(domain, 20000, 19998)));
    }
  }

  interface Doc {
    String get();
  }

  static void cell(
      Map<String, Map<String, String>> table,
      String op,
      String column,
      App app,
      int reps,
      Doc doc,
      String action)
      throws Exception {
    double[] times = new double[reps];
    String failure = "";
    for (int i = 0; i < reps; i++) {
      Result r = post(app, action, doc.get());
      times[i] = r.seconds();
      if (r.status() != 200) {
        failure = " (HTTP " + r.status() + ": " + r.excerpt() + ")";
      }
    }
    Arrays.sort(times);
    table
        .computeIfAbsent(op, k -> new LinkedHashMap<>())
        .put(
            column,
            String.format(
                Locale.ROOT,
                "%.3f (%.3f–%.3f)%s",
                times[reps / 2],
                times[0],
                times[reps - 1],
                failure));
  }

  static void row(StringBuilder md, App app, String what, Result r) {
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %d | %.1f | %,d B | `%s` |%n",
            app.name(),
            what,
            r.status(),
            r.seconds(),
            r.bytes(),
            r.excerpt().replace("|", "\\|")));
  }

  /** Each call changes the alias (its description), so every apply writes. */
  static String oneAlias(String domain, String app) {
    return "{\"aliases\":[{\"address\":\"bench-alias@"
        + domain
        + "\",\"destinations\":[\""
        + Seed.localPart(1)
        + "@"
        + domain
        + "\"],\"description\":\""
        + app
        + " "
        + (++rep)
        + "\"}]}";
  }

  static String oneMailbox(String domain, String app) {
    return "{\"mailboxes\":[{\"address\":\""
        + Seed.localPart(2)
        + "@"
        + domain
        + "\",\"displayName\":\""
        + app
        + " "
        + (++rep)
        + "\",\"quotaMb\":1024}]}";
  }

  /** count new pre-hashed mailboxes of one domain; entry `invalid` (if >= 0) has quotaMb -1. */
  static String mailboxes(String domain, int count, int invalid) {
    StringBuilder doc = new StringBuilder(count * 130).append("{\"mailboxes\":[");
    for (int i = 0; i < count; i++) {
      doc.append(i == 0 ? "" : ",")
          .append("{\"address\":\"n")
          .append(i)
          .append('@')
          .append(domain)
          .append("\",\"passwordHash\":\"")
          .append(Seed.HASH)
          .append("\",\"displayName\":\"New ")
          .append(i)
          .append("\",\"quotaMb\":")
          .append(i == invalid ? -1 : 1024)
          .append('}');
    }
    return doc.append("]}").toString();
  }

  static Result post(App app, String action, String doc) throws Exception {
    byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/" + action))
            .timeout(Duration.ofMinutes(15))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    long t = System.nanoTime();
    int status;
    String body;
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      body = response.body();
    } catch (java.io.IOException e) {
      status = -1;
      body = e.toString();
    }
    double seconds = (System.nanoTime() - t) / 1e9;
    String excerpt = body.length() > 160 ? body.substring(0, 160) + "…" : body;
    return new Result(status, seconds, bytes.length, excerpt.replace('\n', ' '));
  }

  static String load() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }
}
