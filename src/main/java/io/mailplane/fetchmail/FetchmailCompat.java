package io.mailplane.fetchmail;

import io.mailplane.crypto.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accounts in the seed's fetchmailmgr format, for the optional fetchmailmgr push target: users
 * who keep that container get the accounts mailplane manages (and must then not let mailplane run
 * them as well: disable them here, or leave the target off).
 */
@ApplicationScoped
public class FetchmailCompat {

  @Inject SecretCipher cipher;

  /**
   * Every enabled account as {@code {id, host, protocol, port, username, password, user, ssl,
   * verifySsl}}. The password is in plaintext because that container needs it so.
   */
  @Transactional
  public List<Map<String, Object>> accounts() {
    List<Map<String, Object>> out = new ArrayList<>();
    List<FetchmailAccount> accounts =
        FetchmailAccount.list(
            "select a from FetchmailAccount a join fetch a.mailbox where a.enabled = true order by a.id");
    for (FetchmailAccount a : accounts) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", a.id);
      entry.put("host", a.host);
      entry.put("protocol", a.protocol);
      entry.put("port", a.port);
      entry.put("username", a.username);
      entry.put(
          "password",
          new String(
              cipher.decrypt(a.passwordEnc, FetchmailAccount.passwordContext(a.id)),
              StandardCharsets.UTF_8));
      entry.put("user", a.mailbox.address);
      entry.put("ssl", a.tlsMode.equals("tls"));
      entry.put("verifySsl", verifySsl(a.tlsMode, a.verifyCertificate));
      out.add(entry);
    }
    return out;
  }

  /**
   * fetchmailmgr writes {@code ssl} (implicit TLS) or nothing, plus {@code sslcertck} or {@code no
   * sslcertck}. Without {@code ssl}, fetchmail 6.4 with {@code sslcertck} insists on STARTTLS and
   * stops when the server has none, but with {@code no sslcertck} it logs in without TLS when the
   * server offers no STARTTLS (measured in FetchmailTlsTest). So a starttls account always goes out
   * with the check on, even when it is off here: failing on an unverifiable certificate is better
   * than sending its password in clear. Only an explicit {@code none} allows cleartext.
   */
  static boolean verifySsl(String tlsMode, boolean verifyCertificate) {
    return switch (tlsMode) {
      case "starttls" -> true;
      case "none" -> false;
      default -> verifyCertificate;
    };
  }
}
