package io.mailplane.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailplane.api.ApiException;
import io.mailplane.common.DomainNames;
import io.mailplane.common.InvalidValueException;
import io.mailplane.common.MailAddress;
import io.mailplane.dkim.DkimService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the seed's rows into an import plan: every seed row becomes an object line or a skipped
 * line with its reason, and every object the seed had at an earlier import but has no more a "gone"
 * line. Existing objects are compared 3-way (seed now, seed at the last import, mailplane now vs.
 * right after the last import): only fields the seed changed and mailplane did not are updated; a
 * field both changed is a conflict, mailplane's value is kept.
 */
final class ImportPlanner {
  /** An object as mailplane holds it now: comparable values, id and version where it has them. */
  record Existing(ObjectNode values, Long id, Long version) {}

  /** mailplane's current objects, by kind and natural key. */
  interface Current {
    Existing find(String kind, String key);
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectMapper json;
  private final ImportRequest.Options options;
  private final Current current;
  private final Map<String, Map<String, ImportState>> base;
  private final List<ImportPlan> plan = new ArrayList<>();
  private final Map<String, Set<String>> seen = new HashMap<>();

  ImportPlanner(
      ObjectMapper json,
      ImportRequest.Options options,
      Current current,
      Map<String, Map<String, ImportState>> base) {
    this.json = json;
    this.options = options;
    this.current = current;
    this.base = base;
  }

  List<ImportPlan> plan(SeedSnapshot seed) {
    Map<Long, String> domainKeys = domains(seed);
    Map<Long, String> mailboxKeys = mailboxes(seed, domainKeys);
    aliases(seed, domainKeys);
    dkim(seed, domainKeys);
    fetchmail(seed, mailboxKeys);
    gone();
    return plan;
  }

  // --- domains ---

  private Map<Long, String> domains(SeedSnapshot seed) {
    Map<Long, String> keys = new HashMap<>();
    Map<String, Long> firstRow = new HashMap<>();
    for (SeedSnapshot.Domain d : seed.domains()) {
      String row = "mail_domains#" + d.id();
      String raw = d.name() == null ? "" : d.name();
      if (!raw.equals(raw.strip())) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.DOMAIN,
                raw,
                row,
                "the name has surrounding spaces; no query of the seed matches it"));
        continue;
      }
      if (raw.endsWith(".") && !options.trailingDots().equals("strip")) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.DOMAIN,
                raw,
                row,
                "trailing dot: inert in the seed (no query matches it); option trailingDots=strip"
                    + " imports it without the dot, which makes it live"));
        continue;
      }
      String key;
      try {
        key = DomainNames.normalize(raw, "name");
      } catch (InvalidValueException e) {
        plan.add(ImportPlan.skip(ImportPlan.DOMAIN, raw, row, "invalid domain: " + e.getMessage()));
        continue;
      }
      Long first = firstRow.putIfAbsent(key, d.id());
      if (first != null) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.DOMAIN,
                key,
                row,
                "duplicate of mail_domains#" + first + " ('" + key + "')"));
        continue;
      }
      keys.put(d.id(), key);
      plan.add(object(ImportPlan.DOMAIN, key, row, json.createObjectNode(), Map.of(), Set.of()));
    }
    return keys;
  }

  // --- mailboxes ---

  private Map<Long, String> mailboxes(SeedSnapshot seed, Map<Long, String> domainKeys) {
    Map<Long, String> keys = new HashMap<>();
    Map<String, Long> firstRow = new HashMap<>();
    Set<Long> seedDomainIds = new TreeSet<>();
    seed.domains().forEach(d -> seedDomainIds.add(d.id()));
    for (SeedSnapshot.User u : seed.users()) {
      String row = "mail_users#" + u.id();
      String domain = u.domainId() == null ? null : domainKeys.get(u.domainId());
      String shown = u.name() + "@" + (domain == null ? "?" : domain);
      if (domain == null) {
        plan.add(
            ImportPlan.skip(ImportPlan.MAILBOX, shown, row, orphan(u.domainId(), seedDomainIds)));
        continue;
      }
      String key;
      try {
        key = MailAddress.parse(u.name() + "@" + domain, "address", false).toString();
      } catch (InvalidValueException e) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.MAILBOX,
                shown,
                row,
                "invalid local part '" + u.name() + "': " + e.getMessage()));
        continue;
      }
      Long first = firstRow.putIfAbsent(key, u.id());
      if (first != null) {
        plan.add(ImportPlan.skip(ImportPlan.MAILBOX, key, row, "duplicate of mail_users#" + first));
        continue;
      }
      String hash = u.password() == null ? "" : u.password().strip();
      if (hash.isEmpty() && !options.emptyPasswords().equals("no-login")) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.MAILBOX,
                key,
                row,
                "empty password (in the seed: receives mail, nobody can log in); option"
                    + " emptyPasswords=no-login imports it with a random password nobody knows"));
        continue;
      }
      if (u.quota() < 0) {
        plan.add(
            ImportPlan.skip(ImportPlan.MAILBOX, key, row, "negative quota " + u.quota() + " MB"));
        continue;
      }
      ObjectNode theirs = json.createObjectNode();
      theirs.put("passwordHash", hash);
      theirs.put("quotaMb", u.quota());
      theirs.put("enabled", u.enabled());
      theirs.put("sendOnly", u.sendOnly());
      theirs.put("admin", u.admin());
      theirs.put("domainAdmin", u.domainAdmin());
      keys.put(u.id(), key);
      plan.add(object(ImportPlan.MAILBOX, key, row, theirs, Map.of(), Set.of()));
    }
    return keys;
  }

  private static String orphan(Long domainId, Set<Long> seedDomainIds) {
    if (domainId == null) {
      return "orphan: the row has no domain (domain_id NULL); the seed's daemons never match it";
    }
    return seedDomainIds.contains(domainId)
        ? "its domain mail_domains#" + domainId + " is skipped (see that line)"
        : "orphan: its domain row mail_domains#" + domainId + " does not exist";
  }

  // --- aliases: the seed's one row per destination, grouped by address ---

  private void aliases(SeedSnapshot seed, Map<Long, String> domainKeys) {
    Set<Long> seedDomainIds = new TreeSet<>();
    seed.domains().forEach(d -> seedDomainIds.add(d.id()));
    Map<String, List<SeedSnapshot.AliasRow>> groups = new TreeMap<>();
    Map<String, String> invalid = new HashMap<>();
    for (SeedSnapshot.AliasRow a : seed.aliases()) {
      String row = "mail_aliases#" + a.id();
      String domain = a.domainId() == null ? null : domainKeys.get(a.domainId());
      String name = a.name() == null ? "" : a.name();
      if (domain == null) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.ALIAS, name + "@?", row, orphan(a.domainId(), seedDomainIds)));
        continue;
      }
      String key;
      try {
        key = MailAddress.parse(name + "@" + domain, "address", true).toString();
        if (key.startsWith("@")) {
          key = "@" + domain;
        }
      } catch (InvalidValueException e) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.ALIAS,
                name + "@" + domain,
                row,
                "invalid local part '" + name + "': " + e.getMessage()));
        continue;
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
      try {
        MailAddress.parse(a.destination(), "destinations", false);
      } catch (InvalidValueException e) {
        invalid.merge(key, "'" + a.destination() + "'", (x, y) -> x + ", " + y);
      }
    }
    groups.forEach(
        (key, rows) -> {
          StringBuilder row = new StringBuilder("mail_aliases#");
          Set<String> destinations = new TreeSet<>();
          for (int i = 0; i < rows.size(); i++) {
            row.append(i == 0 ? "" : ",").append(rows.get(i).id());
            destinations.add(rows.get(i).destination().strip().toLowerCase(Locale.ROOT));
          }
          String seedRow = row.length() > 60 ? row.substring(0, 57) + "…" : row.toString();
          if (invalid.containsKey(key)) {
            plan.add(
                ImportPlan.skip(
                    ImportPlan.ALIAS,
                    key,
                    seedRow,
                    "invalid destination "
                        + invalid.get(key)
                        + " (no destination is dropped alone)"));
            return;
          }
          ObjectNode theirs = json.createObjectNode();
          ArrayNode list = theirs.putArray("destinations");
          destinations.forEach(list::add);
          plan.add(
              object(ImportPlan.ALIAS, key, seedRow, theirs, Map.of(), Set.of("destinations")));
        });
  }

  // --- DKIM: the key lives in mail_domains; v8's Redis hash is only a copy of it ---

  private void dkim(SeedSnapshot seed, Map<Long, String> domainKeys) {
    for (SeedSnapshot.Domain d : seed.domains()) {
      String key = domainKeys.get(d.id());
      String pem = d.privateKey() == null ? "" : d.privateKey().strip();
      if (key == null || pem.isEmpty()) {
        if (key == null && !pem.isEmpty()) {
          plan.add(
              ImportPlan.skip(
                  ImportPlan.DKIM,
                  d.name(),
                  "mail_domains#" + d.id(),
                  "its domain is skipped (see that line)"));
        } else if (key != null && d.dkimEnabled()) {
          plan.add(
              ImportPlan.skip(
                  ImportPlan.DKIM,
                  key,
                  "mail_domains#" + d.id(),
                  "DKIM is on in the seed but it has no key: the seed signs nothing"));
        }
        continue;
      }
      String row = "mail_domains#" + d.id();
      String selector =
          d.selector() == null || d.selector().isBlank()
              ? "dkim"
              : d.selector().strip().toLowerCase(Locale.ROOT);
      String publicKey;
      try {
        publicKey = DkimService.publicKeyOf(pem);
      } catch (ApiException e) {
        plan.add(ImportPlan.skip(ImportPlan.DKIM, key, row, "unusable key: " + e.getMessage()));
        continue;
      }
      ObjectNode theirs = json.createObjectNode();
      theirs.put("selector", selector);
      theirs.put("publicKey", publicKey);
      // A switched-off key is kept switched off (stored, never signing): enabling DKIM later in
      // mailplane uses it, so the DNS record published for it stays valid.
      theirs.put("enabled", d.dkimEnabled());
      plan.add(object(ImportPlan.DKIM, key, row, theirs, Map.of("privateKey", pem), Set.of()));
    }
  }

  // --- fetchmail: natural key mailbox|host|username ---

  private void fetchmail(SeedSnapshot seed, Map<Long, String> mailboxKeys) {
    Map<Long, SeedSnapshot.User> users = new HashMap<>();
    seed.users().forEach(u -> users.put(u.id(), u));
    Map<String, Long> firstRow = new HashMap<>();
    for (SeedSnapshot.Fetchmail f : seed.fetchmail()) {
      String row = "fetchmail_accounts#" + f.id();
      String host = f.host() == null ? "" : f.host().strip().toLowerCase(Locale.ROOT);
      String user = f.username() == null ? "" : f.username();
      String mailbox = f.userId() == null ? null : mailboxKeys.get(f.userId());
      String key = (mailbox == null ? "?" : mailbox) + "|" + host + "|" + user;
      if (mailbox == null) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.FETCHMAIL,
                key,
                row,
                f.userId() == null
                    ? "orphan: the account has no mailbox (user_id NULL)"
                    : users.containsKey(f.userId())
                        ? "its mailbox mail_users#" + f.userId() + " is skipped (see that line)"
                        : "orphan: its mailbox row mail_users#" + f.userId() + " does not exist"));
        continue;
      }
      Long first = firstRow.putIfAbsent(key, f.id());
      if (first != null) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.FETCHMAIL, key, row, "duplicate of fetchmail_accounts#" + first));
        continue;
      }
      String protocol = f.protocol() == null ? "" : f.protocol().strip().toLowerCase(Locale.ROOT);
      if (!protocol.equals("imap") && !protocol.equals("pop3")) {
        plan.add(
            ImportPlan.skip(
                ImportPlan.FETCHMAIL, key, row, "unknown protocol '" + f.protocol() + "'"));
        continue;
      }
      if (f.password() == null || f.password().isEmpty()) {
        plan.add(ImportPlan.skip(ImportPlan.FETCHMAIL, key, row, "empty remote password"));
        continue;
      }
      ObjectNode theirs = json.createObjectNode();
      theirs.put("port", f.port());
      theirs.put("protocol", protocol);
      // The seed's ssl = 0 is fetchmail's default: STARTTLS, and no password in clear when the
      // server has none. "starttls" keeps that: the password is never sent unencrypted.
      theirs.put("tls", f.ssl() ? "tls" : "starttls");
      theirs.put("verifyCertificate", f.verifySsl());
      theirs.put("password", "");
      plan.add(
          object(
              ImportPlan.FETCHMAIL, key, row, theirs, Map.of("password", f.password()), Set.of()));
    }
  }

  // --- objects the seed had at an earlier import and has no more ---

  private void gone() {
    base.forEach(
        (kind, states) ->
            states.forEach(
                (hash, state) -> {
                  if (!seen.getOrDefault(kind, Set.of()).contains(state.objectKey)) {
                    plan.add(
                        new ImportPlan(
                            kind,
                            state.objectKey,
                            null,
                            ImportPlan.GONE,
                            "no longer in the seed; kept in mailplane (delete it there if it should"
                                + " go)",
                            null,
                            null,
                            null,
                            null,
                            Map.of(),
                            null,
                            null,
                            false));
                  }
                }));
  }

  // --- the 3-way comparison ---

  private ImportPlan object(
      String kind,
      String key,
      String row,
      ObjectNode theirs,
      Map<String, String> secrets,
      Set<String> setFields) {
    seen.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(key);
    theirs = parse(theirs.toString()); // one number representation for both sides
    ImportState state = base.getOrDefault(kind, Map.of()).get(keyHash(key));
    Existing found = current.find(kind, key);
    Existing mine =
        found == null
            ? null
            : new Existing(parse(found.values().toString()), found.id(), found.version());
    if (mine == null) {
      if (state != null) {
        return new ImportPlan(
            kind,
            key,
            row,
            ImportPlan.KEPT_DELETED,
            "deleted in mailplane after it was imported on "
                + state.updatedAt
                + "; not created again",
            theirs,
            null,
            null,
            null,
            secrets,
            null,
            null,
            false);
      }
      return new ImportPlan(
          kind,
          key,
          row,
          ImportPlan.CREATE,
          null,
          theirs,
          null,
          theirs.deepCopy(),
          null,
          secrets,
          null,
          null,
          true);
    }
    ObjectNode baseSeed = state == null ? null : parse(state.seedJson);
    ObjectNode baseMine = state == null ? null : parse(state.mineJson);
    ObjectNode changes = json.createObjectNode();
    ObjectNode conflicts = json.createObjectNode();
    ObjectNode seedNow = theirs;
    boolean[] seedMoved = {state == null};
    seedNow
        .fieldNames()
        .forEachRemaining(
            field -> {
              boolean secret = secrets.containsKey(field);
              JsonNode t = seedNow.get(field);
              JsonNode m = mine.values().get(field);
              if (state == null) {
                // First contact with an object mailplane already has: mailplane's values stand.
                if (!secret && !t.equals(m)) {
                  conflicts.set(field, conflict(m, t));
                }
                return;
              }
              JsonNode b = baseSeed.get(field);
              boolean seedChanged = secret ? !secretMatches(b, secrets.get(field)) : !t.equals(b);
              if (!seedChanged) {
                return;
              }
              seedMoved[0] = true;
              boolean mineChanged =
                  secret
                      ? mine.version() == null || !mine.version().equals(state.mineVersion)
                      : !java.util.Objects.equals(m, baseMine.get(field));
              if (setFields.contains(field) && b != null && m != null) {
                // Sets merge: what the seed added or removed since, applied to mailplane's set.
                Set<String> merged = texts(m);
                Set<String> before = texts(b);
                Set<String> now = texts(t);
                now.stream().filter(x -> !before.contains(x)).forEach(merged::add);
                before.stream().filter(x -> !now.contains(x)).forEach(merged::remove);
                if (!merged.equals(texts(m))) {
                  ArrayNode list = changes.putArray(field);
                  merged.forEach(list::add);
                }
                return;
              }
              if (!mineChanged) {
                if (secret || !t.equals(m)) {
                  changes.set(field, t);
                }
              } else if (secret || !t.equals(m)) {
                conflicts.set(field, secret ? json.createObjectNode() : conflict(m, t));
              }
            });
    String action =
        !changes.isEmpty()
            ? ImportPlan.UPDATE
            : !conflicts.isEmpty() ? ImportPlan.CONFLICT : ImportPlan.UNCHANGED;
    String reason =
        conflicts.isEmpty()
            ? null
            : (state == null
                    ? "mailplane already has it with other values; mailplane's kept: "
                    : "changed in mailplane and in the seed; mailplane's kept: ")
                + String.join(", ", names(conflicts));
    return new ImportPlan(
        kind,
        key,
        row,
        action,
        reason,
        theirs,
        mine.values(),
        changes,
        conflicts,
        secrets,
        mine.id(),
        mine.version(),
        seedMoved[0]);
  }

  private ObjectNode conflict(JsonNode mine, JsonNode theirs) {
    ObjectNode node = json.createObjectNode();
    node.set("mailplane", mine);
    node.set("seed", theirs);
    return node;
  }

  private static List<String> names(ObjectNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> out = new TreeSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private ObjectNode parse(String text) {
    try {
      return (ObjectNode) json.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable import state", e);
    }
  }

  // --- secrets: stored only as salted SHA-256, enough to tell whether the seed changed them ---

  static String secretHash(String value) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    String s = HexFormat.of().formatHex(salt);
    return s + ":" + sha256(s + value);
  }

  private static boolean secretMatches(JsonNode stored, String value) {
    if (stored == null || !stored.asText().contains(":")) {
      return false;
    }
    String s = stored.asText();
    String salt = s.substring(0, s.indexOf(':'));
    return s.equals(salt + ":" + sha256(salt + value));
  }

  static String keyHash(String key) {
    return sha256(key);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts per kind: actions, for the job's summary. */
  static Map<String, Map<String, Integer>> count(List<ImportPlan> plan) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (ImportPlan p : plan) {
      counts.computeIfAbsent(p.kind(), k -> new TreeMap<>()).merge(p.action(), 1, Integer::sum);
    }
    return counts;
  }
}
