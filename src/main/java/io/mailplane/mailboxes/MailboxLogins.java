package io.mailplane.mailboxes;

import io.mailplane.push.LoginStates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The doveadm push target's view of which mailboxes may log in. */
@ApplicationScoped
class MailboxLogins implements LoginStates {
  @Override
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
