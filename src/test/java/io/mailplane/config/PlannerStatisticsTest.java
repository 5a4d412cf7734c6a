package io.mailplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Bulk writes keep PostgreSQL's planner statistics current: ANALYZE runs each time the new objects
 * have doubled, from 1,000 on, and not in between; on the other engines nothing runs. A fresh
 * instance, so the count is this test's own and not the whole suite's.
 */
@QuarkusTest
class PlannerStatisticsTest {
  @Inject DataSource dataSource;

  @ConfigProperty(name = "quarkus.datasource.db-kind")
  String dbKind;

  @Test
  void analyzesWhenTheNewObjectsHaveDoubled() throws Exception {
    PlannerStatistics statistics = new PlannerStatistics();
    statistics.dataSource = dataSource;
    statistics.dbKind = dbKind;
    assumeTrue(dbKind.equals("postgresql"), "ANALYZE is PostgreSQL's; MariaDB and H2 run none");

    int before = analyses();
    statistics.created(999);
    assertEquals(before, analyses(), "fewer than 1,000 new objects");
    statistics.created(1);
    assertEquals(before + 1, analyses(), "1,000 new objects");
    statistics.created(999);
    assertEquals(before + 1, analyses(), "1,999: not doubled yet");
    statistics.created(1);
    assertEquals(before + 2, analyses(), "2,000: doubled");
    statistics.created(0);
    statistics.created(-5);
    assertEquals(before + 2, analyses());
  }

  @Test
  void doesNothingElsewhere() {
    assumeTrue(!dbKind.equals("postgresql"));
    PlannerStatistics statistics = new PlannerStatistics();
    // No data source: an attempt to analyze would throw.
    statistics.dbKind = dbKind;
    statistics.created(1_000_000);
  }

  /** How often the mailbox table has been analyzed by hand (not by autovacuum). */
  private int analyses() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      // The statistics views show a snapshot per transaction: take a new one.
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet r =
          s.executeQuery(
              "SELECT analyze_count FROM pg_stat_user_tables"
                  + " WHERE relname = 'mailbox' AND schemaname = current_schema()")) {
        assertTrue(r.next());
        return r.getInt(1);
      }
    }
  }
}
