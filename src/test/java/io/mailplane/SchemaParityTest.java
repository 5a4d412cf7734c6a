package io.mailplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The three migration sets (db/migration/common plus each engine's own, as application.properties
 * lists them in mailplane.migrations.*) must describe one schema: every engine is migrated from
 * scratch and its catalog compared, table by table, column by column (a type family per column,
 * nullability), index by index (unique or not, columns) and view by view (column names). A
 * migration added to one dialect only fails here (docs/decisions.md, "Three dialects").
 *
 * <p>Quartz's tables are its own vendor scripts (VARCHAR(1) flags on MariaDB, BOOL on PostgreSQL):
 * their columns are compared by name and nullability only, their indexes between MariaDB and
 * PostgreSQL only (Quartz's H2 script, used by the dev profile, creates none but the keys). An
 * index whose columns lead another index of the table is left out: InnoDB and H2 add one for every
 * foreign key that has none, which PostgreSQL does not need.
 *
 * <p>Needs PostgreSQL beside MariaDB (deploy/local/test-services.sh makes both databases);
 * MAILPLANE_TEST_SCHEMA_MARIADB_URL and MAILPLANE_TEST_SCHEMA_POSTGRESQL_URL (credentials as URL
 * parameters) point it elsewhere. Both databases are emptied first.
 */
@NeedsDaemons
class SchemaParityTest {

  @Test
  void mariadbPostgresqlAndH2MigrateToTheSameSchema() throws SQLException, IOException {
    Map<String, String> mariadb =
        schema(
            "mariadb",
            url(
                "MAILPLANE_TEST_SCHEMA_MARIADB_URL",
                "jdbc:mariadb://127.0.0.1:3306/mailplane_schema_test?user=mailplane&password=mailplane"));
    Map<String, String> postgresql =
        schema(
            "postgresql",
            url(
                "MAILPLANE_TEST_SCHEMA_POSTGRESQL_URL",
                "jdbc:postgresql://127.0.0.1:5432/mailplane_schema_test?user=mailplane&password=mailplane"));
    Map<String, String> h2 =
        schema(
            "h2",
            "jdbc:h2:mem:schemaparity;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                + "DB_CLOSE_DELAY=-1");

    assertFalse(mariadb.isEmpty());
    assertEquals(render(mariadb), render(postgresql), "PostgreSQL's schema differs from MariaDB's");
    // Quartz's script for H2 (the dev profile's store) has none of its indexes but the keys.
    assertEquals(
        render(withoutQuartzIndexes(mariadb)),
        render(withoutQuartzIndexes(h2)),
        "H2's schema differs from MariaDB's");
  }

  private static Map<String, String> withoutQuartzIndexes(Map<String, String> schema) {
    Map<String, String> kept = new TreeMap<>(schema);
    kept.keySet().removeIf(key -> key.startsWith("qrtz_") && key.contains(" index ("));
    return kept;
  }

  private static String url(String variable, String fallback) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** One line per fact, keyed so that a difference reads as the object that differs. */
  private static String render(Map<String, String> schema) {
    StringBuilder out = new StringBuilder();
    schema.forEach((key, value) -> out.append(key).append(" = ").append(value).append('\n'));
    return out.toString();
  }

  /** The app's own Flyway locations for an engine (application.properties). */
  private static String[] locations(String dialect) throws IOException {
    Properties properties = new Properties();
    try (InputStream in =
        SchemaParityTest.class.getClassLoader().getResourceAsStream("application.properties")) {
      properties.load(in);
    }
    List<String> locations = new ArrayList<>(List.of("classpath:db/migration/common"));
    for (String location : properties.getProperty("mailplane.migrations." + dialect).split(",")) {
      locations.add("classpath:" + location.trim());
    }
    return locations.toArray(String[]::new);
  }

  private static Map<String, String> schema(String dialect, String url)
      throws SQLException, IOException {
    Flyway flyway =
        Flyway.configure()
            .dataSource(url, null, null)
            .locations(locations(dialect))
            .cleanDisabled(false)
            .load();
    flyway.clean();
    flyway.migrate();
    try (Connection connection = DriverManager.getConnection(url)) {
      return describe(connection);
    }
  }

  private static Map<String, String> describe(Connection connection) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    String catalog = connection.getCatalog();
    String schema = connection.getSchema();
    Map<String, String> facts = new TreeMap<>();
    Map<String, String> kinds = new TreeMap<>();
    try (ResultSet tables = meta.getTables(catalog, schema, "%", new String[] {"TABLE", "VIEW"})) {
      while (tables.next()) {
        String name = tables.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
        if (!name.startsWith("flyway_")) {
          kinds.put(name, tables.getString("TABLE_TYPE").contains("VIEW") ? "view" : "table");
        }
      }
    }
    for (Map.Entry<String, String> table : kinds.entrySet()) {
      String name = table.getKey();
      boolean view = table.getValue().equals("view");
      facts.put(name, table.getValue());
      String metaName = exactName(meta, catalog, schema, name);
      try (ResultSet columns = meta.getColumns(catalog, schema, metaName, "%")) {
        while (columns.next()) {
          String column = columns.getString("COLUMN_NAME").toLowerCase(Locale.ROOT);
          String description;
          if (view) {
            description = "column";
          } else {
            String nullable = "YES".equals(columns.getString("IS_NULLABLE")) ? "null" : "not null";
            description =
                name.startsWith("qrtz_")
                    ? nullable
                    : family(columns.getInt("DATA_TYPE"), columns.getInt("COLUMN_SIZE"), columns)
                        + " "
                        + nullable;
          }
          facts.put(name + "." + column, description);
        }
      }
      if (!view) {
        indexes(meta, catalog, schema, metaName)
            .forEach(index -> facts.put(name + " index (" + index.columns + ")", index.kind));
      }
    }
    return facts;
  }

  /** The catalog's own spelling of a table name (upper case QRTZ_ on MariaDB). */
  private static String exactName(DatabaseMetaData meta, String catalog, String schema, String name)
      throws SQLException {
    try (ResultSet tables = meta.getTables(catalog, schema, "%", null)) {
      while (tables.next()) {
        String exact = tables.getString("TABLE_NAME");
        if (exact.equalsIgnoreCase(name)) {
          return exact;
        }
      }
    }
    return name;
  }

  private record Index(String kind, String columns) {}

  private static List<Index> indexes(
      DatabaseMetaData meta, String catalog, String schema, String table) throws SQLException {
    Map<String, Boolean> unique = new TreeMap<>();
    Map<String, Map<Integer, String>> columns = new TreeMap<>();
    try (ResultSet rows = meta.getIndexInfo(catalog, schema, table, false, false)) {
      while (rows.next()) {
        String name = rows.getString("INDEX_NAME");
        String column = rows.getString("COLUMN_NAME");
        if (name == null || column == null) {
          continue;
        }
        unique.put(name, !rows.getBoolean("NON_UNIQUE"));
        columns
            .computeIfAbsent(name, k -> new TreeMap<>())
            .put((int) rows.getShort("ORDINAL_POSITION"), column.toLowerCase(Locale.ROOT));
      }
    }
    List<Index> all = new ArrayList<>();
    columns.forEach(
        (name, byPosition) ->
            all.add(
                new Index(
                    unique.get(name) ? "unique" : "index", String.join(",", byPosition.values()))));
    Set<Index> kept = new TreeSet<>((a, b) -> (a.columns + a.kind).compareTo(b.columns + b.kind));
    for (Index index : all) {
      boolean leadsAnother =
          index.kind.equals("index")
              && all.stream()
                  .anyMatch(
                      other ->
                          other != index
                              && !Objects.equals(other.columns, index.columns)
                              && other.columns.startsWith(index.columns + ","));
      boolean duplicate =
          index.kind.equals("index")
              && all.stream()
                  .anyMatch(
                      other -> other.kind.equals("unique") && other.columns.equals(index.columns));
      if (!leadsAnother && !duplicate) {
        kept.add(index);
      }
    }
    return new ArrayList<>(kept);
  }

  /**
   * The type as the entities and the hand-written SQL see it, the same on every engine: MariaDB's
   * BOOLEAN is TINYINT(1) and its LONGTEXT a LONGVARCHAR, PostgreSQL's text a VARCHAR without
   * limit, H2's a CLOB; a hex hash is CHAR(64) on MariaDB and H2, VARCHAR(64) on PostgreSQL.
   */
  private static String family(int type, int size, ResultSet column) throws SQLException {
    String typeName = column.getString("TYPE_NAME").toLowerCase(Locale.ROOT);
    return switch (type) {
      case Types.BIT, Types.BOOLEAN -> "boolean";
      case Types.TINYINT, Types.SMALLINT ->
          typeName.equals("tinyint") && size == 1 ? "boolean" : "smallint";
      case Types.INTEGER -> "int";
      case Types.BIGINT -> "bigint";
      case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR ->
          size >= 65535 ? "text" : "varchar(" + size + ")";
      case Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> "text";
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> "timestamp";
      case Types.BLOB, Types.LONGVARBINARY, Types.VARBINARY, Types.BINARY -> "binary";
      case Types.DECIMAL, Types.NUMERIC -> "decimal(" + size + ")";
      default -> typeName;
    };
  }
}
