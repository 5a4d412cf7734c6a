// Push latency benchmark (bench/push-latency.sh): a steady, open-loop write load on the API, and
// for every write the time from its HTTP response until the effect is visible at the daemon:
//  - DKIM (PUT /dkim with a new selector, or POST /dkim/rotate): the field <selector>.<domain> in
//    the Redis hash the rspamd-redis target writes;
//  - mailbox PATCH (disable, enable, password): the doveadm target's lastEventId in
//    GET /api/v1/push/targets reaching the write's outbox event, i.e. Dovecot answered the
//    authCacheFlush/kick.
// One observer thread polls both every --poll-ms, so waiting adds no load per write. Every loop is
// bounded (seconds, per-write timeout). Seeds mailplane_bench through Seed.java (refuses any other
// database).

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class PushLatency {
  static String base;
  static String jdbc;
  static String bootstrapToken;
  static String token;
  static String redisHost = "127.0.0.1";
  static int redisPort = 6379;
  static int redisDb = 14;
  static String redisHash = "dkim_keys";
  static String doveadmTarget = "bench_dovecot";
  static String redisTarget = "bench_rspamd";
  static String doveadmUrl;
  static String doveadmKey;
  static double rate = 10;
  static double dkimShare = 0.5;
  static int seconds = 60;
  static int warmup = 10;
  static int concurrency = 8;
  static int domains = 100;
  static int perDomain = 10;
  static int mailboxesUsed = 100;
  static String algorithm = "rsa";
  static int pollMs = 5;
  static int timeoutMs = 10_000;

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--base" -> base = v;
        case "--jdbc" -> jdbc = v;
        case "--token" -> bootstrapToken = v;
        case "--redis" -> {
          URI u = URI.create(v);
          redisHost = u.getHost();
          redisPort = u.getPort();
          redisDb = Integer.parseInt(u.getPath().substring(1));
        }
        case "--redis-target" -> redisTarget = v;
        case "--doveadm-target" -> doveadmTarget = v;
        case "--doveadm-url" -> doveadmUrl = v;
        case "--doveadm-key" -> doveadmKey = v;
        case "--rate" -> rate = Double.parseDouble(v);
        case "--dkim-share" -> dkimShare = Double.parseDouble(v);
        case "--seconds" -> seconds = Math.min(600, Integer.parseInt(v));
        case "--warmup" -> warmup = Math.min(120, Integer.parseInt(v));
        case "--concurrency" -> concurrency = Integer.parseInt(v);
        case "--domains" -> domains = Integer.parseInt(v);
        case "--per-domain" -> perDomain = Integer.parseInt(v);
        case "--algorithm" -> algorithm = v;
        case "--poll-ms" -> pollMs = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    mailboxesUsed = Math.min(mailboxesUsed, domains * perDomain);

    try (Connection c = DriverManager.getConnection(jdbc, "mailplane", "mailplane")) {
      Seed.seed(c, Seed.Spec.mailboxesOnly(domains, perDomain));
    }
    token = Seed.adminToken(HTTP, base, bootstrapToken, "push-bench");
    waitForTargets();
    String doveadmRtt = doveadmUrl == null ? null : doveadmRoundTrip(20);

    Observer observer = new Observer();
    Thread observerThread = new Thread(observer, "observer");
    observerThread.setDaemon(true);
    observerThread.start();

    Load load = new Load(observer);
    System.err.printf(
        "load: %.1f writes/s (%.0f %% DKIM, %s), %d s warm-up + %d s measured, %d workers%n",
        rate, dkimShare * 100, algorithm, warmup, seconds, concurrency);
    load.run(warmup, false);
    load.run(seconds, true);
    // Let the last writes become visible (each bounded by the timeout).
    long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs + 1000);
    while (observer.pending() > 0 && System.nanoTime() < drainUntil) {
      Thread.sleep(20);
    }
    observer.stop = true;
    observerThread.join(5000);

    report(load, observer, doveadmRtt);
  }

  // -------------------------------------------------------------------------------------------
  // Setup
  // -------------------------------------------------------------------------------------------

  /** Both targets reconciled once (the publisher's start) and not failing: the load may begin. */
  static void waitForTargets() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String body = "";
    while (System.nanoTime() < until) {
      body = targets();
      Map<String, String> r = target(body, redisTarget);
      Map<String, String> d = target(body, doveadmTarget);
      if (r != null && d != null && ready(r) && ready(d)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("push targets not ready after 60 s: " + body);
  }

  static boolean ready(Map<String, String> t) {
    return !"null".equals(t.get("lastReconcileAt"))
        && t.get("lastReconcileAt") != null
        && "0".equals(t.get("consecutiveFailures"));
  }

  /** Round trip of one authCacheFlush straight to Dovecot, without mailplane: p50 / max. */
  static String doveadmRoundTrip(int n) throws Exception {
    String auth =
        "X-Dovecot-API "
            + Base64.getEncoder().encodeToString(doveadmKey.getBytes(StandardCharsets.UTF_8));
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(URI.create(doveadmUrl))
                  .header("Authorization", auth)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "[[\"authCacheFlush\",{\"user\":[\"nobody@bench.invalid\"]},\"f\"]]")));
      ns[i] = System.nanoTime() - t0;
      if (r.statusCode() != 200) throw new IllegalStateException("doveadm: " + r.statusCode());
    }
    java.util.Arrays.sort(ns);
    return String.format(Locale.ROOT, "%.1f ms p50, %.1f ms max (%d calls)", ms(ns[n / 2]),
        ms(ns[n - 1]), n);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------

  static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder api(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
  }

  static String targets() throws Exception {
    HttpResponse<String> r = send(api("/api/v1/push/targets").GET());
    if (r.statusCode() != 200) throw new IllegalStateException("targets: " + r.statusCode());
    return r.body();
  }

  static final Pattern OBJECT = Pattern.compile("\\{[^{}]*\\}");
  static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"[^\"]*\"|[^,}]+)");

  /** The flat JSON object of one target in a PushTargetList, fields as raw strings. */
  static Map<String, String> target(String body, String name) {
    Matcher o = OBJECT.matcher(body);
    while (o.find()) {
      Map<String, String> fields = new HashMap<>();
      Matcher f = FIELD.matcher(o.group());
      while (f.find()) {
        String v = f.group(2).trim();
        fields.put(f.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
      }
      if (name.equals(fields.get("name"))) return fields;
    }
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // Observer: one thread polls Redis and the target list for every pending write
  // -------------------------------------------------------------------------------------------

  /** A write waiting to become visible; eventId is the DKIM write's sequence number for dkim. */
  record Pending(String kind, long respondedAt, String field, long eventId) {}

  static final class Observer implements Runnable {
    final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
    final List<Pending> dkim = new ArrayList<>();
    final List<Pending> mailbox = new ArrayList<>();
    final Map<String, List<Long>> visible = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> timeouts = new ConcurrentHashMap<>();
    final AtomicLong polls = new AtomicLong();
    final AtomicInteger superseded = new AtomicInteger();
    /** Per domain, the newest DKIM write (sequence number) whose selector was seen in Redis. */
    final Map<String, Long> newestSeen = new HashMap<>();

    static String domainOf(Pending p) {
      return p.field.substring(p.field.indexOf('.') + 1);
    }
    final AtomicInteger waiting = new AtomicInteger();
    volatile boolean stop;

    void add(Pending p) {
      waiting.incrementAndGet();
      incoming.add(p);
    }

    int pending() {
      return waiting.get();
    }

    @Override
    public void run() {
      try (Redis redis = new Redis(redisHost, redisPort, redisDb)) {
        while (!stop) {
          long loopStart = System.nanoTime();
          for (Pending p; (p = incoming.poll()) != null; ) {
            (p.kind.equals("dkim") ? dkim : mailbox).add(p);
          }
          if (!dkim.isEmpty()) {
            List<String> fields = new ArrayList<>();
            for (Pending p : dkim) fields.add(p.field);
            boolean[] present = redis.hexists(redisHash, fields);
            long now = System.nanoTime();
            for (int i = 0; i < present.length; i++) {
              if (present[i]) newestSeen.merge(domainOf(dkim.get(i)), dkim.get(i).eventId, Math::max);
            }
            List<Pending> left = new ArrayList<>();
            for (int i = 0; i < present.length; i++) {
              Pending p = dkim.get(i);
              // Only active keys are in Redis: a selector replaced by a later write on the same
              // domain before the publisher ran never appears, the later one stands for it.
              boolean superseded =
                  !present[i] && newestSeen.getOrDefault(domainOf(p), -1L) > p.eventId;
              if (superseded) this.superseded.incrementAndGet();
              settle(p, present[i] || superseded, now, left);
            }
            dkim.clear();
            dkim.addAll(left);
          }
          if (!mailbox.isEmpty()) {
            Map<String, String> t = target(targets(), doveadmTarget);
            long now = System.nanoTime();
            long applied = Long.parseLong(t.get("lastEventId"));
            List<Pending> left = new ArrayList<>();
            for (Pending p : mailbox) settle(p, p.eventId <= applied, now, left);
            mailbox.clear();
            mailbox.addAll(left);
          }
          polls.incrementAndGet();
          long sleep = TimeUnit.MILLISECONDS.toNanos(pollMs) - (System.nanoTime() - loopStart);
          if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
        }
      } catch (Exception e) {
        e.printStackTrace();
        System.exit(2);
      }
    }

    private void settle(Pending p, boolean done, long now, List<Pending> left) {
      if (done) {
        visible.computeIfAbsent(p.kind, k -> Collections.synchronizedList(new ArrayList<>()))
            .add(now - p.respondedAt);
        waiting.decrementAndGet();
      } else if (now - p.respondedAt > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
        timeouts.computeIfAbsent(p.kind, k -> new AtomicInteger()).incrementAndGet();
        waiting.decrementAndGet();
      } else {
        left.add(p);
      }
    }
  }

  /** A minimal RESP client: SELECT, then pipelined HEXISTS. */
  static final class Redis implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final InputStream in;

    Redis(String host, int port, int db) throws IOException {
      socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(5000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
      out.write(command("SELECT", Integer.toString(db)));
      out.flush();
      String reply = line();
      if (!reply.equals("+OK")) throw new IOException("SELECT " + db + ": " + reply);
    }

    boolean[] hexists(String hash, List<String> fields) throws IOException {
      java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
      for (String f : fields) buf.write(command("HEXISTS", hash, f));
      out.write(buf.toByteArray());
      out.flush();
      boolean[] result = new boolean[fields.size()];
      for (int i = 0; i < result.length; i++) {
        String reply = line();
        if (!reply.startsWith(":")) throw new IOException("HEXISTS: " + reply);
        result[i] = reply.equals(":1");
      }
      return result;
    }

    static byte[] command(String... parts) {
      StringBuilder sb = new StringBuilder("*").append(parts.length).append("\r\n");
      for (String p : parts) {
        sb.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
            .append(p).append("\r\n");
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int b; (b = in.read()) != -1; ) {
        if (b == '\r') {
          in.read();
          return sb.toString();
        }
        sb.append((char) b);
      }
      throw new IOException("redis closed the connection");
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Load: writes started at a fixed rate (open loop) on a worker pool
  // -------------------------------------------------------------------------------------------

  static final class Load {
    final Observer observer;
    final AtomicLong sequence = new AtomicLong();
    final AtomicLong dkimSeq = new AtomicLong();
    final AtomicLong mailboxSeq = new AtomicLong();
    final Map<String, Boolean> dkimEnabled = new ConcurrentHashMap<>();
    final Map<String, List<Long>> apiLatency = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> ops = new ConcurrentHashMap<>();
    final AtomicInteger prunedBeforeLookup = new AtomicInteger();
    final ThreadLocal<Connection> db =
        ThreadLocal.withInitial(
            () -> {
              try {
                return DriverManager.getConnection(jdbc, "mailplane", "mailplane");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long started;
    long measuredWrites;
    double measuredSeconds;
    int maxBacklog;

    Load(Observer observer) {
      this.observer = observer;
    }

    void run(int secs, boolean measure) throws InterruptedException {
      ExecutorService workers = Executors.newFixedThreadPool(concurrency);
      ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
      AtomicInteger backlog = new AtomicInteger();
      long periodNs = (long) (1e9 / rate);
      long total = (long) (rate * secs);
      AtomicLong issued = new AtomicLong();
      long t0 = System.nanoTime();
      clock.scheduleAtFixedRate(
          () -> {
            if (issued.getAndIncrement() >= total) return;
            maxBacklog = Math.max(maxBacklog, backlog.incrementAndGet());
            workers.execute(
                () -> {
                  try {
                    write(measure);
                  } finally {
                    backlog.decrementAndGet();
                  }
                });
          },
          0,
          periodNs,
          TimeUnit.NANOSECONDS);
      Thread.sleep(secs * 1000L);
      clock.shutdownNow();
      workers.shutdown();
      workers.awaitTermination(60, TimeUnit.SECONDS);
      if (measure) {
        measuredSeconds = (System.nanoTime() - t0) / 1e9;
        measuredWrites = Math.min(issued.get(), total);
      }
    }

    void write(boolean measure) {
      long n = sequence.getAndIncrement();
      // A fixed interleaving gives the DKIM share exactly: write n is DKIM when floor(n * share)
      // advances.
      boolean isDkim = Math.floor((n + 1) * dkimShare) > Math.floor(n * dkimShare);
      String op = "?";
      try {
        if (isDkim) {
          long k = dkimSeq.getAndIncrement();
          String domain = Seed.domainName(1 + (int) (k % domains));
          String selector = "s" + k;
          String path = "/api/v1/domains/" + domain + "/dkim";
          String body = "{\"selector\":\"" + selector + "\",\"algorithm\":\"" + algorithm + "\"}";
          HttpRequest.Builder req;
          if (dkimEnabled.containsKey(domain) && k % 2 == 1) {
            op = "dkim rotate";
            req = api(path + "/rotate").POST(HttpRequest.BodyPublishers.ofString(body));
          } else {
            op = dkimEnabled.containsKey(domain) ? "dkim put (new selector)" : "dkim put (enable)";
            req = api(path).PUT(HttpRequest.BodyPublishers.ofString(body));
          }
          req.header("Content-Type", "application/json");
          long t0 = System.nanoTime();
          HttpResponse<String> r = send(req);
          long t1 = System.nanoTime();
          check(r, op);
          dkimEnabled.put(domain, Boolean.TRUE);
          if (measure) {
            record(apiLatency, "dkim", t1 - t0);
            ops.computeIfAbsent(op, x -> new AtomicInteger()).incrementAndGet();
            observer.add(new Pending("dkim", t1, selector + "." + domain, k));
          }
        } else {
          long k = mailboxSeq.getAndIncrement();
          int index = (int) (k % mailboxesUsed);
          int visit = (int) (k / mailboxesUsed);
          // Spread the used mailboxes over all domains.
          int d = 1 + index % domains;
          int u = 1 + index / domains;
          String address = Seed.localPart(u) + "@" + Seed.domainName(d);
          String body;
          switch (visit % 3) {
            case 0 -> {
              op = "mailbox disable";
              body = "{\"enabled\":false}";
            }
            case 1 -> {
              op = "mailbox enable";
              body = "{\"enabled\":true}";
            }
            default -> {
              op = "mailbox password";
              body = "{\"password\":\"bench-password-" + k + "\"}";
            }
          }
          HttpRequest.Builder req =
              api("/api/v1/mailboxes/" + address)
                  .header("Content-Type", "application/merge-patch+json")
                  .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
          long t0 = System.nanoTime();
          HttpResponse<String> r = send(req);
          long t1 = System.nanoTime();
          check(r, op);
          if (measure) {
            long eventId = eventIdOf(address);
            record(apiLatency, "mailbox", t1 - t0);
            ops.computeIfAbsent(op, x -> new AtomicInteger()).incrementAndGet();
            observer.add(new Pending("mailbox", t1, null, eventId));
          }
        }
      } catch (Exception e) {
        errors.computeIfAbsent((measure ? "" : "(warm-up) ") + op + ": " + e.getMessage(), x -> new AtomicInteger())
            .incrementAndGet();
      }
    }

    /**
     * The write's outbox event: the newest of its mailbox (writes of one mailbox are far apart).
     * Gone means pruned, which happens only after every target applied it: then any id that
     * already passed is as good, so 0.
     */
    long eventIdOf(String address) throws Exception {
      try (PreparedStatement q =
          db.get()
              .prepareStatement(
                  "SELECT MAX(id) FROM outbox_event WHERE kind = 'mailbox' AND event_key = ?")) {
        q.setString(1, address);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          long id = rs.getLong(1);
          if (rs.wasNull()) {
            prunedBeforeLookup.incrementAndGet();
            return 0;
          }
          return id;
        }
      }
    }

    static void check(HttpResponse<String> r, String op) {
      if (r.statusCode() / 100 != 2) {
        String body = r.body();
        throw new IllegalStateException(
            "HTTP " + r.statusCode() + " " + body.substring(0, Math.min(200, body.length())));
      }
    }
  }

  static void record(Map<String, List<Long>> m, String k, long v) {
    m.computeIfAbsent(k, x -> Collections.synchronizedList(new ArrayList<>())).add(v);
  }

  // -------------------------------------------------------------------------------------------
  // Report
  // -------------------------------------------------------------------------------------------

  static double ms(long ns) {
    return ns / 1e6;
  }

  static String fmt(long ns) {
    return ns == Long.MAX_VALUE ? "> " + timeoutMs / 1000 + " s" : String.format(Locale.ROOT, "%.1f ms", ms(ns));
  }

  static long pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) return 0;
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  static void report(Load load, Observer observer, String doveadmRtt) {
    System.out.printf(Locale.ROOT,
        "- load: %d writes in %.1f s (%.1f/s; target %.1f/s, %.0f %% DKIM %s), %d workers,"
            + " max backlog %d; %d s warm-up before%n",
        load.measuredWrites, load.measuredSeconds, load.measuredWrites / load.measuredSeconds,
        rate, dkimShare * 100, algorithm, concurrency, load.maxBacklog, warmup);
    List<String> opNames = new ArrayList<>(load.ops.keySet());
    Collections.sort(opNames);
    StringBuilder mix = new StringBuilder();
    for (String o : opNames) mix.append(mix.length() == 0 ? "" : ", ").append(o).append(" ")
        .append(load.ops.get(o).get());
    System.out.println("- measured writes: " + mix);
    System.out.printf("- data: %d domains x %d mailboxes seeded; DKIM writes round-robin over the"
        + " domains, mailbox writes over %d mailboxes%n", domains, perDomain, mailboxesUsed);
    System.out.printf(Locale.ROOT, "- observer: polled every %d ms (%d polls)%s%n", pollMs,
        observer.polls.get(),
        doveadmRtt == null ? "" : "; doveadm authCacheFlush straight to Dovecot: " + doveadmRtt);
    if (observer.superseded.get() > 0) {
      System.out.println("- DKIM writes replaced by a later write on the same domain before the"
          + " publisher ran (their selector never reaches Redis; counted when the later one did): "
          + observer.superseded.get());
    }
    if (load.prunedBeforeLookup.get() > 0) {
      System.out.println("- mailbox events already applied and pruned before their id was read: "
          + load.prunedBeforeLookup.get());
    }
    System.out.println();
    System.out.println("| write → visible at | n | API p50 | API p99 | visible p50 | visible p99"
        + " | visible max | timeouts (>" + timeoutMs / 1000 + " s) | p99 ≤ 1 s |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (String kind : List.of("dkim", "mailbox")) {
      List<Long> api = new ArrayList<>(load.apiLatency.getOrDefault(kind, List.of()));
      List<Long> vis = new ArrayList<>(observer.visible.getOrDefault(kind, List.of()));
      Collections.sort(api);
      Collections.sort(vis);
      int to = observer.timeouts.getOrDefault(kind, new AtomicInteger()).get();
      String label = kind.equals("dkim")
          ? "DKIM → Redis field `<selector>.<domain>` (rspamd-redis)"
          : "mailbox PATCH → doveadm target lastEventId (Dovecot answered)";
      // A timed-out write counts as slower than every visible one.
      for (int i = 0; i < to; i++) vis.add(Long.MAX_VALUE);
      long p99 = pct(vis, 99);
      long max = pct(vis, 100);
      System.out.printf(Locale.ROOT, "| %s | %d | %.1f ms | %.1f ms | %s | %s | %s | %d | %s |%n",
          label, api.size(), ms(pct(api, 50)), ms(pct(api, 99)), fmt(pct(vis, 50)), fmt(p99),
          fmt(max), to, !vis.isEmpty() && p99 <= 1_000_000_000L ? "yes" : "**no**");
    }
    if (!load.errors.isEmpty()) {
      System.out.println();
      load.errors.forEach((k, v) -> System.out.println("- error ×" + v.get() + ": " + k));
    }
  }
}
