package io.mailplane.mailflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The seed's own lookups through the real daemons' tools, against any MariaDB database: its
 * unchanged Postfix query files through {@code postmap -q}, and its Dovecot passdb/userdb queries
 * (Dovecot 2.4 variables translated to 2.3, as deploy/local/mail-services.sh does for the shared
 * seed Dovecot) through an auth-only Dovecot of the caller's own, asked with {@code doveadm auth
 * test} and {@code doveadm user}. Shared by the tests that compare the seed's answers.
 */
public final class SeedLookups {
  /** The seed's Postfix maps (src/test/resources/seed/&lt;map&gt;.query). */
  public static final List<String> MAPS =
      List.of(
          "virtual-mailbox-domains",
          "virtual-mailbox-maps",
          "virtual-alias-maps",
          "email2email",
          "email-submission",
          "recipient-access");

  private SeedLookups() {}

  /** A MariaDB database as the daemons' SQL drivers reach it. */
  public record Database(String host, int port, String name, String user, String password) {
    /** From jdbc:mariadb://host[:port]/name[?...]. */
    public static Database of(String jdbcUrl, String user, String password) {
      String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
      int query = rest.indexOf('?');
      if (query >= 0) {
        rest = rest.substring(0, query);
      }
      String hostPort = rest.substring(0, rest.indexOf('/'));
      String name = rest.substring(rest.indexOf('/') + 1);
      int colon = hostPort.indexOf(':');
      return new Database(
          colon < 0 ? hostPort : hostPort.substring(0, colon),
          colon < 0 ? 3306 : Integer.parseInt(hostPort.substring(colon + 1)),
          name,
          user,
          password);
    }
  }

  /** The seed's query files composed the way its init.sh does, with a connection to db. */
  public static Path seedMaps(Database db) throws IOException {
    return seedMaps(
        "user = "
            + db.user()
            + "\npassword = "
            + db.password()
            + "\nhosts = "
            + db.host()
            + ":"
            + db.port()
            + "\ndbname = "
            + db.name()
            + "\n");
  }

  /** The seed's query files, each after the given connection block. */
  public static Path seedMaps(String connection) throws IOException {
    Path dir = Files.createTempDirectory("seed-maps");
    for (String map : MAPS) {
      Files.writeString(
          dir.resolve(map + ".cf"), connection + "query = " + resource(map + ".query") + "\n");
    }
    return dir;
  }

  /** postmap -q key on dir/map.cf: the answer's comma-separated values, sorted. */
  public static Set<String> postmap(Path dir, String map, String key) throws Exception {
    String output =
        run(
            List.of(
                "postmap",
                "-c",
                MailClient.STATE + "/postfix",
                "-q",
                key,
                "mysql:" + dir.resolve(map + ".cf")));
    Set<String> values = new TreeSet<>();
    for (String value : output.strip().split(",")) {
      if (!value.isBlank()) {
        values.add(value.strip());
      }
    }
    return values;
  }

  public static boolean authTest(String conf, String user, String password, String service)
      throws Exception {
    return doveadm(conf, "auth", "test", "-x", "service=" + service, user, password)
        .contains("auth succeeded");
  }

  public static String doveadm(String conf, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("doveadm", "-c", conf));
    command.addAll(Arrays.asList(args));
    return run(command);
  }

  /**
   * An auth-only Dovecot (no listeners) that answers with the seed's own passdb and userdb queries
   * from db; stopped on close.
   */
  public static final class SeedDovecot implements AutoCloseable {
    public final String conf;

    private SeedDovecot(String conf) {
      this.conf = conf;
    }

    public static SeedDovecot start(Database db) throws Exception {
      Path dir = Files.createTempDirectory("seed-dovecot");
      Files.createDirectories(dir.resolve("run"));
      Files.createDirectories(dir.resolve("state"));
      Path sql = dir.resolve("dovecot-sql.conf.ext");
      Files.writeString(
          sql,
          "driver = mysql\n"
              + "connect = host="
              + db.host()
              + " port="
              + db.port()
              + " dbname="
              + db.name()
              + " user="
              + db.user()
              + " password="
              + db.password()
              + "\ndefault_pass_scheme = SHA256-CRYPT\n"
              + "password_query = "
              + dovecot23(resource("dovecot-passdb.query"))
              + "\nuser_query = "
              + dovecot23(resource("dovecot-userdb.query"))
              + "\niterate_query = "
              + dovecot23(resource("dovecot-iterate.query"))
              + "\n");
      Path conf = dir.resolve("dovecot.conf");
      Files.writeString(
          conf,
          "protocols =\n"
              + "base_dir = "
              + dir.resolve("run")
              + "\nstate_dir = "
              + dir.resolve("state")
              + "\ninstance_name = seed-"
              + UUID.randomUUID().toString().substring(0, 8)
              + "\nlog_path = "
              + dir.resolve("dovecot.log")
              + "\nauth_mechanisms = plain login\n"
              + "auth_cache_size = 0\n"
              // Our own instance: a refused login answers at once instead of after 2 s.
              + "auth_failure_delay = 0\n"
              + "passdb {\n  driver = sql\n  args = "
              + sql
              + "\n}\nuserdb {\n  driver = sql\n  args = "
              + sql
              + "\n}\n");
      // The master forks into the background and keeps its output open: to a file, not a pipe.
      Path output = dir.resolve("start.out");
      Process process =
          new ProcessBuilder("dovecot", "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (process.waitFor() != 0) {
        throw new AssertionError("dovecot -c " + conf + ": " + Files.readString(output));
      }
      SeedDovecot dovecot = new SeedDovecot(conf.toString());
      // The master is up when its auth socket answers.
      for (int i = 0; i < 100 && !Files.exists(dir.resolve("run/auth-client")); i++) {
        Thread.sleep(100);
      }
      return dovecot;
    }

    @Override
    public void close() throws Exception {
      doveadm(conf, "stop");
    }
  }

  /** Dovecot 2.4's variables in the seed's queries, as Dovecot 2.3 spells them. */
  private static String dovecot23(String query) {
    return query
        .replace("%{user|username}", "%n")
        .replace("%{user|domain}", "%d")
        .replace("%{protocol}", "%s");
  }

  private static String resource(String name) throws IOException {
    try (var in = SeedLookups.class.getResourceAsStream("/seed/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  static String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    if (output.contains("fatal") || output.contains("warning: mysql")) {
      throw new AssertionError(String.join(" ", command) + ": " + output);
    }
    return output;
  }
}
