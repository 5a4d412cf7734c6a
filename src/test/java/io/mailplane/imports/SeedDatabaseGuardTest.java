package io.mailplane.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * mailplane pointed at the seed's own database: the guard stops Flyway while it is configured, and
 * the seed's database is left without a schema history (the row Flyway's "use baseline()" path used
 * to leave). mailplane's own database, whose mail_users/mail_domains are views, passes.
 */
class SeedDatabaseGuardTest {
  static final String OWN_URL =
      System.getenv()
          .getOrDefault("MAILPLANE_TEST_DB_URL", "jdbc:mariadb://127.0.0.1:3306/mailplane_test");

  @Test
  void theSeedsDatabaseIsRefusedBeforeFlywayWritesAnything() throws Exception {
    SeedDatabase.reset();
    SeedDatabase.exec("DROP TABLE IF EXISTS flyway_schema_history;\n");
    FluentConfiguration flyway =
        new FluentConfiguration()
            .dataSource(SeedDatabase.URL, SeedDatabase.USER, SeedDatabase.PASSWORD)
            .locations("classpath:db/migration/common", "classpath:db/migration/mariadb");

    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> new SeedDatabaseGuard().customize(flyway));

    assertTrue(refused.getMessage().startsWith("MAILPLANE_DB_URL names the seed admin's database"));
    assertTrue(refused.getMessage().contains("mail_domains, mail_users"), refused.getMessage());
    assertTrue(refused.getMessage().contains("POST /api/v1/imports"), refused.getMessage());
    try (Connection c =
            DriverManager.getConnection(
                SeedDatabase.URL, SeedDatabase.USER, SeedDatabase.PASSWORD);
        ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, "flyway%", null)) {
      assertFalse(rs.next(), "Flyway created its table in the seed's database");
    }
  }

  @Test
  void mailplanesOwnDatabasePasses() throws Exception {
    try (Connection c =
        DriverManager.getConnection(OWN_URL, SeedDatabase.USER, SeedDatabase.PASSWORD)) {
      // Migrated by any earlier Quarkus test; before that it is empty, which passes too.
      assertEquals(List.of(), SeedDatabaseGuard.seedTables(c));
      SeedDatabaseGuard.check(c);
    }
  }
}
