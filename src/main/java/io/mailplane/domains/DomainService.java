package io.mailplane.domains;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailplane.aliases.Alias;
import io.mailplane.api.ApiException;
import io.mailplane.api.Page;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Patches;
import io.mailplane.api.Preconditions;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.Timestamps;
import io.mailplane.api.Upserted;
import io.mailplane.audit.AuditService;
import io.mailplane.auth.Caller;
import io.mailplane.mailboxes.Mailbox;
import io.mailplane.push.Outbox;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

@ApplicationScoped
public class DomainService {
  private static final String TYPE = "domain";

  @Inject Caller caller;
  @Inject AuditService audit;
  @Inject Patches patches;
  @Inject io.mailplane.dkim.DkimService dkim;
  @Inject Outbox outbox;

  @Transactional
  public DomainDto create(DomainDto request) {
    String name = DomainNames.normalize(request.name(), "name");
    caller.requireAdmin();
    if (Domain.findByName(name) != null || AliasDomain.findByName(name) != null) {
      throw ApiException.alreadyExists(TYPE, name);
    }
    return insert(name, request);
  }

  @Transactional
  public Upserted<DomainDto> put(
      String key, DomainDto request, String ifMatch, String ifNoneMatch) {
    String name = DomainNames.pathKey(key, request.name(), "domain");
    requireAdminOrHide(name);
    Domain existing = Domain.findByName(name);
    if (existing == null) {
      Preconditions.check(ifMatch, ifNoneMatch, null);
      if (AliasDomain.findByName(name) != null) {
        throw new ApiException(
            ProblemKind.ALREADY_EXISTS, "'" + name + "' is already an alias domain");
      }
      return new Upserted<>(insert(name, request), true);
    }
    Preconditions.check(ifMatch, ifNoneMatch, existing.version);
    return new Upserted<>(replace(existing, request), false);
  }

  // Reads run without a JTA transaction: three fewer statements per GET (docs/benchmarks.md).
  public DomainDto get(String key) {
    return toDto(visible(key));
  }

  @Transactional
  public DomainDto patch(String key, JsonNode patch, String ifMatch) {
    Domain existing = visible(key);
    requireAdminOrHide(existing.name);
    Preconditions.check(ifMatch, null, existing.version);
    DomainDto merged = patches.merge(toDto(existing), patch, DomainDto.class);
    DomainNames.pathKey(existing.name, merged.name(), "domain");
    return replace(existing, merged);
  }

  @Transactional
  public void delete(String key, boolean cascade, String ifMatch) {
    Domain domain = visible(key);
    requireAdminOrHide(domain.name);
    Preconditions.check(ifMatch, null, domain.version);
    long mailboxes = Mailbox.count("domain", domain);
    long aliases = Alias.count("domain", domain);
    long aliasDomains = AliasDomain.count("target", domain);
    if (!cascade && (mailboxes > 0 || aliases > 0 || aliasDomains > 0)) {
      throw new ApiException(
          ProblemKind.RESOURCE_IN_USE,
          String.format(
              "domain '%s' still has %d mailboxes, %d aliases and %d alias domains;"
                  + " delete them first or pass ?cascade=true",
              domain.name, mailboxes, aliases, aliasDomains));
    }
    DomainDto before = toDto(domain);
    if (mailboxes > 0) {
      outbox.recordMailboxesOf(domain.id);
    }
    if (cascade) {
      Alias.deleteAllOfDomain(domain);
      Mailbox.delete("domain", domain);
      for (AliasDomain aliasDomain : AliasDomain.<AliasDomain>list("target", domain)) {
        audit.record(
            "alias-domain.delete",
            "alias-domain",
            aliasDomain.name,
            domain.name,
            AliasDomainService.toDto(aliasDomain),
            null);
        aliasDomain.delete();
      }
    }
    dkim.forgetDomain(domain);
    domain.delete();
    audit.record(
        cascade && (mailboxes > 0 || aliases > 0) ? "domain.delete-cascade" : "domain.delete",
        TYPE,
        domain.name,
        domain.name,
        before,
        null);
  }

  public Page<DomainDto> list(PageRequest page, String prefix, Boolean enabled) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (page.afterKey() != null) {
      where.add("name > :after");
      params.and("after", page.afterKey());
    }
    Optional<Set<String>> visible = caller.visibleDomains();
    if (visible.isPresent()) {
      if (visible.get().isEmpty()) {
        return new Page<>(List.of(), null);
      }
      where.add("name in :visible");
      params.and("visible", visible.get());
    }
    if (prefix != null && !prefix.isEmpty()) {
      where.add("name like :prefix escape '!'");
      params.and("prefix", likePrefix(prefix));
    }
    if (enabled != null) {
      where.add("enabled = :enabled");
      params.and("enabled", enabled);
    }
    String query = (where.isEmpty() ? "" : String.join(" and ", where)) + " order by name";
    List<Domain> rows = Domain.<Domain>find(query, params).page(0, page.limit() + 1).list();
    return Page.of(rows, page.limit(), d -> d.name, DomainService::toDto);
  }

  /**
   * Ids of the named domains, so lists of a domain-scoped caller filter on the indexed foreign key
   * rather than joining the domain table (which made MariaDB sort whole tables, bench/).
   */
  public static List<Long> idsOf(Set<String> names) {
    List<Long> ids =
        Domain.getEntityManager()
            .createQuery("select d.id from Domain d where d.name in :names", Long.class)
            .setParameter("names", names)
            .getResultList();
    return ids.isEmpty() ? List.of(-1L) : ids;
  }

  /** Escapes LIKE wildcards (with '!') so q is a literal prefix; keys are stored lowercase. */
  public static String likePrefix(String prefix) {
    return prefix
            .toLowerCase(java.util.Locale.ROOT)
            .replace("!", "!!")
            .replace("%", "!%")
            .replace("_", "!_")
        + "%";
  }

  /** The domain, if the caller may see it; 404 otherwise (also when it exists elsewhere). */
  public Domain visible(String key) {
    String name = DomainNames.normalize(key, "domain");
    Domain domain = caller.canRead(name) ? Domain.findByName(name) : null;
    if (domain == null) {
      throw ApiException.notFound(TYPE, name);
    }
    return domain;
  }

  /**
   * The domain an object is written in, locked so that limit checks of concurrent writers in it are
   * serialized. A domain the caller cannot see answers exactly like a missing one.
   */
  public Domain lockForWrite(String name) {
    caller.requireSomeWrite();
    ApiException domainNotFound =
        new ApiException(ProblemKind.NOT_FOUND, "domain '" + name + "' does not exist");
    caller.requireWrite(name, domainNotFound);
    Domain domain = Domain.findByNameForUpdate(name);
    if (domain == null) {
      throw domainNotFound;
    }
    return domain;
  }

  /** Hosted domains are changed by admins only; others do not learn more than they may read. */
  private void requireAdminOrHide(String name) {
    caller.requireRead(name, ApiException.notFound(TYPE, name));
    caller.requireAdmin();
  }

  private DomainDto insert(String name, DomainDto request) {
    Domain domain = new Domain();
    domain.name = name;
    domain.createdAt = Timestamps.now();
    apply(domain, request, true);
    domain.persist();
    DomainDto created = toDto(domain);
    audit.record("domain.create", TYPE, name, name, null, created);
    return created;
  }

  private DomainDto replace(Domain domain, DomainDto request) {
    DomainDto before = toDto(domain);
    apply(domain, request, false);
    Domain.getEntityManager().flush();
    DomainDto after = toDto(domain);
    if (!Objects.equals(before.enabled(), after.enabled())) {
      // Logins and signing of every mailbox depend on the domain's flag.
      outbox.recordMailboxesOf(domain.id);
      outbox.record(Outbox.DKIM, domain.name);
    }
    if (!Objects.equals(before, after)) {
      audit.record("domain.update", TYPE, domain.name, domain.name, before, after);
    }
    return after;
  }

  private void apply(Domain domain, DomainDto request, boolean isNew) {
    DomainLimits limits = request.limits() == null ? DomainLimits.NONE : request.limits();
    if (limits.maxQuotaMb() != null && limits.defaultQuotaMb() != null) {
      if (limits.defaultQuotaMb() > limits.maxQuotaMb()) {
        throw ApiException.invalid("limits.defaultQuotaMb", "must not exceed limits.maxQuotaMb");
      }
      if (limits.defaultQuotaMb() == 0) {
        throw ApiException.invalid(
            "limits.defaultQuotaMb", "must be set (not unlimited) when limits.maxQuotaMb is set");
      }
    }
    if (!isNew) {
      checkNotBelowUsage(domain, limits);
    }
    String description = request.description() == null ? null : request.description().strip();
    boolean enabled = request.enabled() == null || request.enabled();
    boolean changed =
        isNew
            || !Objects.equals(domain.description, description)
            || domain.enabled != enabled
            || !Objects.equals(domain.maxMailboxes, limits.maxMailboxes())
            || !Objects.equals(domain.maxAliases, limits.maxAliases())
            || !Objects.equals(domain.maxQuotaMb, limits.maxQuotaMb())
            || !Objects.equals(domain.defaultQuotaMb, limits.defaultQuotaMb());
    if (!changed) {
      return;
    }
    domain.description = description;
    domain.enabled = enabled;
    domain.maxMailboxes = limits.maxMailboxes();
    domain.maxAliases = limits.maxAliases();
    domain.maxQuotaMb = limits.maxQuotaMb();
    domain.defaultQuotaMb = limits.defaultQuotaMb();
    domain.updatedAt = Timestamps.now();
  }

  private static void checkNotBelowUsage(Domain domain, DomainLimits limits) {
    if (limits.maxMailboxes() != null) {
      long count = Mailbox.count("domain", domain);
      if (count > limits.maxMailboxes()) {
        throw new ApiException(
            ProblemKind.LIMIT_BELOW_USAGE,
            "limits.maxMailboxes "
                + limits.maxMailboxes()
                + " is below the "
                + count
                + " mailboxes the domain has");
      }
    }
    if (limits.maxAliases() != null) {
      long count = Alias.count("domain", domain);
      if (count > limits.maxAliases()) {
        throw new ApiException(
            ProblemKind.LIMIT_BELOW_USAGE,
            "limits.maxAliases "
                + limits.maxAliases()
                + " is below the "
                + count
                + " aliases the domain has");
      }
    }
    if (limits.maxQuotaMb() != null) {
      long over =
          Mailbox.count(
              "domain = ?1 and (quotaMb = 0 or quotaMb > ?2)", domain, limits.maxQuotaMb());
      if (over > 0) {
        throw new ApiException(
            ProblemKind.LIMIT_BELOW_USAGE,
            over + " mailboxes have a quota above limits.maxQuotaMb (or none); lower them first");
      }
    }
  }

  public static DomainDto toDto(Domain domain) {
    return new DomainDto(
        domain.name,
        DomainNames.toUnicode(domain.name),
        domain.description,
        domain.enabled,
        new DomainLimits(
            domain.maxMailboxes, domain.maxAliases, domain.maxQuotaMb, domain.defaultQuotaMb),
        domain.version,
        domain.createdAt,
        domain.updatedAt);
  }
}
