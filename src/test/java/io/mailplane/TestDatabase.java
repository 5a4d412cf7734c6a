package io.mailplane;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * What tests that write rows with their own SQL need to do the same on MariaDB and PostgreSQL
 * (-Dmailplane.db, docs/testing.md): portable statements, values bound rather than written as
 * engine functions (no UTC_TIMESTAMP(), no INTERVAL literals).
 */
public final class TestDatabase {
  private TestDatabase() {}

  /** True on a run built with -Dmailplane.db=postgresql (the surefire JVMs get the property). */
  public static boolean postgresql() {
    return "postgresql".equals(System.getProperty("mailplane.db", "mariadb"));
  }

  /** An instant as the app stores it: UTC wall-clock time (docs/decisions.md), or null. */
  public static LocalDateTime utc(Instant instant) {
    return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /**
   * After inserting rows with explicit ids: MariaDB moves AUTO_INCREMENT past them by itself,
   * PostgreSQL's identity sequence does not, and a later insert would collide with them.
   */
  public static void afterExplicitIds(Connection connection, String table) throws SQLException {
    String engine = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (engine.contains("postgres")) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "SELECT setval(pg_get_serial_sequence('"
                + table
                + "', 'id'), (SELECT MAX(id) FROM "
                + table
                + "))");
      }
    }
  }
}
