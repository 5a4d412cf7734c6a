package io.mailplane.api;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.hibernate.exception.GenericJDBCException;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Recognizes a failure that means a dependency (the database, Redis) cannot be reached, as opposed
 * to a bug: the client gets 503 with Retry-After instead of 500.
 */
final class Outages {
  /** Agroal's only signal for "no connection within the acquisition timeout". */
  private static final String ACQUISITION_TIMEOUT = "Sorry, acquisition timeout!";

  /** Hibernate's message when the pool hands out no usable connection (e.g. it died enlisting). */
  private static final String NO_CONNECTION = "Unable to acquire JDBC Connection";

  private Outages() {}

  /** The dependency that is down, for the problem detail, or null when this is no outage. */
  static String dependency(Throwable e) {
    if (e instanceof JDBCConnectionException
        || (e instanceof GenericJDBCException generic
            && generic.getMessage() != null
            && generic.getMessage().startsWith(NO_CONNECTION))
        || e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || (e instanceof SQLException sql
            && ((sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                || ACQUISITION_TIMEOUT.equals(sql.getMessage())))) {
      return "the database";
    }
    if (e instanceof ConnectException) {
      return "a service mailplane depends on";
    }
    return null;
  }
}
