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
      entry.put("ssl", !a.tlsMode.equals("none"));
      entry.put("verifySsl", a.verifyCertificate);
      out.add(entry);
    }
    return out;
  }
}
