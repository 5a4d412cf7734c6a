package io.mailplane.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Reads committed changes from the audit trail by revision. Plain JDBC in autocommit: each poll is
 * one statement that sees everything committed before it, on a stream's own schedule without a
 * request context. Revisions are given out in commit order (Revisions), so "revision > last" never
 * skips a change.
 */
@ApplicationScoped
public class ChangeFeed {
  @Inject DataSource dataSource;

  /** The newest revision: where a stream without Last-Event-ID starts. */
  public long head() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement read =
            connection.prepareStatement("SELECT revision FROM config_revision WHERE id = 1");
        ResultSet rows = read.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the configuration revision", e);
    }
  }

  /**
   * Up to limit changes after a revision, oldest first; only those in the given domains when the
   * caller is confined to some.
   */
  public List<ChangeEvent> after(long revision, Optional<Set<String>> domains, int limit) {
    if (domains.isPresent() && domains.get().isEmpty()) {
      return List.of();
    }
    StringBuilder sql =
        new StringBuilder(
            "SELECT revision, resource_type, resource_key, action, domain, occurred_at"
                + " FROM audit_event WHERE revision > ?");
    List<String> names = domains.map(List::copyOf).orElse(List.of());
    if (domains.isPresent()) {
      sql.append(" AND domain IN (").append("?,".repeat(names.size() - 1)).append("?)");
    }
    sql.append(" ORDER BY revision LIMIT ?");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(sql.toString())) {
      int i = 1;
      query.setLong(i++, revision);
      for (String name : names) {
        query.setString(i++, name);
      }
      query.setInt(i, limit);
      List<ChangeEvent> events = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String stored = rows.getString(4);
          Action action = Action.ofAuditName(stored);
          events.add(
              new ChangeEvent(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getString(3),
                  // A name no version of Changes wrote is passed on as stored.
                  action == null ? stored : action.wireName(),
                  rows.getString(5),
                  rows.getObject(6, LocalDateTime.class).toInstant(ZoneOffset.UTC)));
        }
      }
      return events;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the change feed", e);
    }
  }
}
