package io.mailplane.imports;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One line of an import plan: an object to create, update or leave, or a seed row that cannot be
 * taken and why. {@code theirs} is the seed's value in mailplane's terms (the 3-way base of the
 * next run); {@code changes} the fields to write; {@code secrets} what must never be shown or
 * stored in clear (the fetchmail password, the DKIM private key).
 */
record ImportPlan(
    String kind,
    String key,
    String seedRow,
    String action,
    String reason,
    ObjectNode theirs,
    ObjectNode current,
    ObjectNode changes,
    ObjectNode conflicts,
    Map<String, String> secrets,
    Long currentId,
    Long currentVersion,
    boolean rebase) {

  static final String DOMAIN = "domain";
  static final String MAILBOX = "mailbox";
  static final String ALIAS = "alias";
  static final String DKIM = "dkim";
  static final String FETCHMAIL = "fetchmail";

  static final String CREATE = "create";
  static final String UPDATE = "update";
  static final String UNCHANGED = "unchanged";
  static final String CONFLICT = "conflict";
  static final String SKIP = "skip";
  static final String KEPT_DELETED = "kept-deleted";
  static final String GONE = "gone";

  static ImportPlan skip(String kind, String key, String seedRow, String reason) {
    return new ImportPlan(
        kind, key, seedRow, SKIP, reason, null, null, null, null, Map.of(), null, null, false);
  }

  /**
   * Whether the seed's value must become the new base of the 3-way comparison: a write, a first
   * contact with an object mailplane already had, or a seed change that left nothing to write.
   */
  @Override
  public boolean rebase() {
    return rebase || writes();
  }

  boolean writes() {
    return action.equals(CREATE) || action.equals(UPDATE);
  }

  @Override
  public String toString() {
    return "ImportPlan[" + kind + " " + key + " " + action + "]";
  }
}
