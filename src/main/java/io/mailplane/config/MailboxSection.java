package io.mailplane.config;

import io.mailplane.api.Precondition;
import io.mailplane.auth.Caller;
import io.mailplane.common.MailAddress;
import io.mailplane.config.ConfigDocument.MailboxEntry;
import io.mailplane.domains.DomainQueries;
import io.mailplane.events.Resource;
import io.mailplane.mailboxes.Mailbox;
import io.mailplane.mailboxes.MailboxDto;
import io.mailplane.mailboxes.MailboxService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
class MailboxSection implements ConfigSection<MailboxEntry> {
  @Inject Caller caller;
  @Inject MailboxService service;
  @Inject EntryValidator validator;
  @Inject EntityManager em;

  @Override
  public String name() {
    return "mailboxes";
  }

  @Override
  public Resource resourceType() {
    return Resource.MAILBOX;
  }

  @Override
  public int rank() {
    return 40;
  }

  @Override
  public List<MailboxEntry> entries(ConfigDocument document) {
    return document.mailboxes();
  }

  @Override
  public String key(MailboxEntry entry) {
    return MailAddress.parse(entry.address(), "address", false).toString();
  }

  private static final SectionRows<Mailbox> ROWS =
      new SectionRows<>(
          Mailbox.class,
          "select m from Mailbox m",
          "Mailbox m",
          "m.address",
          "m.domain.name",
          null,
          "m.domain.id in :scope",
          DomainQueries::idsOf);

  @Override
  public Page<MailboxEntry> exportPage(String after, int limit) {
    return ROWS.page(em, caller.visibleDomains(), after, limit, this::entry);
  }

  @Override
  public Map<String, MailboxEntry> find(Collection<String> keys) {
    Map<String, MailboxEntry> found = new HashMap<>();
    for (Mailbox m : ROWS.byKeys(em, caller.visibleDomains(), keys)) {
      found.put(m.address, entry(m));
    }
    return found;
  }

  @Override
  public List<String> keysAfter(String after, int limit) {
    return ROWS.keysAfter(em, caller.visibleDomains(), after, limit);
  }

  @Override
  public List<String> keysInDomains(Collection<String> domains) {
    return ROWS.keysInDomains(em, caller.visibleDomains(), domains);
  }

  /**
   * Password hashes only go to callers that may also set them (admin, or a domain scope over the
   * mailbox's domain), for lossless GitOps round trips; a read-only token gets none.
   */
  private MailboxEntry entry(Mailbox m) {
    return new MailboxEntry(
        m.address,
        m.displayName,
        caller.canWrite(MailAddress.domainOf(m.address)) ? m.passwordHash : null,
        null,
        m.quotaMb,
        m.enabled,
        m.sendOnly,
        m.admin,
        m.domainAdmin);
  }

  /** Bean Validation of the request the entry becomes, as the REST layer's @Valid runs it. */
  @Override
  public void check(String key, MailboxEntry desired) {
    validator.check(request(key, desired));
  }

  private static MailboxDto request(String key, MailboxEntry desired) {
    return new MailboxDto(
        key,
        desired.displayName(),
        desired.password(),
        desired.passwordHash(),
        desired.quotaMb(),
        desired.enabled(),
        desired.sendOnly(),
        desired.admin(),
        desired.domainAdmin(),
        null,
        null,
        null,
        null,
        null);
  }

  @Override
  public void put(String key, MailboxEntry desired, MailboxEntry current) {
    MailboxDto request = request(key, desired);
    MailboxDto wanted = request.withDefaults();
    if (current != null
        && desired.password() == null
        && desired.quotaMb() != null
        && new MailboxEntry(
                key,
                wanted.displayName(),
                desired.passwordHash() == null ? current.passwordHash() : desired.passwordHash(),
                null,
                desired.quotaMb(),
                wanted.enabled(),
                wanted.sendOnly(),
                desired.admin() == null ? current.admin() : desired.admin(),
                desired.domainAdmin() == null ? current.domainAdmin() : desired.domainAdmin())
            .equals(current)) {
      return;
    }
    service.put(key, request, Precondition.NONE);
  }

  @Override
  public int createChunk() {
    return BATCH;
  }

  @Override
  public void createAll(Map<String, MailboxEntry> entries) {
    service.createAll(
        entries.entrySet().stream().map(e -> request(e.getKey(), e.getValue())).toList());
  }

  @Override
  public void delete(String key) {
    service.delete(key, Precondition.NONE);
  }
}
