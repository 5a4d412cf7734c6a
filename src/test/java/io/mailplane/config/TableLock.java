package io.mailplane.config;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A table locked against every other session, in the engine's own way, until closed: how the export
 * tests hold an export at a chosen read.
 */
final class TableLock implements AutoCloseable {
  final boolean postgresql;
  private final Connection connection;
  private final Statement statement;

  TableLock(DataSource dataSource, String table) throws SQLException {
    connection = dataSource.getConnection();
    postgresql = postgresql(connection);
    connection.setAutoCommit(false);
    statement = connection.createStatement();
    statement.execute(
        postgresql
            ? "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE"
            : "LOCK TABLES " + table + " WRITE");
  }

  @Override
  public void close() throws SQLException {
    try (connection;
        statement) {
      if (postgresql) {
        connection.commit();
      } else {
        statement.execute("UNLOCK TABLES");
      }
    }
  }

  static boolean postgresql(Connection connection) throws SQLException {
    return connection
        .getMetaData()
        .getDatabaseProductName()
        .toLowerCase(Locale.ROOT)
        .contains("postgres");
  }
}
