package io.mailplane.aliases;

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
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainQueries;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Alias domains. Creating one claims a new domain name on this server, so only admins write them; a
 * domain-scoped token reads those that point at its domains.
 */
@ApplicationScoped
public class AliasDomainService {
  private static final String TYPE = Resource.ALIAS_DOMAIN.wireName();

  @Inject Caller caller;
  @Inject Changes changes;
  @Inject Patches patches;

  @Transactional
  public AliasDomainDto create(AliasDomainDto request) {
    String name = DomainNames.normalize(request.name(), "name");
    caller.requireAdmin();
    if (AliasDomain.findByName(name) != null || Domain.findByName(name) != null) {
      throw ApiException.alreadyExists(TYPE, name);
    }
    return insert(name, request);
  }

  @Transactional
  public Upserted<AliasDomainDto> put(String key, AliasDomainDto request, Precondition condition) {
    String name = DomainNames.pathKey(key, request.name(), "alias domain");
    AliasDomain existing = AliasDomain.findByName(name);
    if (existing != null && !caller.canRead(existing.target.name)) {
      existing = null;
    }
    caller.requireAdmin();
    condition.check(existing == null ? null : existing.version);
    if (existing == null) {
      if (Domain.findByName(name) != null) {
        throw new ApiException(
            ProblemKind.ALREADY_EXISTS, "'" + name + "' is already a hosted domain");
      }
      return new Upserted<>(insert(name, request), true);
    }
    return new Upserted<>(replace(existing, request), false);
  }

  public AliasDomainDto get(String key) {
    return toDto(visible(key));
  }

  @Transactional
  public AliasDomainDto patch(String key, JsonNode patch, Precondition condition) {
    AliasDomain existing = visible(key);
    caller.requireAdmin();
    condition.check(existing.version);
    AliasDomainDto merged = patches.merge(toDto(existing), patch, AliasDomainDto.class);
    DomainNames.pathKey(existing.name, merged.name(), "alias domain");
    return replace(existing, merged);
  }

  @Transactional
  public void delete(String key, Precondition condition) {
    AliasDomain existing = visible(key);
    caller.requireAdmin();
    condition.check(existing.version);
    AliasDomainDto before = toDto(existing);
    existing.delete();
    changes.record(
        Resource.ALIAS_DOMAIN, Action.DELETE, existing.name, before.targetDomain(), before, null);
  }

  public Page<AliasDomainDto> list(
      PageRequest page, String targetDomain, String prefix, Boolean enabled) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (page.afterKey() != null) {
      where.add("a.name > :after");
      params.and("after", page.afterKey());
    }
    Optional<Set<String>> visible = caller.visibleDomains();
    if (visible.isPresent()) {
      if (visible.get().isEmpty()) {
        return new Page<>(List.of(), null);
      }
      where.add("a.target.name in :visible");
      params.and("visible", visible.get());
    }
    if (targetDomain != null && !targetDomain.isEmpty()) {
      where.add("a.target.name = :target");
      params.and("target", DomainNames.normalize(targetDomain, "domain"));
    }
    if (prefix != null && !prefix.isEmpty()) {
      where.add("a.name like :prefix escape '!'");
      params.and("prefix", DomainQueries.likePrefix(prefix));
    }
    if (enabled != null) {
      where.add("a.enabled = :enabled");
      params.and("enabled", enabled);
    }
    String query =
        "select a from AliasDomain a join fetch a.target"
            + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
            + " order by a.name";
    List<AliasDomain> rows =
        AliasDomain.<AliasDomain>find(query, params).page(0, page.limit() + 1).list();
    return Page.of(rows, page.limit(), a -> a.name, AliasDomainService::toDto);
  }

  private AliasDomain visible(String key) {
    String name = DomainNames.normalize(key, "domain");
    AliasDomain aliasDomain = AliasDomain.findByName(name);
    if (aliasDomain == null || !caller.canRead(aliasDomain.target.name)) {
      throw ApiException.notFound(TYPE, name);
    }
    return aliasDomain;
  }

  private Domain target(AliasDomainDto request) {
    if (request.targetDomain() == null) {
      throw ApiException.invalid("targetDomain", "must not be null");
    }
    String targetName = DomainNames.normalize(request.targetDomain(), "targetDomain");
    Domain target = Domain.findByName(targetName);
    if (target == null) {
      throw new ApiException(
          ProblemKind.VALIDATION_FAILED,
          "targetDomain: domain '" + targetName + "' does not exist",
          List.of(new io.mailplane.api.Problem.FieldError("targetDomain", "domain does not exist")),
          java.util.Map.of());
    }
    return target;
  }

  private AliasDomainDto insert(String name, AliasDomainDto request) {
    AliasDomain aliasDomain = new AliasDomain();
    aliasDomain.name = name;
    aliasDomain.createdAt = Timestamps.now();
    apply(aliasDomain, request);
    aliasDomain.persist();
    AliasDomainDto created = toDto(aliasDomain);
    changes.record(
        Resource.ALIAS_DOMAIN, Action.CREATE, name, created.targetDomain(), null, created);
    return created;
  }

  private AliasDomainDto replace(AliasDomain aliasDomain, AliasDomainDto request) {
    AliasDomainDto before = toDto(aliasDomain);
    apply(aliasDomain, request);
    AliasDomain.getEntityManager().flush();
    AliasDomainDto after = toDto(aliasDomain);
    changes.record(
        Resource.ALIAS_DOMAIN,
        Action.UPDATE,
        aliasDomain.name,
        after.targetDomain(),
        before,
        after);
    return after;
  }

  private void apply(AliasDomain aliasDomain, AliasDomainDto request) {
    Domain target = target(request);
    AliasDomainDto wanted = request.withDefaults();
    String description = wanted.description();
    boolean enabled = wanted.enabled();
    if (aliasDomain.target != null
        && aliasDomain.target.id.equals(target.id)
        && Objects.equals(aliasDomain.description, description)
        && aliasDomain.enabled == enabled) {
      return;
    }
    aliasDomain.target = target;
    aliasDomain.description = description;
    aliasDomain.enabled = enabled;
    aliasDomain.updatedAt = Timestamps.now();
  }

  static AliasDomainDto toDto(AliasDomain aliasDomain) {
    return new AliasDomainDto(
        aliasDomain.name,
        DomainNames.toUnicode(aliasDomain.name),
        aliasDomain.target.name,
        aliasDomain.description,
        aliasDomain.enabled,
        aliasDomain.version,
        aliasDomain.createdAt,
        aliasDomain.updatedAt);
  }
}
