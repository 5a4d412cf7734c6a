package io.mailplane;

import io.mailplane.mailboxes.Mailbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Domains of a test that creates mailboxes and aliases by the thousand, emptied after the test. The
 * test database is shared and kept from one run to the next, and ConfigResourceTest plans the
 * admin's whole export, which must stay below mailplane.config.max-entries (20,000): without this,
 * the third run on one database would fail there.
 *
 * <p>The rows go by SQL, not through the API: a cascading domain delete would queue one push event
 * per mailbox for the test Dovecot, which other tests time.
 */
public final class BulkTestDomains {
  private final List<String> created = new ArrayList<>();

  public String create() {
    return create(Map.of());
  }

  public String create(Map<String, Object> extra) {
    String name = TestApi.createDomain(extra);
    created.add(name);
    return name;
  }

  /** Deletes the aliases and mailboxes of every domain created so far (the domains stay). */
  public void empty() {
    if (created.isEmpty()) {
      return;
    }
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              for (String table : List.of("alias", "mailbox")) {
                Mailbox.getEntityManager()
                    .createNativeQuery(
                        "DELETE FROM "
                            + table
                            + " WHERE domain_id IN (SELECT id FROM domain WHERE name IN (:names))")
                    .setParameter("names", created)
                    .executeUpdate();
              }
            });
    created.clear();
  }
}
