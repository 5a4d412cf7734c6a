package io.mailplane.domains;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailplane.api.ApiException;
import io.mailplane.api.Page;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Patches;
import io.mailplane.api.Precondition;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.Timestamps;
import io.mailplane.api.Upserted;
import io.mailplane.audit.Changes;
import io.mailplane.auth.Caller;
import io.mailplane.common.DomainNames;
import io.mailplane.common.MailAddress;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Hosted domains: create, read, change, delete; plus the lookups and write locks the features use.
 * The delete's cascade is {@link DomainDependants}, the shared list filters {@link DomainQueries}.
 */
@ApplicationScoped
public class DomainService {
  private static final String TYPE = Resource.DOMAIN.wireName();

  @Inject Caller caller;
  @Inject Changes changes;
  @Inject Patches patches;
  @Inject Event<DomainEvents.NameClaimed> nameClaimed;
  @Inject DomainDependants dependants;
  @Inject Event<DomainEvents.LimitsChanging> limitsChanging;
  @Inject Event<DomainEvents.EnabledChanged> enabledChanged;

  @Transactional
  public DomainDto create(DomainDto request) {
    String name = DomainNames.normalize(request.name(), "name");
    caller.requireAdmin();
    if (Domain.findByName(name) != null || takenAs(name) != null) {
      throw ApiException.alreadyExists(TYPE, name);
    }
    return insert(name, request);
  }

  @Transactional
  public Upserted<DomainDto> put(String key, DomainDto request, Precondition condition) {
    String name = DomainNames.pathKey(key, request.name(), "domain");
    requireAdminOrHide(name);
    Domain existing = Domain.findByName(name);
    if (existing == null) {
      condition.check(null);
      String takenAs = takenAs(name);
      if (takenAs != null) {
        throw new ApiException(
            ProblemKind.ALREADY_EXISTS, "'" + name + "' is already an " + takenAs);
      }
      return new Upserted<>(insert(name, request), true);
    }
    condition.check(existing.version);
    return new Upserted<>(replace(existing, request), false);
  }

  // Reads run without a JTA transaction: three fewer statements per GET (docs/benchmarks.md).
  public DomainDto get(String key) {
    return toDto(visible(key));
  }

  @Transactional
  public DomainDto patch(String key, JsonNode patch, Precondition condition) {
    Domain existing = visible(key);
    requireAdminOrHide(existing.name);
    condition.check(existing.version);
    DomainDto merged = patches.merge(toDto(existing), patch, DomainDto.class);
    DomainNames.pathKey(existing.name, merged.name(), "domain");
    return replace(existing, merged);
  }

  @Transactional
  public void delete(String key, boolean cascade, Precondition condition) {
    Domain domain = visible(key);
    requireAdminOrHide(domain.name);
    condition.check(domain.version);
    dependants.requireNoneUnlessCascade(domain, cascade);
    DomainDto before = toDto(domain);
    DomainEvents.Deleting event = dependants.deleteAll(domain);
    domain.delete();
    changes.record(
        Resource.DOMAIN,
        event.hasRemovedUnaudited() ? Action.DELETE_CASCADE : Action.DELETE,
        domain.name,
        domain.name,
        before,
        null);
  }

  /** What else the name is hosted as (e.g. "alias domain"), or null. */
  private String takenAs(String name) {
    DomainEvents.NameClaimed claim = new DomainEvents.NameClaimed(name);
    nameClaimed.fire(claim);
    return claim.takenAs();
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
      params.and("prefix", DomainQueries.likePrefix(prefix));
    }
    if (enabled != null) {
      where.add("enabled = :enabled");
      params.and("enabled", enabled);
    }
    String query = (where.isEmpty() ? "" : String.join(" and ", where)) + " order by name";
    List<Domain> rows = Domain.<Domain>find(query, params).page(0, page.limit() + 1).list();
    return Page.of(rows, page.limit(), d -> d.name, DomainService::toDto);
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

  /**
   * {@link #lockForWrite} for several domains in one locking query (in name order, as every caller
   * locks them), for writes of many objects at once; the first missing or hidden domain answers as
   * lockForWrite would.
   */
  public Map<String, Domain> lockAllForWrite(Collection<String> names) {
    caller.requireSomeWrite();
    List<String> sorted = names.stream().distinct().sorted().toList();
    for (String name : sorted) {
      caller.requireWrite(
          name, new ApiException(ProblemKind.NOT_FOUND, "domain '" + name + "' does not exist"));
    }
    Map<String, Domain> locked = new HashMap<>();
    Domain.<Domain>find("name in ?1 order by name", sorted)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .list()
        .forEach(d -> locked.put(d.name, d));
    for (String name : sorted) {
      if (!locked.containsKey(name)) {
        throw new ApiException(ProblemKind.NOT_FOUND, "domain '" + name + "' does not exist");
      }
    }
    return locked;
  }

  /** The addresses of a batch of new objects, in request order, and their domains, locked. */
  public record NewObjects(List<MailAddress> addresses, Map<String, Domain> domains) {}

  /**
   * The common start of a batch create (an import chunk): every address parsed as the single create
   * parses it, none twice, the domains locked as {@link #lockAllForWrite} locks them, and none of
   * the addresses taken yet ({@code taken} answers which of them already exist).
   */
  public NewObjects lockForNewObjects(
      String type,
      List<String> addresses,
      boolean catchAllAllowed,
      Function<Set<String>, List<String>> taken) {
    List<MailAddress> parsed = new ArrayList<>(addresses.size());
    Set<String> unique = new HashSet<>();
    for (String raw : addresses) {
      MailAddress address = MailAddress.parse(raw, "address", catchAllAllowed);
      if (!unique.add(address.toString())) {
        throw ApiException.alreadyExists(type, address.toString());
      }
      parsed.add(address);
    }
    Map<String, Domain> locked = lockAllForWrite(parsed.stream().map(MailAddress::domain).toList());
    taken.apply(unique).stream()
        .sorted()
        .findFirst()
        .ifPresent(
            address -> {
              throw ApiException.alreadyExists(type, address);
            });
    return new NewObjects(parsed, locked);
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
    changes.record(Resource.DOMAIN, Action.CREATE, name, name, null, created);
    return created;
  }

  private DomainDto replace(Domain domain, DomainDto request) {
    DomainDto before = toDto(domain);
    apply(domain, request, false);
    Domain.getEntityManager().flush();
    DomainDto after = toDto(domain);
    if (!Objects.equals(before.enabled(), after.enabled())) {
      // Logins and signing of every mailbox depend on the domain's flag.
      enabledChanged.fire(new DomainEvents.EnabledChanged(domain));
    }
    changes.record(Resource.DOMAIN, Action.UPDATE, domain.name, domain.name, before, after);
    return after;
  }

  private void apply(Domain domain, DomainDto request, boolean isNew) {
    DomainDto wanted = request.withDefaults();
    DomainLimits limits = wanted.limits();
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
      limitsChanging.fire(new DomainEvents.LimitsChanging(domain, limits));
    }
    String description = wanted.description();
    boolean enabled = wanted.enabled();
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
