package io.mailplane.imports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;

/**
 * A seed installation's database for import tests: the seed admin's own schema
 * (src/test/resources/seed/mailserver-admin-schema.sql) in a database of its own, emptied and
 * created again by each test. MAILPLANE_TEST_SEED_DB_URL names it (default mailplane_seed_test on
 * the test MariaDB; the test user needs all privileges on it).
 */
final class SeedDatabase {
  static final String URL =
      System.getenv()
          .getOrDefault(
              "MAILPLANE_TEST_SEED_DB_URL", "jdbc:mariadb://127.0.0.1:3306/mailplane_seed_test");
  static final String USER = System.getenv().getOrDefault("MAILPLANE_TEST_DB_USER", "mailplane");
  static final String PASSWORD =
      System.getenv().getOrDefault("MAILPLANE_TEST_DB_PASSWORD", "mailplane");
  static final String HASH = "$2y$10$6vK7alYFqsM4f0iCOHrdaejZoVCIP5Ixhpge/.MmysxOdBQIlGNa2";

  private SeedDatabase() {}

  /** Drops the seed's tables and creates them again from the seed's schema. */
  static void reset() throws Exception {
    String schema =
        Files.readString(Path.of("src/test/resources/seed/mailserver-admin-schema.sql"));
    StringBuilder sql = new StringBuilder();
    for (String line : schema.split("\n")) {
      if (!line.startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    exec(
        "SET FOREIGN_KEY_CHECKS = 0;\n"
            + "DROP TABLE IF EXISTS fetchmail_accounts, mail_aliases, mail_users, mail_domains;\n"
            + "SET FOREIGN_KEY_CHECKS = 1;\n"
            + sql);
  }

  /** Runs ;-terminated statements on one connection (so SET FOREIGN_KEY_CHECKS holds). */
  static void exec(String script) throws Exception {
    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
        Statement st = c.createStatement()) {
      for (String part : script.split(";\\s*\n")) {
        if (!part.isBlank()) {
          st.execute(part);
        }
      }
    }
  }

  /** CHECKSUM TABLE of the seed's four tables: equal strings, byte-identical rows. */
  static String checksums() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "CHECKSUM TABLE mail_domains, mail_users, mail_aliases, fetchmail_accounts"
                    + " EXTENDED")) {
      while (rs.next()) {
        out.append(rs.getString(1)).append('=').append(rs.getString(2)).append('\n');
      }
    }
    return out.toString();
  }

  static String pem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair key = generator.generateKeyPair();
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
