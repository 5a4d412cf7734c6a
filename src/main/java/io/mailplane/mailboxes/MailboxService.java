package io.mailplane.mailboxes;

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
import io.mailplane.auth.FailedAuthLimiter;
import io.mailplane.common.DomainNames;
import io.mailplane.common.InvalidValueException;
import io.mailplane.common.MailAddress;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainQueries;
import io.mailplane.domains.DomainService;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.mailplane.push.Outbox;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;

@ApplicationScoped
public class MailboxService {
  static final String TYPE = Resource.MAILBOX.wireName();

  @Inject Caller caller;
  @Inject DomainService domains;
  @Inject Changes changes;
  @Inject Patches patches;
  @Inject PasswordHasher hasher;
  @Inject MailboxConfig config;
  @Inject Outbox outbox;
  @Inject BreachedPasswords breached;
  @Inject FailedAuthLimiter limiter;
  @Inject MailboxSignIn signIns;
  @Inject DataSource dataSource;

  @Transactional
  public MailboxDto create(MailboxDto request) {
    MailAddress address = MailAddress.parse(request.address(), "address", false);
    Domain domain = domains.lockForWrite(address.domain());
    if (Mailbox.findByAddress(address.toString()) != null) {
      throw ApiException.alreadyExists(TYPE, address.toString());
    }
    return insert(domain, address, request);
  }

  /**
   * New mailboxes as {@link #create} makes them, each checked the same way, but written with a
   * fixed number of statements whatever their number (the seed import's chunks): each domain locked
   * once, one existence query, one batched insert, one batch of audit and outbox events. Any
   * refused mailbox refuses the whole batch with its problem, before anything is written, and
   * leaves the caller's transaction usable: a caller that wants each mailbox's own answer then
   * creates them one by one (config:apply, to name the refused entry) or rolls back (the import's
   * chunk).
   */
  @Transactional(
      value = Transactional.TxType.MANDATORY,
      dontRollbackOn = {ApiException.class, InvalidValueException.class})
  public List<MailboxDto> createAll(List<MailboxDto> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    DomainService.NewObjects batch =
        domains.lockForNewObjects(
            TYPE,
            requests.stream().map(MailboxDto::address).toList(),
            false,
            unique ->
                Mailbox.getEntityManager()
                    .createQuery(
                        "select m.address from Mailbox m where m.address in :addresses",
                        String.class)
                    .setParameter("addresses", unique)
                    .getResultList());
    List<MailAddress> addresses = batch.addresses();
    Map<String, Domain> locked = batch.domains();
    Map<Domain, Long> counts = new HashMap<>();
    List<Mailbox> rows = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      MailAddress address = addresses.get(i);
      Domain domain = locked.get(address.domain());
      if (domain.maxMailboxes != null) {
        long count = counts.computeIfAbsent(domain, d -> Mailbox.count("domain", d));
        if (count >= domain.maxMailboxes) {
          throw new ApiException(
              ProblemKind.MAILBOX_LIMIT_REACHED,
              "domain '"
                  + domain.name
                  + "' may hold at most "
                  + domain.maxMailboxes
                  + " mailboxes");
        }
        counts.put(domain, count + 1);
      }
      MailboxDto request = requests.get(i);
      if (request.password() == null && request.passwordHash() == null) {
        throw ApiException.invalid("password", "a new mailbox needs a password or a passwordHash");
      }
      Mailbox mailbox = new Mailbox();
      mailbox.domain = domain;
      mailbox.localPart = address.localPart();
      mailbox.address = address.toString();
      mailbox.createdAt = Timestamps.now();
      apply(mailbox, request);
      rows.add(mailbox);
    }
    insertAll(rows);
    List<MailboxDto> created = new ArrayList<>(rows.size());
    List<Changes.Change> recorded = new ArrayList<>(rows.size());
    for (Mailbox mailbox : rows) {
      MailboxDto dto = toDto(mailbox);
      created.add(dto);
      recorded.add(new Changes.Change(mailbox.address, mailbox.domain.name, null, dto));
    }
    changes.recordAll(Resource.MAILBOX, Action.CREATE, recorded);
    return created;
  }

  /** The rows Hibernate would insert for these new entities (version 0), in one batch. */
  private void insertAll(List<Mailbox> rows) {
    Mailbox.getEntityManager().flush();
    // Closing returns the handle to the transaction, which keeps the physical connection.
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO mailbox (domain_id, local_part, address, display_name, password_hash,"
                    + " quota_mb, enabled, send_only, admin, domain_admin, version, created_at,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Mailbox m : rows) {
        insert.setLong(1, m.domain.id);
        insert.setString(2, m.localPart);
        insert.setString(3, m.address);
        insert.setString(4, m.displayName);
        insert.setString(5, m.passwordHash);
        insert.setLong(6, m.quotaMb);
        insert.setBoolean(7, m.enabled);
        insert.setBoolean(8, m.sendOnly);
        insert.setBoolean(9, m.admin);
        insert.setBoolean(10, m.domainAdmin);
        insert.setLong(11, m.version);
        // Hibernate writes instants as UTC (quarkus.hibernate-orm.jdbc.timezone): so do we.
        insert.setObject(12, LocalDateTime.ofInstant(m.createdAt, ZoneOffset.UTC));
        insert.setObject(13, LocalDateTime.ofInstant(m.updatedAt, ZoneOffset.UTC));
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot insert the mailboxes", e);
    }
  }

  @Transactional
  public Upserted<MailboxDto> put(String key, MailboxDto request, Precondition condition) {
    MailAddress address = keyOf(key, request.address());
    Domain domain = domains.lockForWrite(address.domain());
    Mailbox existing = Mailbox.findByAddress(address.toString());
    condition.check(existing == null ? null : existing.version);
    if (existing == null) {
      return new Upserted<>(insert(domain, address, request), true);
    }
    return new Upserted<>(replace(existing, request), false);
  }

  public MailboxDto get(String key) {
    return toDto(visible(key));
  }

  @Transactional
  public MailboxDto patch(String key, JsonNode patch, Precondition condition) {
    Mailbox existing = visible(key);
    caller.requireWrite(existing.domain.name, notFound(existing.address));
    condition.check(existing.version);
    MailboxDto merged = patches.merge(toDto(existing), patch, MailboxDto.class);
    keyOf(existing.address, merged.address());
    return replace(existing, merged);
  }

  /**
   * The owner's own password change (any caller who may change the mailbox can use it, but it
   * always needs the current password). The self-service policy applies on top of the length rules:
   * not the address, not a breached password, not the current one. Dovecot's auth cache is flushed
   * through the outbox as for any password change, so the old password stops working for IMAP, POP3
   * and SMTP as soon as the push is delivered.
   */
  @Transactional
  public MailboxDto changeOwnPassword(String key, PasswordChangeDto request) {
    Mailbox mailbox = visible(key);
    caller.requireWriteMailbox(mailbox.address, notFound(mailbox.address));
    String current = request.currentPassword();
    String next = request.newPassword();
    if (current == null || current.isEmpty()) {
      throw ApiException.invalid("currentPassword", "required");
    }
    if (current.length() > MailboxSignIn.MAX_PASSWORD) {
      throw ApiException.invalid(
          "currentPassword", "must be at most " + MailboxSignIn.MAX_PASSWORD + " characters");
    }
    if (next == null) {
      throw ApiException.invalid("newPassword", "required");
    }
    OptionalLong locked = limiter.accountLockedFor(mailbox.address);
    if (locked.isPresent()) {
      throw MailboxSignIn.rateLimited(
          "too many failed password checks for this mailbox; try again later", locked);
    }
    if (!hasher.matches(current, mailbox.passwordHash)) {
      // Counted like a failed sign-in: a stolen session must not become a password oracle.
      limiter.recordAccountFailure(mailbox.address);
      throw new ApiException(
          ProblemKind.FORBIDDEN, "currentPassword is not the mailbox's current password");
    }
    hasher.checkPolicy(next, "newPassword");
    if (next.strip().toLowerCase(Locale.ROOT).equals(mailbox.address)
        || next.strip().equalsIgnoreCase(mailbox.localPart)) {
      throw ApiException.invalid("newPassword", "must not be the address or its local part");
    }
    if (breached.contains(next)) {
      throw ApiException.invalid(
          "newPassword", "is in a list of passwords known from breaches; choose another");
    }
    if (next.equals(current)) {
      throw ApiException.invalid("newPassword", "must differ from the current password");
    }
    MailboxDto before = toDto(mailbox);
    mailbox.passwordHash = hasher.hash(next, "newPassword");
    mailbox.updatedAt = Timestamps.now();
    Mailbox.getEntityManager().flush();
    MailboxDto after = toDto(mailbox);
    if (Boolean.TRUE.equals(request.endOtherSessions())) {
      outbox.record(Outbox.SESSIONS, mailbox.address);
      signIns.endOtherSessions(mailbox);
    }
    changes.record(
        Resource.MAILBOX,
        Action.PASSWORD_CHANGE,
        mailbox.address,
        mailbox.domain.name,
        before,
        after);
    return after;
  }

  @Transactional
  public void delete(String key, Precondition condition) {
    Mailbox existing = visible(key);
    caller.requireWrite(existing.domain.name, notFound(existing.address));
    condition.check(existing.version);
    MailboxDto before = toDto(existing);
    existing.delete();
    changes.record(
        Resource.MAILBOX, Action.DELETE, existing.address, existing.domain.name, before, null);
  }

  public Page<MailboxDto> list(
      PageRequest page, String domainFilter, String prefix, Boolean enabled) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (page.afterKey() != null) {
      where.add("m.address > :after");
      params.and("after", page.afterKey());
    }
    Optional<Set<String>> visible = caller.visibleDomains();
    if (domainFilter != null && !domainFilter.isEmpty()) {
      String name = DomainNames.normalize(domainFilter, "domain");
      if (visible.isPresent() && !visible.get().contains(name)) {
        return new Page<>(List.of(), null);
      }
      Domain domain = Domain.findByName(name);
      if (domain == null) {
        return new Page<>(List.of(), null);
      }
      where.add("m.domain = :domain");
      params.and("domain", domain);
    } else if (visible.isPresent()) {
      if (visible.get().isEmpty()) {
        return new Page<>(List.of(), null);
      }
      where.add("m.domain.id in :visible");
      params.and("visible", DomainQueries.idsOf(visible.get()));
    }
    if (prefix != null && !prefix.isEmpty()) {
      where.add("m.address like :prefix escape '!'");
      params.and("prefix", DomainQueries.likePrefix(prefix));
    }
    if (enabled != null) {
      where.add("m.enabled = :enabled");
      params.and("enabled", enabled);
    }
    String query =
        "select m from Mailbox m"
            + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
            + " order by m.address";
    List<Mailbox> rows = Mailbox.<Mailbox>find(query, params).page(0, page.limit() + 1).list();
    return Page.of(rows, page.limit(), m -> m.address, MailboxService::toDto);
  }

  private Mailbox visible(String key) {
    MailAddress address = MailAddress.parse(key, "address", false);
    Mailbox mailbox =
        caller.canReadMailbox(address.toString())
            ? Mailbox.findByAddress(address.toString())
            : null;
    if (mailbox == null) {
      throw notFound(address.toString());
    }
    return mailbox;
  }

  private static ApiException notFound(String address) {
    return ApiException.notFound(TYPE, address);
  }

  private static MailAddress keyOf(String pathKey, String bodyAddress) {
    MailAddress address = MailAddress.parse(pathKey, "address", false);
    if (bodyAddress != null && !MailAddress.parse(bodyAddress, "address", false).equals(address)) {
      throw ApiException.invalid(
          "address", "must match the address in the path (renaming is not supported)");
    }
    return address;
  }

  private MailboxDto insert(Domain domain, MailAddress address, MailboxDto request) {
    if (domain.maxMailboxes != null && Mailbox.count("domain", domain) >= domain.maxMailboxes) {
      throw new ApiException(
          ProblemKind.MAILBOX_LIMIT_REACHED,
          "domain '" + domain.name + "' may hold at most " + domain.maxMailboxes + " mailboxes");
    }
    if (request.password() == null && request.passwordHash() == null) {
      throw ApiException.invalid("password", "a new mailbox needs a password or a passwordHash");
    }
    Mailbox mailbox = new Mailbox();
    mailbox.domain = domain;
    mailbox.localPart = address.localPart();
    mailbox.address = address.toString();
    mailbox.createdAt = Timestamps.now();
    apply(mailbox, request);
    mailbox.persist();
    MailboxDto created = toDto(mailbox);
    changes.record(Resource.MAILBOX, Action.CREATE, mailbox.address, domain.name, null, created);
    return created;
  }

  private MailboxDto replace(Mailbox mailbox, MailboxDto request) {
    MailboxDto before = toDto(mailbox);
    String hashBefore = mailbox.passwordHash;
    apply(mailbox, request);
    Mailbox.getEntityManager().flush();
    MailboxDto after = toDto(mailbox);
    boolean passwordChanged = !hashBefore.equals(mailbox.passwordHash);
    // A new password bumps the version, so it is a change even when nothing else differs.
    // Dovecot caches the userdb answer (quota) with the login, so any change is pushed.
    changes.record(
        Resource.MAILBOX,
        passwordChanged && Objects.equals(withoutVersion(before), withoutVersion(after))
            ? Action.PASSWORD_CHANGE
            : Action.UPDATE,
        mailbox.address,
        mailbox.domain.name,
        before,
        after);
    return after;
  }

  private void apply(Mailbox mailbox, MailboxDto request) {
    if (request.password() != null && request.passwordHash() != null) {
      throw ApiException.invalid("passwordHash", "send either password or passwordHash, not both");
    }
    Domain domain = mailbox.domain;
    long quota = request.quotaMb() != null ? request.quotaMb() : defaultQuota(domain);
    if (domain.maxQuotaMb != null && (quota == 0 || quota > domain.maxQuotaMb)) {
      throw new ApiException(
          ProblemKind.QUOTA_LIMIT_EXCEEDED,
          "quotaMb must be between 1 and "
              + domain.maxQuotaMb
              + " in domain '"
              + domain.name
              + "'");
    }
    String passwordHash = mailbox.passwordHash;
    if (request.password() != null
        && (passwordHash == null || !hasher.matches(request.password(), passwordHash))) {
      passwordHash = hasher.hash(request.password(), "password");
    } else if (request.passwordHash() != null) {
      passwordHash = hasher.validateImported(request.passwordHash(), "passwordHash");
    }
    MailboxDto wanted = request.withDefaults();
    String displayName = wanted.displayName();
    boolean enabled = wanted.enabled();
    boolean sendOnly = wanted.sendOnly();
    boolean admin = flag(request.admin(), mailbox.admin, "admin");
    boolean domainAdmin = flag(request.domainAdmin(), mailbox.domainAdmin, "domainAdmin");
    if (Objects.equals(mailbox.passwordHash, passwordHash)
        && Objects.equals(mailbox.displayName, displayName)
        && mailbox.quotaMb == quota
        && mailbox.enabled == enabled
        && mailbox.sendOnly == sendOnly
        && mailbox.admin == admin
        && mailbox.domainAdmin == domainAdmin) {
      return;
    }
    mailbox.admin = admin;
    mailbox.domainAdmin = domainAdmin;
    mailbox.passwordHash = passwordHash;
    mailbox.displayName = displayName;
    mailbox.quotaMb = quota;
    mailbox.enabled = enabled;
    mailbox.sendOnly = sendOnly;
    mailbox.updatedAt = Timestamps.now();
  }

  /** Absent keeps the current value; only an admin may change it (it will grant a role). */
  private boolean flag(Boolean requested, boolean current, String field) {
    if (requested == null || requested == current) {
      return current;
    }
    if (!caller.isAdmin()) {
      throw new ApiException(ProblemKind.FORBIDDEN, field + ": only an admin may change it");
    }
    return requested;
  }

  private long defaultQuota(Domain domain) {
    return domain.defaultQuotaMb != null ? domain.defaultQuotaMb : config.defaultQuotaMb();
  }

  private static MailboxDto withoutVersion(MailboxDto dto) {
    return new MailboxDto(
        dto.address(),
        dto.displayName(),
        null,
        null,
        dto.quotaMb(),
        dto.enabled(),
        dto.sendOnly(),
        dto.admin(),
        dto.domainAdmin(),
        dto.domain(),
        null,
        null,
        dto.createdAt(),
        null);
  }

  static MailboxDto toDto(Mailbox mailbox) {
    return new MailboxDto(
        mailbox.address,
        mailbox.displayName,
        null,
        null,
        mailbox.quotaMb,
        mailbox.enabled,
        mailbox.sendOnly,
        mailbox.admin,
        mailbox.domainAdmin,
        // The address's domain part is the domain's name (renames are not supported): reading it
        // from the address spares GET a second SELECT and lets lists skip the domain join, whose
        // plan sorted the whole table for a first page (12.7 s at 1M mailboxes, bench/).
        MailAddress.domainOf(mailbox.address),
        PasswordHasher.schemeOf(mailbox.passwordHash),
        mailbox.version,
        mailbox.createdAt,
        mailbox.updatedAt);
  }
}
