package io.mailplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DB_DRIVER in deploy/local/render-config.sh means what it means in the seed: the Postfix lookup
 * type with its connection block and Dovecot's SQL driver, over one set of query files. The files
 * running on a real PostgreSQL are proven by BothEnginesDaemonTest.
 */
class RenderConfigDriverTest {
  static final String[] MAPS = {
    "virtual-mailbox-domains",
    "virtual-mailbox-maps",
    "virtual-alias-maps",
    "email2email",
    "email-submission",
    "recipient-access"
  };

  @Test
  void pgsqlSwitchesPostfixAndDovecotAndKeepsTheQueries() throws Exception {
    Path mysql = Files.createTempDirectory("render");
    Path pgsql = Files.createTempDirectory("render");
    assertEquals(0, render(mysql, Map.of()));
    assertEquals(0, render(pgsql, Map.of("DB_DRIVER", "pgsql")));

    String main = Files.readString(pgsql.resolve("etc/postfix/main.cf.mailplane"));
    assertTrue(main.contains("virtual_mailbox_maps = pgsql:/etc/postfix/sql/"), main);
    assertFalse(main.contains("mysql:"), main);
    assertTrue(
        Files.readString(mysql.resolve("etc/postfix/main.cf.mailplane"))
            .contains("virtual_mailbox_maps = mysql:/etc/postfix/sql/"));
    for (String map : MAPS) {
      String pg = Files.readString(pgsql.resolve("etc/postfix/sql/" + map + ".cf"));
      String my = Files.readString(mysql.resolve("etc/postfix/sql/" + map + ".cf"));
      assertTrue(pg.contains("hosts = 127.0.0.1:5432"), pg);
      assertFalse(pg.contains("tls_verify_cert"), "Postfix's pgsql client has no such key: " + pg);
      assertTrue(my.contains("hosts = 127.0.0.1:3306"), my);
      assertEquals(query(my), query(pg), map + ": one query file for both engines");
    }
    String dovecot = Files.readString(pgsql.resolve("etc/dovecot/dovecot-sql.conf.ext"));
    assertTrue(dovecot.contains("\ndriver = pgsql\n"), dovecot);
    assertTrue(dovecot.contains("connect = host=127.0.0.1 port=5432 dbname=mailplane"), dovecot);
    assertTrue(
        Files.readString(mysql.resolve("etc/dovecot/dovecot-sql.conf.ext"))
            .contains("\ndriver = mysql\n"));
  }

  @Test
  void unknownDriversAndTlsVerificationOnPostgresqlAreRefused() throws Exception {
    // As the seed's entrypoints: DB_TLS_VERIFY_CERT exists for MySQL/MariaDB only.
    assertEquals(
        2,
        render(
            Files.createTempDirectory("render"),
            Map.of("DB_DRIVER", "pgsql", "DB_TLS_VERIFY_CERT", "yes")));
    assertEquals(2, render(Files.createTempDirectory("render"), Map.of("DB_DRIVER", "oracle")));
  }

  private static String query(String cf) {
    return cf.lines().filter(line -> line.startsWith("query = ")).findFirst().orElseThrow();
  }

  private static int render(Path dir, Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("deploy/local/render-config.sh", dir.toString())
            .redirectErrorStream(true);
    builder.environment().put("DB_PASSWORD", "secret");
    builder.environment().put("DOVEADM_API_KEY", "unused");
    builder.environment().remove("DB_DRIVER");
    builder.environment().remove("DB_PORT");
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
    return process.exitValue();
  }
}
