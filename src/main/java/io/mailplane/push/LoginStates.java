package io.mailplane.push;

import java.util.Collection;
import java.util.Set;

/** Which mailboxes may still hold IMAP/POP3 sessions (implemented by the mailboxes feature). */
public interface LoginStates {
  /**
   * The addresses that may not log in to read mail now: gone, disabled, send-only, or in a disabled
   * domain — the same conditions as Dovecot's passdb query. Read from the committed rows.
   */
  Set<String> withoutLogin(Collection<String> addresses);
}
