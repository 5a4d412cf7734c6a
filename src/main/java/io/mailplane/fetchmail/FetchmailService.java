package io.mailplane.fetchmail;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailplane.api.ApiException;
import io.mailplane.api.Page;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Patches;
import io.mailplane.api.Precondition;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.Timestamps;
import io.mailplane.audit.Changes;
import io.mailplane.auth.Caller;
import io.mailplane.common.DomainNames;
import io.mailplane.common.MailAddress;
import io.mailplane.crypto.SecretCipher;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainQueries;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.mailplane.mailboxes.Mailbox;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Fetchmail accounts: create, read, change and delete them (their runs: {@link FetchmailRuns}). */
@ApplicationScoped
public class FetchmailService {

  @Inject Caller caller;
  @Inject Changes changes;
  @Inject Patches patches;
  @Inject SecretCipher cipher;
  @Inject FetchmailSchedule schedule;
  @Inject FetchmailConfig config;
  @Inject Destinations destinations;

  /** The validated, normalized settings of an account (everything but the password). */
  private record Settings(
      Mailbox mailbox,
      String host,
      int port,
      String protocol,
      String username,
      String tls,
      boolean verifyCertificate,
      List<String> folders,
      boolean keep,
      boolean fetchAll,
      int intervalSeconds,
      boolean enabled) {}

  @Transactional
  public FetchmailAccountDto create(FetchmailAccountDto request) {
    caller.requireSomeWrite();
    Settings settings = validate(request);
    if (request.password() == null) {
      throw ApiException.invalid("password", "required");
    }
    checkPassword(request.password());
    FetchmailAccount account = new FetchmailAccount();
    account.createdAt = Timestamps.now();
    // Encrypted once the id (part of the ciphertext's context) is known.
    account.passwordEnc = "pending";
    apply(account, settings);
    account.persist();
    FetchmailAccount.getEntityManager().flush();
    // A bulk update, so that the new object starts at version 0 like every other.
    FetchmailAccount.update(
        "passwordEnc = ?1 where id = ?2", encrypt(account.id, request.password()), account.id);
    FetchmailAccount.getEntityManager().refresh(account);
    schedule.sync(account, true);
    FetchmailAccountDto created = toDto(account);
    changes.record(
        Resource.FETCHMAIL_ACCOUNT,
        Action.CREATE,
        account.id.toString(),
        domainOf(account),
        null,
        plainDto(account));
    return created;
  }

  public FetchmailAccountDto get(long id) {
    return toDto(visible(id));
  }

  @Transactional
  public FetchmailAccountDto put(long id, FetchmailAccountDto request, Precondition condition) {
    FetchmailAccount account = writable(id, condition);
    checkId(id, request.id());
    return replace(account, request);
  }

  @Transactional
  public FetchmailAccountDto patch(long id, JsonNode patch, Precondition condition) {
    FetchmailAccount account = writable(id, condition);
    FetchmailAccountDto merged = patches.merge(plainDto(account), patch, FetchmailAccountDto.class);
    checkId(id, merged.id());
    return replace(account, merged);
  }

  @Transactional
  public void delete(long id, Precondition condition) {
    FetchmailAccount account = writable(id, condition);
    // Account row first, then its runs: the lock order of the runner.
    FetchmailAccount.getEntityManager().lock(account, LockModeType.PESSIMISTIC_WRITE);
    FetchmailAccountDto before = plainDto(account);
    String domain = domainOf(account);
    FetchmailRun.delete("accountId", account.id);
    account.delete();
    schedule.remove(id);
    changes.record(
        Resource.FETCHMAIL_ACCOUNT, Action.DELETE, Long.toString(id), domain, before, null);
  }

  public Page<FetchmailAccountDto> list(
      PageRequest page, String mailboxFilter, String domainFilter, Boolean enabled) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (page.afterKey() != null) {
      where.add("a.id > :after");
      params.and("after", page.afterId());
    }
    Optional<Set<String>> visible = caller.visibleDomains();
    Optional<String> own = caller.selfMailbox();
    if (own.isPresent()) {
      where.add("a.mailbox.address = :own");
      params.and("own", own.get());
    } else if (visible.isPresent()) {
      if (visible.get().isEmpty()) {
        return new Page<>(List.of(), null);
      }
      where.add("a.mailbox.domain.id in :visible");
      params.and("visible", DomainQueries.idsOf(visible.get()));
    }
    if (domainFilter != null && !domainFilter.isEmpty()) {
      Domain domain = Domain.findByName(DomainNames.normalize(domainFilter, "domain"));
      if (domain == null) {
        return new Page<>(List.of(), null);
      }
      where.add("a.mailbox.domain = :domain");
      params.and("domain", domain);
    }
    if (mailboxFilter != null && !mailboxFilter.isEmpty()) {
      where.add("a.mailbox.address = :mailbox");
      params.and("mailbox", MailAddress.parse(mailboxFilter, "mailbox", false).toString());
    }
    if (enabled != null) {
      where.add("a.enabled = :enabled");
      params.and("enabled", enabled);
    }
    String query =
        "select a from FetchmailAccount a join fetch a.mailbox"
            + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
            + " order by a.id";
    List<FetchmailAccount> rows =
        FetchmailAccount.<FetchmailAccount>find(query, params).page(0, page.limit() + 1).list();
    List<FetchmailAccount> shown =
        rows.size() > page.limit() ? rows.subList(0, page.limit()) : rows;
    Map<Long, Instant> next = schedule.nextRuns(shown.stream().map(a -> a.id).toList());
    List<Long> runIds = shown.stream().map(a -> a.lastRunId).filter(Objects::nonNull).toList();
    Map<Long, FetchmailRun> runs = new HashMap<>();
    if (!runIds.isEmpty()) {
      FetchmailRun.<FetchmailRun>list("id in ?1", runIds).forEach(r -> runs.put(r.id, r));
    }
    return Page.of(
        rows,
        page.limit(),
        a -> a.id.toString(),
        a -> dto(a, runs.get(a.lastRunId), next.get(a.id), true));
  }

  // --- helpers ---

  private FetchmailAccountDto replace(FetchmailAccount account, FetchmailAccountDto request) {
    Settings settings = validate(request);
    FetchmailAccountDto before = plainDto(account);
    int intervalBefore = account.intervalSeconds;
    boolean enabledBefore = account.enabled;
    boolean changed = apply(account, settings);
    boolean passwordChanged = false;
    if (request.password() != null) {
      checkPassword(request.password());
      String current = decrypt(account);
      if (!current.equals(request.password())) {
        account.passwordEnc = encrypt(account.id, request.password());
        passwordChanged = true;
      }
    }
    if (!changed && !passwordChanged) {
      return toDto(account);
    }
    if (passwordChanged || (account.enabled && !enabledBefore)) {
      // A new password or an explicit re-enable is a fresh start for the failure counters.
      account.consecutiveAuthFailures = 0;
      account.consecutiveFailures = 0;
      account.disabledReason = null;
    }
    account.updatedAt = Timestamps.now();
    FetchmailAccount.getEntityManager().flush();
    schedule.sync(account, account.intervalSeconds != intervalBefore || !enabledBefore);
    FetchmailAccountDto after = plainDto(account);
    changes.record(
        Resource.FETCHMAIL_ACCOUNT,
        passwordChanged && !changed ? Action.PASSWORD_CHANGE : Action.UPDATE,
        account.id.toString(),
        domainOf(account),
        before,
        after);
    return toDto(account);
  }

  /** Copies the settings; true when something changed. */
  private static boolean apply(FetchmailAccount account, Settings s) {
    String folders = s.folders().isEmpty() ? null : String.join("\n", s.folders());
    boolean same =
        account.mailbox == s.mailbox()
            && Objects.equals(account.host, s.host())
            && account.port == s.port()
            && Objects.equals(account.protocol, s.protocol())
            && Objects.equals(account.username, s.username())
            && Objects.equals(account.tlsMode, s.tls())
            && account.verifyCertificate == s.verifyCertificate()
            && Objects.equals(account.folders, folders)
            && account.keep == s.keep()
            && account.fetchAll == s.fetchAll()
            && account.intervalSeconds == s.intervalSeconds()
            && account.enabled == s.enabled();
    if (same) {
      return false;
    }
    if (!Objects.equals(account.host, s.host())
        || !Objects.equals(account.username, s.username())
        || !Objects.equals(account.protocol, s.protocol())) {
      // The id file describes what was seen on one remote mailbox; another one starts afresh.
      account.idState = null;
    }
    account.mailbox = s.mailbox();
    account.host = s.host();
    account.port = s.port();
    account.protocol = s.protocol();
    account.username = s.username();
    account.tlsMode = s.tls();
    account.verifyCertificate = s.verifyCertificate();
    account.folders = folders;
    account.keep = s.keep();
    account.fetchAll = s.fetchAll();
    account.intervalSeconds = s.intervalSeconds();
    account.enabled = s.enabled();
    account.updatedAt = Timestamps.now();
    return true;
  }

  private Settings validate(FetchmailAccountDto r) {
    List<io.mailplane.api.Problem.FieldError> errors = new ArrayList<>();
    Mailbox mailbox = null;
    if (r.mailbox() == null) {
      errors.add(error("mailbox", "required"));
    } else {
      MailAddress address = MailAddress.parse(r.mailbox(), "mailbox", false);
      mailbox =
          caller.canReadMailbox(address.toString())
              ? Mailbox.findByAddress(address.toString())
              : null;
      if (mailbox == null) {
        errors.add(error("mailbox", "no such mailbox"));
      } else if (!caller.canWriteMailbox(address.toString())) {
        throw new ApiException(
            ProblemKind.FORBIDDEN, "this token may not change objects in " + address.domain());
      }
    }
    String host = null;
    if (r.host() == null) {
      errors.add(error("host", "required"));
    } else {
      try {
        host = RcFile.normalizeHost(r.host());
        String refused = destinations.check(host);
        if (refused != null) {
          errors.add(error("host", refused));
        }
      } catch (IllegalArgumentException e) {
        errors.add(error("host", e.getMessage()));
      }
    }
    String protocol = r.protocol();
    if (protocol == null) {
      errors.add(error("protocol", "required"));
    } else if (!protocol.equals("imap") && !protocol.equals("pop3")) {
      errors.add(error("protocol", "must be imap or pop3"));
    }
    String tls = r.tls() == null ? "starttls" : r.tls();
    if (!Set.of("none", "starttls", "tls").contains(tls)) {
      errors.add(error("tls", "must be none, starttls or tls"));
    }
    if (r.username() == null) {
      errors.add(error("username", "required"));
    } else {
      text(errors, "username", r.username(), RcFile.MAX_USERNAME);
    }
    List<String> folders = r.folders() == null ? List.of() : r.folders();
    if (folders.size() > RcFile.MAX_FOLDERS) {
      errors.add(error("folders", "at most " + RcFile.MAX_FOLDERS + " folders"));
    } else {
      for (int i = 0; i < folders.size(); i++) {
        if (folders.get(i) == null) {
          errors.add(error("folders[" + i + "]", "must not be null"));
        } else {
          text(errors, "folders[" + i + "]", folders.get(i), RcFile.MAX_FOLDER);
        }
      }
      if (!folders.isEmpty() && "pop3".equals(protocol)) {
        errors.add(error("folders", "POP3 has no folders"));
      }
      if (folders.stream().distinct().count() != folders.size()) {
        errors.add(error("folders", "must not repeat a folder"));
      }
    }
    long min = config.minInterval().toSeconds();
    int interval = r.intervalSeconds() == null ? (int) Math.max(300, min) : r.intervalSeconds();
    if (interval < min || interval > 7 * 86_400) {
      errors.add(error("intervalSeconds", "must be between " + min + " and 604800"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(
          ProblemKind.VALIDATION_FAILED,
          errors.get(0).field() + ": " + errors.get(0).message(),
          errors,
          Map.of());
    }
    int port =
        r.port() != null
            ? r.port()
            : protocol.equals("imap")
                ? (tls.equals("tls") ? 993 : 143)
                : (tls.equals("tls") ? 995 : 110);
    return new Settings(
        mailbox,
        host,
        port,
        protocol,
        r.username(),
        tls,
        r.verifyCertificate() == null || r.verifyCertificate(),
        List.copyOf(folders),
        r.keep() != null && r.keep(),
        r.fetchAll() != null && r.fetchAll(),
        interval,
        r.enabled() == null || r.enabled());
  }

  private static void text(
      List<io.mailplane.api.Problem.FieldError> errors, String field, String value, int max) {
    try {
      RcFile.checkText(value, max);
    } catch (IllegalArgumentException e) {
      errors.add(error(field, e.getMessage()));
    }
  }

  private static void checkPassword(String password) {
    try {
      RcFile.checkText(password, RcFile.MAX_PASSWORD);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("password", e.getMessage());
    }
  }

  private static io.mailplane.api.Problem.FieldError error(String field, String message) {
    return new io.mailplane.api.Problem.FieldError(field, message);
  }

  private String encrypt(long id, String password) {
    return cipher.encrypt(
        password.getBytes(StandardCharsets.UTF_8), FetchmailAccount.passwordContext(id));
  }

  private String decrypt(FetchmailAccount account) {
    return new String(
        cipher.decrypt(account.passwordEnc, FetchmailAccount.passwordContext(account.id)),
        StandardCharsets.UTF_8);
  }

  /** The account, if the caller may see its mailbox's domain; 404 otherwise. */
  FetchmailAccount visible(long id) {
    FetchmailAccount account = FetchmailAccount.findById(id);
    if (account == null || !caller.canReadMailbox(account.mailbox.address)) {
      throw notFound(id);
    }
    return account;
  }

  private FetchmailAccount writable(long id, Precondition condition) {
    FetchmailAccount account = visible(id);
    caller.requireWriteMailbox(account.mailbox.address, notFound(id));
    condition.check(account.version);
    return account;
  }

  private static void checkId(long id, Long bodyId) {
    if (bodyId != null && bodyId != id) {
      throw ApiException.invalid("id", "must match the id in the path");
    }
  }

  static ApiException notFound(long id) {
    return ApiException.notFound("fetchmail account", Long.toString(id));
  }

  static String domainOf(FetchmailAccount account) {
    return MailAddress.domainOf(account.mailbox.address);
  }

  static List<String> foldersOf(String stored) {
    return stored == null || stored.isEmpty() ? List.of() : List.of(stored.split("\n"));
  }

  FetchmailAccountDto toDto(FetchmailAccount account) {
    FetchmailRun last = account.lastRunId == null ? null : FetchmailRun.findById(account.lastRunId);
    return dto(account, last, schedule.nextRuns(List.of(account.id)).get(account.id), true);
  }

  /** Without run state: what audit events record (it carries no secret by construction). */
  static FetchmailAccountDto plainDto(FetchmailAccount account) {
    return dto(account, null, null, false);
  }

  private static FetchmailAccountDto dto(
      FetchmailAccount a, FetchmailRun lastRun, Instant nextRunAt, boolean withState) {
    return new FetchmailAccountDto(
        a.id,
        a.mailbox.address,
        a.host,
        a.port,
        a.protocol,
        a.username,
        null,
        a.tlsMode,
        a.verifyCertificate,
        foldersOf(a.folders),
        a.keep,
        a.fetchAll,
        a.intervalSeconds,
        a.enabled,
        a.disabledReason,
        withState ? a.consecutiveFailures : null,
        lastRun == null ? null : FetchmailRunDto.of(lastRun),
        a.enabled ? nextRunAt : null,
        a.version,
        a.createdAt,
        a.updatedAt);
  }
}
