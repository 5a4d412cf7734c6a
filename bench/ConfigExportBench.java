// GET /api/v1/config at scale (docs/benchmarks.md "Config export at scale"), run by
// bench/config-export.sh:
//
//   java ConfigExportBench seed --db-url jdbc:mariadb://127.0.0.1:3306/mailplane_h1_bench --size 1000x1000
//       seeds D domains x M mailboxes and as many aliases (Seed.Spec.of), emptying the database
//   java ConfigExportBench measure --url http://127.0.0.1:18100 --token T --pid P \
//       --gc-log target/bench/export/new-gc.log --app new --expect 2000250 --out table.md
//       JSON, then YAML: time to the first byte and to the last, bytes, entries read back (every
//       mailbox and alias has one "address"), and the app's heap after GC: a full GC (jcmd
//       GC.run) before the request gives the baseline, the largest heap after any GC during the
//       request is the peak, a full GC after it what stays. The app runs with -Xlog:gc.
//
// Appends one Markdown row per format to --out.

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ConfigExportBench {
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  /** "GC(12) Pause Young (Normal) (G1 Evacuation Pause) 120M->40M(384M) 12.3ms". */
  static final Pattern GC = Pattern.compile("GC\\((\\d+)\\) Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String dbUrl = null;
    String size = null;
    String url = null;
    String token = null;
    String app = null;
    String out = null;
    Path gcLog = null;
    long pid = 0;
    long expect = -1;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--db-url" -> dbUrl = args[++i];
        case "--size" -> size = args[++i];
        case "--url" -> url = args[++i];
        case "--token" -> token = args[++i];
        case "--pid" -> pid = Long.parseLong(args[++i]);
        case "--gc-log" -> gcLog = Path.of(args[++i]);
        case "--app" -> app = args[++i];
        case "--expect" -> expect = Long.parseLong(args[++i]);
        case "--out" -> out = args[++i];
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    if (mode.equals("seed")) {
      String[] dm = size.split("x");
      Seed.Spec spec =
          Seed.Spec.of(Integer.parseInt(dm[0]), Integer.parseInt(dm[1]), Integer.parseInt(dm[1]));
      try (Connection c = DriverManager.getConnection(dbUrl, "mailplane", "mailplane")) {
        long t0 = System.nanoTime();
        Seed.Counts counts = Seed.seed(c, spec);
        System.err.printf(
            Locale.ROOT,
            "seeded %d mailboxes, %d aliases in %.0f s%n",
            counts.mailboxes(),
            counts.aliases(),
            (System.nanoTime() - t0) / 1e9);
        // What the export holds: each mailbox and alias once.
        System.out.println(counts.mailboxes() + counts.aliases());
      }
      return;
    }
    for (String format : List.of("application/json", "application/yaml")) {
      long baseline = fullGc(pid, gcLog);
      int firstGc = lastGc(gcLog) + 1;
      String load = load();
      Result r = get(url, token, format);
      long peak = Math.max(baseline, peakAfterGc(gcLog, firstGc));
      long after = fullGc(pid, gcLog);
      String row =
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %,d | %s | %d | %d | %d | %s |%n",
              app,
              format.substring(format.indexOf('/') + 1),
              r.status(),
              r.error() == null ? "" : r.error(),
              r.firstByte() < 0 ? "–" : String.format(Locale.ROOT, "%.1f", r.firstByte()),
              r.bytes(),
              String.format(Locale.ROOT, "%.1f", r.seconds())
                  + (expect >= 0 ? " (" + r.entries() + "/" + expect + " entries)" : ""),
              baseline,
              peak,
              after,
              load);
      System.out.print(row);
      Files.writeString(
          Path.of(out), row, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (after < 0) {
        return; // the app is gone (killed by its OutOfMemoryError, say): nothing more to ask
      }
    }
  }

  record Result(
      String status, String error, double firstByte, double seconds, long bytes, long entries) {}

  /** Reads the whole body, counting bytes and the entries it shows (one "address" each). */
  static Result get(String url, String token, String accept) {
    long t0 = System.nanoTime();
    double first = -1;
    long bytes = 0;
    long entries = 0;
    String status = "–";
    try {
      HttpResponse<InputStream> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + "/api/v1/config"))
                  .header("Authorization", "Bearer " + token)
                  .header("Accept", accept)
                  .timeout(Duration.ofMinutes(30))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      status = String.valueOf(response.statusCode());
      byte[] word = "address".getBytes(StandardCharsets.US_ASCII);
      int matched = 0;
      try (InputStream in = response.body()) {
        byte[] buffer = new byte[65536];
        int n;
        while ((n = in.read(buffer)) > 0) {
          if (first < 0) {
            first = (System.nanoTime() - t0) / 1e9;
          }
          bytes += n;
          for (int i = 0; i < n; i++) {
            matched = buffer[i] == word[matched] ? matched + 1 : buffer[i] == word[0] ? 1 : 0;
            if (matched == word.length) {
              entries++;
              matched = 0;
            }
          }
        }
      }
      return new Result(status, null, first, (System.nanoTime() - t0) / 1e9, bytes, entries);
    } catch (IOException | InterruptedException e) {
      return new Result(
          status,
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          first,
          (System.nanoTime() - t0) / 1e9,
          bytes,
          entries);
    }
  }

  /** A full GC in the app; its heap after it in MB, or -1 when the app no longer answers. */
  static long fullGc(long pid, Path gcLog) throws Exception {
    Process jcmd =
        new ProcessBuilder("jcmd", String.valueOf(pid), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (jcmd.waitFor() != 0) {
      return -1;
    }
    Thread.sleep(500);
    long last = -1;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = GC.matcher(line);
      if (m.find() && line.contains("Pause Full")) {
        last = Long.parseLong(m.group(3));
      }
    }
    return last;
  }

  static int lastGc(Path gcLog) throws IOException {
    int last = -1;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = GC.matcher(line);
      if (m.find()) {
        last = Math.max(last, Integer.parseInt(m.group(1)));
      }
    }
    return last;
  }

  /** The largest heap after a collection among collections numbered from {@code first} on. */
  static long peakAfterGc(Path gcLog, int first) throws IOException {
    long peak = -1;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = GC.matcher(line);
      if (m.find() && Integer.parseInt(m.group(1)) >= first) {
        peak = Math.max(peak, Long.parseLong(m.group(3)));
      }
    }
    return peak;
  }

  static String load() throws IOException {
    String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return parts[0];
  }
}
