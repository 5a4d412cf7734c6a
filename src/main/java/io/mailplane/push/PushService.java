package io.mailplane.push;

import io.agroal.api.AgroalDataSource;
import io.mailplane.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class PushService {
  @Inject Caller caller;
  @Inject PushTargets targets;
  @Inject Publisher publisher;
  @Inject AgroalDataSource dataSource;

  public List<PushTargetDto> list() throws SQLException {
    caller.requireReadAll();
    List<PushTargetDto> list = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT s.last_event_id, s.consecutive_failures, s.last_error, s.last_attempt_at,"
                    + " s.last_success_at, s.next_attempt_at, s.last_reconcile_at,"
                    + " (SELECT COUNT(*) FROM outbox_event e WHERE e.id > s.last_event_id)"
                    + " FROM push_target_state s WHERE s.name = ?")) {
      for (Map.Entry<String, PushTarget> target : targets.all().entrySet()) {
        query.setString(1, target.getKey());
        try (ResultSet rows = query.executeQuery()) {
          list.add(
              rows.next()
                  ? new PushTargetDto(
                      target.getKey(),
                      target.getValue().type(),
                      rows.getLong(1),
                      rows.getLong(8),
                      rows.getInt(2),
                      rows.getString(3),
                      Publisher.instant(rows, 4),
                      Publisher.instant(rows, 5),
                      Publisher.instant(rows, 6),
                      Publisher.instant(rows, 7))
                  : neverRun(connection, target.getKey(), target.getValue().type()));
        }
      }
    }
    return list;
  }

  private static PushTargetDto neverRun(Connection connection, String name, String type)
      throws SQLException {
    try (PreparedStatement count =
            connection.prepareStatement("SELECT COUNT(*) FROM outbox_event");
        ResultSet rows = count.executeQuery()) {
      rows.next();
      return new PushTargetDto(name, type, 0, rows.getLong(1), 0, null, null, null, null, null);
    }
  }

  /** Marks every target for a full rewrite; whichever replica holds a target performs it. */
  public void requestReconcile() throws SQLException {
    caller.requireAdmin();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE push_target_state SET last_reconcile_at = NULL, next_attempt_at = NULL")) {
      update.executeUpdate();
    }
    publisher.wake();
  }
}
