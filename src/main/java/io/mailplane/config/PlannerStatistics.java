package io.mailplane.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps PostgreSQL's planner statistics up with bulk writes (config documents, jobs, the seed
 * import).
 *
 * <p>The planner sizes a table from its last ANALYZE. A bulk load into a database analyzed while it
 * was empty (or never) turns the lookups by key of every later chunk ("address in (…)": the plan's
 * before and after, the existence checks) into sequential scans of a table believed tiny. Measured
 * here on a server with autovacuum off: 1 s per 500-key lookup at 84,000 mailboxes, growing with
 * each chunk, so a million-mailbox job would take hours. Autovacuum, where it runs, catches up only
 * after its nap and 10 % growth. PostgreSQL's manual says to ANALYZE after a bulk load ("Populating
 * a Database"); the application does so as it goes, whenever the objects it has created since it
 * started have doubled (1,000, 2,000, 4,000, …: twenty times for a million, each a sample of 30,000
 * rows per table). MariaDB's InnoDB recalculates its persistent statistics by itself once 10 % of a
 * table has changed, and H2 needs none: there this does nothing.
 */
@ApplicationScoped
public class PlannerStatistics {
  private static final Logger LOG = Logger.getLogger(PlannerStatistics.class);

  /** The tables a bulk load fills and then looks up by key. */
  static final String TABLES = "mailbox, alias, alias_destination, audit_event";

  private static final long FIRST = 1000;

  @Inject DataSource dataSource;

  /** Fixed at build time (-Dmailplane.db), like the dialect. */
  @ConfigProperty(name = "quarkus.datasource.db-kind")
  String dbKind;

  private final AtomicLong created = new AtomicLong();
  private final AtomicLong next = new AtomicLong(FIRST);

  /** Counts committed new objects; analyzes when they have doubled since the last time. */
  public void created(long count) {
    if (count <= 0 || !"postgresql".equals(dbKind)) {
      return;
    }
    long total = created.addAndGet(count);
    long due = next.get();
    // One caller per doubling analyzes; the others go on.
    if (total >= due && next.compareAndSet(due, total * 2)) {
      analyze();
    }
  }

  private void analyze() {
    long started = System.nanoTime();
    // Outside any transaction: the connection is in autocommit and returned at once.
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("ANALYZE " + TABLES);
      LOG.debugf(
          "ANALYZE %s after %d new objects: %d ms",
          TABLES, created.get(), (System.nanoTime() - started) / 1_000_000);
    } catch (SQLException e) {
      // Statistics only make later queries faster; the writes they follow are committed.
      LOG.warnf("ANALYZE after a bulk write failed: %s", e.toString());
    }
  }
}
