package io.mailplane.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The stats_sample table: writes, range reads and thinning with age. */
@ApplicationScoped
class SampleStore {
  private static final String COLUMNS =
      "source, sampled_at, ok, reachable, latency_ms, error, data";

  @Inject AgroalDataSource dataSource;
  @Inject ObjectMapper json;

  void insert(Sample sample) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO stats_sample (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, sample.source());
      insert.setTimestamp(2, Timestamp.from(sample.at()));
      insert.setBoolean(3, sample.ok());
      insert.setBoolean(4, sample.reachable());
      if (sample.latencyMs() == null) {
        insert.setNull(5, Types.INTEGER);
      } else {
        insert.setInt(5, sample.latencyMs());
      }
      String error = sample.error();
      insert.setString(6, error == null || error.length() <= 500 ? error : error.substring(0, 500));
      insert.setString(7, sample.data() == null ? null : sample.data().toString());
      insert.executeUpdate();
    }
  }

  /** The newest attempt, successful or not. */
  Optional<Sample> latest(String source) throws SQLException {
    return one(source, "", "");
  }

  /** The newest successful sample. */
  Optional<Sample> latestOk(String source) throws SQLException {
    return one(source, " AND ok = TRUE", "");
  }

  /** The newest successful sample before the instant: the base of a range's first delta. */
  Optional<Sample> lastOkBefore(String source, Instant before) throws SQLException {
    return one(source, " AND ok = TRUE AND sampled_at < ?", before);
  }

  private Optional<Sample> one(String source, String condition, Object before) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM stats_sample WHERE source = ?"
                    + condition
                    + " ORDER BY sampled_at DESC, id DESC LIMIT 1")) {
      query.setString(1, source);
      if (before instanceof Instant instant) {
        query.setTimestamp(2, Timestamp.from(instant));
      }
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** Successful samples in [from, to], oldest first. */
  List<Sample> okBetween(String source, Instant from, Instant to) throws SQLException {
    List<Sample> samples = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM stats_sample WHERE source = ? AND ok = TRUE"
                    + " AND sampled_at >= ? AND sampled_at <= ? ORDER BY sampled_at, id")) {
      query.setString(1, source);
      query.setTimestamp(2, Timestamp.from(from));
      query.setTimestamp(3, Timestamp.from(to));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          samples.add(read(rows));
        }
      }
    }
    return samples;
  }

  /** The newest successful sample's time, or null. */
  Instant lastSuccessAt(String source) throws SQLException {
    return latestOk(source).map(Sample::at).orElse(null);
  }

  private Sample read(ResultSet rows) throws SQLException {
    int latency = rows.getInt(5);
    Integer latencyMs = rows.wasNull() ? null : latency;
    String data = rows.getString(7);
    JsonNode document;
    try {
      document = data == null ? null : json.readTree(data);
    } catch (JsonProcessingException e) {
      throw new SQLException("stats_sample holds a document that is not JSON", e);
    }
    return new Sample(
        rows.getString(1),
        rows.getTimestamp(2).toInstant(),
        rows.getBoolean(3),
        rows.getBoolean(4),
        latencyMs,
        rows.getString(6),
        document);
  }

  /**
   * Keeps the table bounded: every sample for fullResolution, then the first successful one per
   * hour, then per day, nothing after retention. Counters are cumulative, so a delta between two
   * kept samples still counts everything in between (a daemon restart in between loses the counts
   * before it).
   */
  int thin(String source, Instant now, StatsConfig config) throws SQLException {
    Instant full = now.minus(config.fullResolution());
    Instant hourly = now.minus(config.hourlyResolution());
    Instant oldest = now.minus(config.retention());
    int deleted = 0;
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement expired =
          connection.prepareStatement(
              "DELETE FROM stats_sample WHERE source = ? AND sampled_at < ?")) {
        expired.setString(1, source);
        expired.setTimestamp(2, Timestamp.from(oldest));
        deleted += expired.executeUpdate();
      }
      List<Long> drop = new ArrayList<>();
      Set<Instant> keptSlots = new HashSet<>();
      try (PreparedStatement aged =
          connection.prepareStatement(
              "SELECT id, sampled_at, ok FROM stats_sample WHERE source = ? AND sampled_at < ?"
                  + " ORDER BY sampled_at, id")) {
        aged.setString(1, source);
        aged.setTimestamp(2, Timestamp.from(full));
        try (ResultSet rows = aged.executeQuery()) {
          while (rows.next()) {
            Instant at = rows.getTimestamp(2).toInstant();
            Instant slot = at.truncatedTo(at.isBefore(hourly) ? ChronoUnit.DAYS : ChronoUnit.HOURS);
            if (!rows.getBoolean(3) || !keptSlots.add(slot)) {
              drop.add(rows.getLong(1));
            }
          }
        }
      }
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM stats_sample WHERE id = ?")) {
        for (int i = 0; i < drop.size(); i++) {
          delete.setLong(1, drop.get(i));
          delete.addBatch();
          if (i % 500 == 499 || i == drop.size() - 1) {
            deleted += sum(delete.executeBatch());
          }
        }
      }
    }
    return deleted;
  }

  private static int sum(int[] counts) {
    int total = 0;
    for (int count : counts) {
      total += Math.max(0, count);
    }
    return total;
  }
}
