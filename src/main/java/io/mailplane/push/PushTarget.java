package io.mailplane.push;

import java.util.List;

/**
 * A mail container that caches mailplane state. Every call re-sends the full current state of the
 * objects it names, so repeating a call (after a crash, by a retry) is harmless.
 */
public interface PushTarget extends AutoCloseable {
  /** An object to re-read: one of the Outbox kinds and its key. */
  record Change(String kind, String key) {}

  /** Brings the objects in line with the database; throws when the target did not take them. */
  void apply(List<Change> changes) throws Exception;

  /** Rewrites everything this target holds, also removing what should no longer be there. */
  void reconcile() throws Exception;

  /** The target's configured type, for the status API. */
  String type();

  /**
   * Strips configured secrets from an error message before it is stored and shown: client libraries
   * like to echo connection strings.
   */
  default String redact(String message) {
    return message;
  }

  @Override
  default void close() {}
}
