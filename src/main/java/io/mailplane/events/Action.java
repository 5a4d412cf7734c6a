package io.mailplane.events;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What happened to an object. The audit log stores it as "{resource}.{action}" (e.g.
 * "mailbox.password-change"); the change feed sends resource and action apart.
 */
public enum Action {
  CREATE,
  UPDATE,
  DELETE,
  /** A domain deleted together with objects that were not audited one by one. */
  DELETE_CASCADE,
  PASSWORD_CHANGE,
  ENABLE,
  DISABLE,
  ROTATE,
  RETIRE,
  RENEW,
  REVOKE,
  /** A DKIM key kept while DKIM is off: never published, so nothing is pushed. */
  KEEP_DISABLED(false),
  /** The kept key of a switched-off DKIM removed: never published, so nothing is pushed. */
  DELETE_DISABLED(false),
  /**
   * A mailbox signed in and was granted its role: audit log only. Nothing in the configuration
   * changed, so no revision, no change-feed event and nothing for the mail stack.
   */
  SIGN_IN(false, false),
  /** An identity provider's token granted a mailbox a role (single sign-on): audit log only. */
  GRANT(false, false);

  private static final Map<String, Action> BY_AUDIT_NAME = new HashMap<>();

  static {
    for (Resource resource : Resource.values()) {
      for (Action action : values()) {
        BY_AUDIT_NAME.put(action.auditName(resource), action);
      }
    }
  }

  private final String wireName = name().toLowerCase(Locale.ROOT).replace('_', '-');
  private final boolean reachesMailStack;
  private final boolean changesConfiguration;

  Action() {
    this(true);
  }

  Action(boolean reachesMailStack) {
    this(reachesMailStack, true);
  }

  Action(boolean reachesMailStack, boolean changesConfiguration) {
    this.reachesMailStack = reachesMailStack;
    this.changesConfiguration = changesConfiguration;
  }

  /** As sent in the change feed, e.g. "password-change". */
  public String wireName() {
    return wireName;
  }

  /** As stored in audit_event.action, e.g. "mailbox.password-change". */
  public String auditName(Resource resource) {
    return resource.wireName() + "." + wireName;
  }

  /** False for the few changes the mail containers never see, whatever the resource. */
  public boolean reachesMailStack() {
    return reachesMailStack;
  }

  /**
   * False for events of the audit log that change no configuration (sign-ins, role grants through
   * single sign-on): they take no revision and never reach the change feed.
   */
  public boolean changesConfiguration() {
    return changesConfiguration;
  }

  /** The action of a stored audit action name, or null for a name no version wrote. */
  public static Action ofAuditName(String auditName) {
    return BY_AUDIT_NAME.get(auditName);
  }
}
