package io.mailplane.domains;

import io.mailplane.api.ApiException;
import io.mailplane.api.ProblemKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What DomainService asks and tells the features whose rows hang off a domain, so that domains
 * imports none of them (docs/architecture.md). Fired synchronously inside the writing transaction:
 * an observer's ApiException aborts the change like a check of the service, and what an observer
 * writes commits or rolls back with it. Where the order shows (a message, the outbox), observers
 * order themselves with {@code @Priority}.
 */
public final class DomainEvents {
  private DomainEvents() {}

  /**
   * A name is about to be hosted; a feature that already uses it as a domain of its own says so.
   */
  public static final class NameClaimed {
    private final String name;
    private String takenAs;

    public NameClaimed(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    /** What the name already is, e.g. "alias domain". */
    public void takenAs(String what) {
      takenAs = what;
    }

    /** What the name already is, or null while it is free. */
    public String takenAs() {
      return takenAs;
    }
  }

  /** Before a delete: each feature says how many of its rows are in the domain. */
  public static final class UsageAsked {
    private final Domain domain;
    private final Map<String, Long> counts = new LinkedHashMap<>();

    public UsageAsked(Domain domain) {
      this.domain = domain;
    }

    public Domain domain() {
      return domain;
    }

    /** Counts of rows in the domain, as in "3 mailboxes": what, then how many. */
    public void holds(String what, long count) {
      counts.put(what, count);
    }

    public boolean inUse() {
      return counts.values().stream().anyMatch(count -> count > 0);
    }

    /** "3 mailboxes, 0 aliases and 1 alias domains", in the observers' order. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      counts.forEach((what, count) -> parts.add(count + " " + what));
      int last = parts.size() - 1;
      return last <= 0
          ? String.join("", parts)
          : String.join(", ", parts.subList(0, last)) + " and " + parts.get(last);
    }
  }

  /**
   * The domain is deleted in this transaction (with ?cascade=true when it still holds rows):
   * observers delete their rows in it first.
   */
  public static final class Deleting {
    private final Domain domain;
    private boolean removedUnaudited;

    public Deleting(Domain domain) {
      this.domain = domain;
    }

    public Domain domain() {
      return domain;
    }

    /**
     * Rows went with the domain without an audit event of their own (a bulk delete), so the
     * domain's own event says it cascaded.
     */
    public void removedUnaudited() {
      removedUnaudited = true;
    }

    boolean hasRemovedUnaudited() {
      return removedUnaudited;
    }
  }

  /**
   * New limits are about to be stored; a feature whose rows already exceed one throws
   * LIMIT_BELOW_USAGE.
   */
  public record LimitsChanging(Domain domain, DomainLimits limits) {
    /**
     * Refuses a maximum below what the domain already holds; the count is only taken when the
     * maximum is set.
     */
    public void requireNotBelow(String limit, Integer max, LongSupplier count, String what) {
      if (max == null) {
        return;
      }
      long used = count.getAsLong();
      if (used > max) {
        throw new ApiException(
            ProblemKind.LIMIT_BELOW_USAGE,
            "limits."
                + limit
                + " "
                + max
                + " is below the "
                + used
                + " "
                + what
                + " the domain has");
      }
    }
  }

  /** The domain's enabled flag changed: logins and signing of everything in it follow it. */
  public record EnabledChanged(Domain domain) {}
}
