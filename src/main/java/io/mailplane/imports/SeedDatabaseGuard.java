package io.mailplane.imports;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Refuses to start on the seed admin's own database. Flyway calls this while it is being
 * configured, before it reads or writes anything, so the seed's database is left as it was: no
 * {@code flyway_schema_history}, no failed row (what following Flyway's "use baseline()" hint used
 * to leave behind). The seed's {@code mail_users} and {@code mail_domains} are tables; mailplane's
 * are views over its own tables (V2), so a table of either name means the seed's schema, whatever
 * else the database holds.
 */
@Singleton
class SeedDatabaseGuard implements FlywayConfigurationCustomizer {
  static final List<String> SEED_TABLES = List.of("mail_domains", "mail_users");

  @Override
  public void customize(FluentConfiguration configuration) {
    DataSource dataSource = configuration.getDataSource();
    if (dataSource == null) {
      return;
    }
    try (Connection connection = dataSource.getConnection()) {
      check(connection);
    } catch (SQLException e) {
      // Not reachable or not readable: Flyway's own connection reports that more precisely.
    }
  }

  /** Throws when the connection's database holds the seed's tables. */
  static void check(Connection connection) throws SQLException {
    List<String> found = seedTables(connection);
    if (!found.isEmpty()) {
      throw new SeedDatabaseException(connection.getCatalog(), found);
    }
  }

  static List<String> seedTables(Connection connection) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    List<String> found = new ArrayList<>();
    try (ResultSet rs =
        meta.getTables(
            connection.getCatalog(), connection.getSchema(), "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
        if (SEED_TABLES.contains(name)) {
          found.add(name);
        }
      }
    }
    return found.stream().sorted().toList();
  }

  /** Start-up failure with the way out in its message (it is the first line an admin reads). */
  static class SeedDatabaseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SeedDatabaseException(String database, List<String> tables) {
      super(
          "MAILPLANE_DB_URL names the seed admin's database"
              + (database == null ? "" : " '" + database + "'")
              + ": it holds the seed's table(s) "
              + String.join(", ", tables)
              + ". mailplane keeps its own database and was not started; nothing was written"
              + " there. Give mailplane an empty database of its own (MAILPLANE_DB_URL), then"
              + " import the seed's rows with POST /api/v1/imports (source = this database)"
              + " - see docs/operations.md, \"Migrating from the seed's admin\".");
    }
  }
}
