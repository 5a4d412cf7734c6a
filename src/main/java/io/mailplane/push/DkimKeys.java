package io.mailplane.push;

import java.util.Map;

/** What the rspamd-redis target must hold: field "selector.domain" → private key for Rspamd. */
public interface DkimKeys {
  /** The keys of one domain that Rspamd must sign with now; empty when DKIM is off or gone. */
  Map<String, String> signingKeys(String domain);

  /** Every domain's signing keys, for a full reconcile. */
  Map<String, String> allSigningKeys();
}
