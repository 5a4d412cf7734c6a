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
import io.mailplane.common.InvalidValueException;
import io.mailplane.common.MailAddress;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainQueries;
import io.mailplane.domains.DomainService;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.mailplane.mailboxes.Mailbox;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

@ApplicationScoped
public class AliasService {
  private static final String TYPE = Resource.ALIAS.wireName();

  @Inject Caller caller;
  @Inject DomainService domains;
  @Inject Changes changes;
  @Inject Patches patches;
  @Inject DataSource dataSource;

  @Transactional
  public AliasDto create(AliasDto request) {
    MailAddress address = MailAddress.parse(request.address(), "address", true);
    Domain domain = domains.lockForWrite(address.domain());
    if (Alias.findByAddress(address.toString()) != null) {
      throw ApiException.alreadyExists(TYPE, address.toString());
    }
    return insert(domain, address, request);
  }

  /**
   * New aliases as {@link #create} makes them, each checked the same way (the loop check as if all
   * of them existed), but written with a fixed number of statements whatever their number (the seed
   * import's chunks): domains locked in one query, one existence query, the alias graph expanded
   * level by level for all of them, batched inserts, one batch of audit and outbox events. Any
   * refused alias refuses the whole batch with its problem, before anything is written, and leaves
   * the caller's transaction usable: a caller that wants each alias's own answer then creates them
   * one by one (config:apply, to name the refused entry) or rolls back (the import's chunk).
   */
  @Transactional(
      value = Transactional.TxType.MANDATORY,
      dontRollbackOn = {ApiException.class, InvalidValueException.class})
  public List<AliasDto> createAll(List<AliasDto> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    DomainService.NewObjects batch =
        domains.lockForNewObjects(
            TYPE,
            requests.stream().map(AliasDto::address).toList(),
            true,
            unique ->
                Alias.getEntityManager()
                    .createQuery(
                        "select a.address from Alias a where a.address in :addresses", String.class)
                    .setParameter("addresses", unique)
                    .getResultList());
    List<MailAddress> addresses = batch.addresses();
    Map<String, Domain> locked = batch.domains();
    Map<Domain, Long> counts = new HashMap<>();
    List<Alias> rows = new ArrayList<>(requests.size());
    Map<String, List<String>> graph = new LinkedHashMap<>();
    Set<String> listingThemselves = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      MailAddress address = addresses.get(i);
      Domain domain = locked.get(address.domain());
      if (domain.maxAliases != null) {
        long count = counts.computeIfAbsent(domain, d -> Alias.count("domain", d));
        if (count >= domain.maxAliases) {
          throw new ApiException(
              ProblemKind.ALIAS_LIMIT_REACHED,
              "domain '" + domain.name + "' may hold at most " + domain.maxAliases + " aliases");
        }
        counts.put(domain, count + 1);
      }
      AliasDto request = requests.get(i);
      Alias alias = new Alias();
      alias.domain = domain;
      alias.localPart = address.localPart();
      alias.address = address.toString();
      alias.createdAt = Timestamps.now();
      List<String> destinations = normalizeDestinations(request.destinations());
      AliasDto wanted = request.withDefaults();
      alias.destinations.addAll(destinations);
      alias.description = wanted.description();
      alias.enabled = wanted.enabled();
      alias.updatedAt = Timestamps.now();
      rows.add(alias);
      List<String> others = destinations.stream().filter(d -> !d.equals(alias.address)).toList();
      if (others.size() != destinations.size()) {
        listingThemselves.add(alias.address);
      }
      graph.put(alias.address, others);
    }
    if (!listingThemselves.isEmpty()) {
      Set<String> mailboxes =
          new HashSet<>(
              Mailbox.getEntityManager()
                  .createQuery(
                      "select m.address from Mailbox m where m.address in :a", String.class)
                  .setParameter("a", listingThemselves)
                  .getResultList());
      for (String self : graph.keySet()) {
        if (listingThemselves.contains(self) && !mailboxes.contains(self)) {
          throw new ApiException(
              ProblemKind.ALIAS_LOOP,
              "'" + self + "' lists itself as a destination but is not a mailbox");
        }
      }
    }
    Optional<String> loop = AliasGraph.firstLoop(graph);
    if (loop.isPresent()) {
      throw new ApiException(
          ProblemKind.ALIAS_LOOP,
          "the destinations lead back to '" + loop.get() + "' through other aliases");
    }
    insertAll(rows);
    List<AliasDto> created = new ArrayList<>(rows.size());
    List<Changes.Change> recorded = new ArrayList<>(rows.size());
    for (Alias alias : rows) {
      AliasDto dto = toDto(alias);
      created.add(dto);
      recorded.add(new Changes.Change(alias.address, alias.domain.name, null, dto));
    }
    changes.recordAll(Resource.ALIAS, Action.CREATE, recorded);
    return created;
  }

  /** The rows Hibernate would insert for these new aliases (version 0), in two batches. */
  private void insertAll(List<Alias> rows) {
    Alias.getEntityManager().flush();
    // Closing returns the handle to the transaction, which keeps the physical connection.
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO alias (domain_id, local_part, address, description, enabled, version,"
                  + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Alias a : rows) {
          insert.setLong(1, a.domain.id);
          insert.setString(2, a.localPart);
          insert.setString(3, a.address);
          insert.setString(4, a.description);
          insert.setBoolean(5, a.enabled);
          insert.setLong(6, a.version);
          // Hibernate writes instants as UTC (quarkus.hibernate-orm.jdbc.timezone): so do we.
          insert.setObject(7, LocalDateTime.ofInstant(a.createdAt, ZoneOffset.UTC));
          insert.setObject(8, LocalDateTime.ofInstant(a.updatedAt, ZoneOffset.UTC));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      Map<String, Long> ids = new HashMap<>();
      String marks = String.join(", ", Collections.nCopies(rows.size(), "?"));
      try (PreparedStatement query =
          connection.prepareStatement(
              "SELECT address, id FROM alias WHERE address IN (" + marks + ")")) {
        for (int i = 0; i < rows.size(); i++) {
          query.setString(i + 1, rows.get(i).address);
        }
        try (ResultSet result = query.executeQuery()) {
          while (result.next()) {
            ids.put(result.getString(1), result.getLong(2));
          }
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO alias_destination (alias_id, position, destination) VALUES (?, ?, ?)")) {
        for (Alias a : rows) {
          for (int position = 0; position < a.destinations.size(); position++) {
            insert.setLong(1, ids.get(a.address));
            insert.setInt(2, position);
            insert.setString(3, a.destinations.get(position));
            insert.addBatch();
          }
        }
        insert.executeBatch();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot insert the aliases", e);
    }
  }

  @Transactional
  public Upserted<AliasDto> put(String key, AliasDto request, Precondition condition) {
    MailAddress address = keyOf(key, request.address());
    Domain domain = domains.lockForWrite(address.domain());
    Alias existing = Alias.findByAddress(address.toString());
    condition.check(existing == null ? null : existing.version);
    if (existing == null) {
      return new Upserted<>(insert(domain, address, request), true);
    }
    return new Upserted<>(replace(existing, address, request), false);
  }

  public AliasDto get(String key) {
    return toDto(visible(key));
  }

  @Transactional
  public AliasDto patch(String key, JsonNode patch, Precondition condition) {
    Alias existing = visible(key);
    caller.requireWrite(existing.domain.name, notFound(existing.address));
    condition.check(existing.version);
    AliasDto merged = patches.merge(toDto(existing), patch, AliasDto.class);
    MailAddress address = keyOf(existing.address, merged.address());
    return replace(existing, address, merged);
  }

  @Transactional
  public void delete(String key, Precondition condition) {
    Alias existing = visible(key);
    caller.requireWrite(existing.domain.name, notFound(existing.address));
    condition.check(existing.version);
    AliasDto before = toDto(existing);
    existing.delete();
    changes.record(
        Resource.ALIAS, Action.DELETE, existing.address, existing.domain.name, before, null);
  }

  public Page<AliasDto> list(
      PageRequest page, String domainFilter, String prefix, Boolean enabled) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (page.afterKey() != null) {
      where.add("a.address > :after");
      params.and("after", page.afterKey());
    }
    Optional<Set<String>> visible = caller.visibleDomains();
    if (domainFilter != null && !domainFilter.isEmpty()) {
      String name = DomainNames.normalize(domainFilter, "domain");
      Domain domain =
          visible.isPresent() && !visible.get().contains(name) ? null : Domain.findByName(name);
      if (domain == null) {
        return new Page<>(List.of(), null);
      }
      where.add("a.domain = :domain");
      params.and("domain", domain);
    } else if (visible.isPresent()) {
      if (visible.get().isEmpty()) {
        return new Page<>(List.of(), null);
      }
      where.add("a.domain.id in :visible");
      params.and("visible", DomainQueries.idsOf(visible.get()));
    }
    if (prefix != null && !prefix.isEmpty()) {
      where.add("a.address like :prefix escape '!'");
      params.and("prefix", DomainQueries.likePrefix(prefix));
    }
    if (enabled != null) {
      where.add("a.enabled = :enabled");
      params.and("enabled", enabled);
    }
    String query =
        "select a from Alias a"
            + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
            + " order by a.address";
    List<Alias> rows = Alias.<Alias>find(query, params).page(0, page.limit() + 1).list();
    return Page.of(rows, page.limit(), a -> a.address, AliasService::toDto);
  }

  private Alias visible(String key) {
    MailAddress address = MailAddress.parse(key, "address", true);
    Alias alias = caller.canRead(address.domain()) ? Alias.findByAddress(address.toString()) : null;
    if (alias == null) {
      throw notFound(address.toString());
    }
    return alias;
  }

  private static ApiException notFound(String address) {
    return ApiException.notFound(TYPE, address);
  }

  private static MailAddress keyOf(String pathKey, String bodyAddress) {
    MailAddress address = MailAddress.parse(pathKey, "address", true);
    if (bodyAddress != null && !MailAddress.parse(bodyAddress, "address", true).equals(address)) {
      throw ApiException.invalid(
          "address", "must match the address in the path (renaming is not supported)");
    }
    return address;
  }

  private AliasDto insert(Domain domain, MailAddress address, AliasDto request) {
    if (domain.maxAliases != null && Alias.count("domain", domain) >= domain.maxAliases) {
      throw new ApiException(
          ProblemKind.ALIAS_LIMIT_REACHED,
          "domain '" + domain.name + "' may hold at most " + domain.maxAliases + " aliases");
    }
    Alias alias = new Alias();
    alias.domain = domain;
    alias.localPart = address.localPart();
    alias.address = address.toString();
    alias.createdAt = Timestamps.now();
    apply(alias, address, request);
    alias.persist();
    AliasDto created = toDto(alias);
    changes.record(Resource.ALIAS, Action.CREATE, alias.address, domain.name, null, created);
    return created;
  }

  private AliasDto replace(Alias alias, MailAddress address, AliasDto request) {
    AliasDto before = toDto(alias);
    apply(alias, address, request);
    Alias.getEntityManager().flush();
    AliasDto after = toDto(alias);
    changes.record(Resource.ALIAS, Action.UPDATE, alias.address, alias.domain.name, before, after);
    return after;
  }

  private void apply(Alias alias, MailAddress address, AliasDto request) {
    List<String> destinations = normalizeDestinations(request.destinations());
    checkNoLoop(address, destinations);
    AliasDto wanted = request.withDefaults();
    String description = wanted.description();
    boolean enabled = wanted.enabled();
    if (alias.destinations.equals(destinations)
        && Objects.equals(alias.description, description)
        && alias.enabled == enabled) {
      return;
    }
    if (!alias.destinations.equals(destinations)) {
      alias.destinations.clear();
      alias.destinations.addAll(destinations);
    }
    alias.description = description;
    alias.enabled = enabled;
    alias.updatedAt = Timestamps.now();
  }

  private static List<String> normalizeDestinations(List<String> raw) {
    if (raw == null || raw.isEmpty()) {
      throw ApiException.invalid("destinations", "must hold at least one address");
    }
    Set<String> unique = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      unique.add(MailAddress.parse(raw.get(i), "destinations[" + i + "]", false).toString());
    }
    return new ArrayList<>(unique);
  }

  /**
   * A destination equal to the alias itself keeps a copy in the mailbox of that address (Postfix
   * does not expand an address that maps to itself); anything else leading back is a loop.
   */
  private static void checkNoLoop(MailAddress address, List<String> destinations) {
    String self = address.toString();
    List<String> others = destinations.stream().filter(d -> !d.equals(self)).toList();
    if (others.size() != destinations.size() && Mailbox.findByAddress(self) == null) {
      throw new ApiException(
          ProblemKind.ALIAS_LOOP,
          "'" + self + "' lists itself as a destination but is not a mailbox");
    }
    if (AliasGraph.loopsBack(address, others)) {
      throw new ApiException(
          ProblemKind.ALIAS_LOOP,
          "the destinations lead back to '" + self + "' through other aliases");
    }
  }

  static AliasDto toDto(Alias alias) {
    return new AliasDto(
        alias.address,
        List.copyOf(alias.destinations),
        alias.enabled,
        alias.description,
        // The domain part of the key is the domain's name: no second query, no join in lists.
        MailAddress.domainOf(alias.address),
        alias.localPart.isEmpty(),
        alias.version,
        alias.createdAt,
        alias.updatedAt);
  }
}
