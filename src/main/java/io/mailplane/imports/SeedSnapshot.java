package io.mailplane.imports;

import io.mailplane.api.ApiException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every row of the seed's tables that the import reads, as it is (no join, no filter, no case
 * change): what cannot be taken is decided later and reported, never dropped here. Read in one
 * REPEATABLE READ transaction, so the four tables are one consistent snapshot.
 */
record SeedSnapshot(
    List<Domain> domains,
    List<User> users,
    List<AliasRow> aliases,
    List<Fetchmail> fetchmail,
    boolean hasFetchmailTable) {

  record Domain(long id, String name, boolean dkimEnabled, String selector, String privateKey) {
    @Override
    public String toString() {
      return "Domain[" + id + ", " + name + "]";
    }
  }

  record User(
      long id,
      Long domainId,
      String name,
      String password,
      boolean enabled,
      boolean sendOnly,
      long quota,
      boolean admin,
      boolean domainAdmin) {
    @Override
    public String toString() {
      return "User[" + id + ", " + name + "]";
    }
  }

  record AliasRow(long id, Long domainId, String name, String destination) {}

  record Fetchmail(
      long id,
      Long userId,
      String host,
      String protocol,
      int port,
      String username,
      String password,
      boolean ssl,
      boolean verifySsl) {
    @Override
    public String toString() {
      return "Fetchmail[" + id + ", " + host + ", " + username + "]";
    }
  }

  static SeedSnapshot read(SeedSource source, Connection connection) {
    try {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setAutoCommit(false);
      Set<String> userColumns = source.columns(connection.getMetaData(), "mail_users");
      boolean hasFetchmail =
          !source.columns(connection.getMetaData(), "fetchmail_accounts").isEmpty();
      List<Domain> domains = new ArrayList<>();
      List<User> users = new ArrayList<>();
      List<AliasRow> aliases = new ArrayList<>();
      List<Fetchmail> fetchmail = new ArrayList<>();
      try (Statement st = connection.createStatement()) {
        st.setFetchSize(1000);
        try (ResultSet rs =
            st.executeQuery(
                "SELECT id, name, dkim_enabled, dkim_selector, dkim_private_key"
                    + " FROM mail_domains ORDER BY id")) {
          while (rs.next()) {
            domains.add(
                new Domain(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getBoolean(3),
                    rs.getString(4),
                    rs.getString(5)));
          }
        }
        // Older seeds have no domain_admin (2025) column: false, as the seed's default. Every
        // column is selected (a constant query) and the flags are read only where they exist.
        boolean hasAdmin = userColumns.contains("admin");
        boolean hasDomainAdmin = userColumns.contains("domain_admin");
        try (ResultSet rs = st.executeQuery("SELECT * FROM mail_users ORDER BY id")) {
          while (rs.next()) {
            // wasNull() describes the last column read: read this one alone first.
            long raw = rs.getLong("domain_id");
            Long domainId = rs.wasNull() ? null : raw;
            users.add(
                new User(
                    rs.getLong("id"),
                    domainId,
                    rs.getString("name"),
                    rs.getString("password"),
                    rs.getBoolean("enabled"),
                    rs.getBoolean("send_only"),
                    rs.getLong("quota"),
                    hasAdmin && rs.getBoolean("admin"),
                    hasDomainAdmin && rs.getBoolean("domain_admin")));
          }
        }
        try (ResultSet rs =
            st.executeQuery(
                "SELECT id, domain_id, name, destination FROM mail_aliases ORDER BY id")) {
          while (rs.next()) {
            // wasNull() describes the last column read: read this one alone first.
            long raw = rs.getLong(2);
            Long domainId = rs.wasNull() ? null : raw;
            aliases.add(new AliasRow(rs.getLong(1), domainId, rs.getString(3), rs.getString(4)));
          }
        }
        if (hasFetchmail) {
          try (ResultSet rs =
              st.executeQuery(
                  "SELECT id, user_id, config_host, config_protocol, config_port, config_username,"
                      + " config_password, config_ssl, config_verify_ssl"
                      + " FROM fetchmail_accounts ORDER BY id")) {
            while (rs.next()) {
              // wasNull() describes the last column read: read this one alone first.
              long raw = rs.getLong(2);
              Long userId = rs.wasNull() ? null : raw;
              fetchmail.add(
                  new Fetchmail(
                      rs.getLong(1),
                      userId,
                      rs.getString(3),
                      rs.getString(4),
                      rs.getInt(5),
                      rs.getString(6),
                      rs.getString(7),
                      rs.getBoolean(8),
                      rs.getBoolean(9)));
            }
          }
        }
      }
      connection.rollback();
      return new SeedSnapshot(domains, users, aliases, fetchmail, hasFetchmail);
    } catch (SQLException e) {
      throw ApiException.invalid("source", "cannot read the seed's tables: " + source.clean(e));
    }
  }
}
