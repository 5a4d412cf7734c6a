package io.mailplane.push;

import io.mailplane.mailboxes.Mailbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which mailboxes may still hold IMAP/POP3 sessions, read from the committed rows. */
@ApplicationScoped
public class LoginStates {
  /**
   * The addresses that may not log in to read mail now: gone, disabled, send-only, or in a disabled
   * domain — the same conditions as Dovecot's passdb query.
   */
  @ActivateRequestContext
  public Set<String> withoutLogin(Collection<String> addresses) {
    List<String> allowed =
        Mailbox.getEntityManager()
            .createQuery(
                "select m.address from Mailbox m join m.domain d where m.address in :addresses"
                    + " and m.enabled = true and m.sendOnly = false and d.enabled = true",
                String.class)
            .setParameter("addresses", addresses)
            .getResultList();
    Set<String> without = new LinkedHashSet<>(addresses);
    without.removeAll(allowed);
    return without;
  }
}
