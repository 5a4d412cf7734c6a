package io.mailplane.imports;

import io.mailplane.api.ApiException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seed database to read, from a JDBC URL an admin sent. The URL is parsed, never passed on: only
 * {@code jdbc:mariadb:}, {@code jdbc:mysql:} and {@code jdbc:postgresql:} (the seed's two engines,
 * its DB_DRIVER) with one host, a database and a few harmless options are accepted, and the
 * connection URL is rebuilt from those parts. So no other driver can be reached (H2 is on the class
 * path), and no driver option can read local files ({@code allowLocalInfile}, {@code
 * serverSslCert}, {@code sslkey}, {@code keyStore}, ...), run code ({@code socketFactory}, {@code
 * sslfactory}) or redirect the connection. The MySQL schemes use the MariaDB driver, which speaks
 * to MySQL 8 too; PostgreSQL uses its own driver, called directly like the MariaDB one. The
 * password is only held for the job's lifetime, never stored, logged or echoed: {@link #toString()}
 * and {@link #display()} show the URL without credentials.
 */
final class SeedSource {
  private static final Pattern URL =
      Pattern.compile(
          "jdbc:(mariadb|mysql|postgresql)://([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}\\])"
              + "(?::([0-9]{1,5}))?/([A-Za-z0-9_$-]{1,64})(?:\\?([^#]*))?");

  /** Options an admin may need (TLS to the seed's database; MySQL 8's caching_sha2 login). */
  private static final Map<String, Pattern> OPTIONS =
      Map.of(
          "sslMode", Pattern.compile("disable|trust|verify-ca|verify-full"),
          "allowPublicKeyRetrieval", Pattern.compile("true|false"),
          "connectTimeout", Pattern.compile("[0-9]{1,6}"));

  /**
   * The same for PostgreSQL's driver: TLS (verify-* against the JVM's trust store; no file options)
   * and the connect timeout in seconds.
   */
  private static final Map<String, Pattern> POSTGRESQL_OPTIONS =
      Map.of(
          "sslmode", Pattern.compile("disable|allow|prefer|require|verify-ca|verify-full"),
          "connectTimeout", Pattern.compile("[0-9]{1,4}"));

  /** The seed's tables and the columns the import reads (mailserver-admin's schema). */
  static final Map<String, List<String>> REQUIRED =
      Map.of(
          "mail_domains",
              List.of("id", "name", "dkim_enabled", "dkim_selector", "dkim_private_key"),
          "mail_users",
              List.of("id", "domain_id", "name", "password", "enabled", "send_only", "quota"),
          "mail_aliases", List.of("id", "domain_id", "name", "destination"));

  private final String scheme;
  private final String host;
  private final int port;
  private final String database;
  private final Map<String, String> options;
  private final String username;
  private final String password;

  private SeedSource(
      String scheme,
      String host,
      int port,
      String database,
      Map<String, String> options,
      String username,
      String password) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.database = database;
    this.options = options;
    this.username = username;
    this.password = password;
  }

  /** Validates an admin's input; a refusal names the field and never repeats the URL. */
  static SeedSource parse(String url, String username, String password) {
    if (url == null || url.length() > 1000) {
      throw invalidUrl();
    }
    Matcher m = URL.matcher(url.strip());
    if (!m.matches()) {
      throw invalidUrl();
    }
    boolean postgresql = m.group(1).equals("postgresql");
    Map<String, Pattern> accepted = postgresql ? POSTGRESQL_OPTIONS : OPTIONS;
    int port = m.group(3) == null ? (postgresql ? 5432 : 3306) : Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw ApiException.invalid("source.url", "the port must be between 1 and 65535");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (m.group(5) != null && !m.group(5).isEmpty()) {
      for (String pair : m.group(5).split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        Pattern allowed = accepted.get(name);
        if (allowed == null) {
          throw ApiException.invalid(
              "source.url",
              "driver option '"
                  + (name.matches("[A-Za-z]{1,40}") ? name : "?")
                  + "' is not accepted; only "
                  + new TreeSet<>(accepted.keySet())
                  + " are (options that read files, load classes or redirect are refused)");
        }
        if (!allowed.matcher(value).matches()) {
          throw ApiException.invalid(
              "source.url", "driver option '" + name + "' must match " + allowed.pattern());
        }
        options.put(name, value);
      }
    }
    if (username == null || username.isBlank() || username.length() > 255) {
      throw ApiException.invalid("source.username", "must be 1 to 255 characters");
    }
    if (password != null && password.length() > 1000) {
      throw ApiException.invalid("source.password", "must be at most 1000 characters");
    }
    return new SeedSource(
        m.group(1),
        m.group(2),
        port,
        m.group(4),
        options,
        username,
        password == null ? "" : password);
  }

  private static ApiException invalidUrl() {
    return ApiException.invalid(
        "source.url",
        "must be jdbc:mariadb://host[:port]/database, jdbc:mysql://host[:port]/database or"
            + " jdbc:postgresql://host[:port]/database, with no credentials in it (send username"
            + " and password apart)");
  }

  /** The URL as shown in a job: no credentials (they are never part of it). */
  String display() {
    StringBuilder out =
        new StringBuilder("jdbc:" + scheme + "://" + host + ":" + port + "/" + database);
    String sep = "?";
    for (Map.Entry<String, String> option : options.entrySet()) {
      out.append(sep).append(option.getKey()).append('=').append(option.getValue());
      sep = "&";
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "SeedSource[" + display() + "]";
  }

  /**
   * Opens a read-only connection with the engine's driver itself (not DriverManager, which would
   * offer every driver on the class path). Failures become a VALIDATION_FAILED problem on {@code
   * source} whose text never holds the password.
   */
  Connection connect() {
    try {
      Connection connection = scheme.equals("postgresql") ? connectPostgresql() : connectMariadb();
      connection.setReadOnly(true);
      return connection;
    } catch (SQLException e) {
      throw ApiException.invalid("source", "cannot connect to " + display() + ": " + clean(e));
    }
  }

  /**
   * The password is always set (empty when none was sent), so the driver never falls back to a
   * ~/.pgpass entry of mailplane's own user for a host the admin named.
   */
  private Connection connectPostgresql() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", username);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", options.getOrDefault("connectTimeout", "10"));
    props.setProperty("socketTimeout", "600");
    props.setProperty("ApplicationName", "mailplane seed import");
    options.forEach(props::setProperty);
    return new org.postgresql.Driver()
        .connect("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
  }

  private Connection connectMariadb() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", username);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", options.getOrDefault("connectTimeout", "10000"));
    props.setProperty("socketTimeout", "600000");
    props.setProperty("allowLocalInfile", "false");
    props.setProperty("permitRedirect", "false");
    options.forEach(props::setProperty);
    return new org.mariadb.jdbc.Driver()
        .connect("jdbc:mariadb://" + host + ":" + port + "/" + database, props);
  }

  /** Fails unless the database has the seed's tables and columns. */
  void requireSeedSchema(Connection connection) {
    try {
      DatabaseMetaData meta = connection.getMetaData();
      for (Map.Entry<String, List<String>> table : REQUIRED.entrySet()) {
        Set<String> columns = columns(meta, table.getKey());
        if (columns.isEmpty()) {
          throw notSeed("table " + table.getKey() + " is missing");
        }
        for (String column : table.getValue()) {
          if (!columns.contains(column)) {
            throw notSeed("table " + table.getKey() + " has no column " + column);
          }
        }
      }
    } catch (SQLException e) {
      throw ApiException.invalid("source", "cannot read the schema: " + clean(e));
    }
  }

  Set<String> columns(DatabaseMetaData meta, String table) throws SQLException {
    Set<String> columns = new TreeSet<>();
    try (ResultSet rs = meta.getColumns(database, null, table, null)) {
      while (rs.next()) {
        columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
      }
    }
    return columns;
  }

  private ApiException notSeed(String why) {
    return ApiException.invalid(
        "source", "not a seed (mailserver-admin) database: " + why + " in " + display());
  }

  /** A driver message without the password and without multi-line noise. */
  String clean(SQLException e) {
    String text = String.valueOf(e.getMessage());
    if (!password.isEmpty()) {
      text = text.replace(password, "***");
    }
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
