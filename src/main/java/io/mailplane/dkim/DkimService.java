package io.mailplane.dkim;

import io.mailplane.api.ApiException;
import io.mailplane.api.Precondition;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.Timestamps;
import io.mailplane.api.Upserted;
import io.mailplane.audit.Changes;
import io.mailplane.auth.Caller;
import io.mailplane.crypto.SecretCipher;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainEvents;
import io.mailplane.domains.DomainService;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.mailplane.push.Outbox;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Enables, configures, rotates and disables DKIM per domain (the keys Rspamd signs with are read by
 * {@link SigningKeys}, the records DNS publishes by {@link PublishedSelectors}). Every write
 * changes rows, records an audit event (before/after are DkimDto, which never carry a private key)
 * and an Outbox.DKIM event in one transaction, so Rspamd's Redis hash follows the database.
 */
@ApplicationScoped
public class DkimService {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  @Inject Caller caller;
  @Inject Changes changes;
  @Inject Outbox outbox;
  @Inject DomainService domains;
  @Inject SecretCipher cipher;
  @Inject DkimConfig config;

  /** DKIM that is off (never enabled, or deleted) does not exist: 404, like any deleted object. */
  public DkimDto get(String key) {
    Domain domain = domains.visible(key);
    DkimDomain state = DkimDomain.findById(domain.id);
    if (state == null) {
      throw ApiException.notFound("DKIM configuration of domain", domain.name);
    }
    return toDto(domain, state);
  }

  @Transactional
  public Upserted<DkimDto> put(String key, DkimDto request, Precondition condition) {
    Domain domain = writable(key);
    DkimDomain state = DkimDomain.findForUpdate(domain.id);
    condition.check(state == null ? null : state.version);
    Instant now = Timestamps.now();
    if (state == null) {
      DkimKey kept = disabledKey(domain);
      String selector;
      DkimKeyMaterial material = null;
      if (kept != null
          && request.privateKey() == null
          && request.algorithm() == null
          && request.keyBits() == null
          && (request.selector() == null
              || normalizeSelector(request.selector(), null).equals(kept.selector))) {
        // DKIM was off with a key kept: switch that key on (its DNS record stays valid).
        selector = kept.selector;
        kept.status = DkimKey.ACTIVE;
      } else {
        if (kept != null) {
          kept.delete();
          DkimKey.getEntityManager().flush();
        }
        selector = normalizeSelector(request.selector(), config.defaultSelector());
        material = obtain(request.privateKey(), request.algorithm(), request.keyBits(), null);
      }
      state = new DkimDomain();
      state.domainId = domain.id;
      state.createdAt = now;
      state.updatedAt = now;
      state.persist();
      if (material != null) {
        insertKey(domain, selector, material, now);
      }
      DkimDto after = toDto(domain, state);
      changes.record(Resource.DKIM, Action.ENABLE, domain.name, domain.name, null, after);
      return new Upserted<>(after, true);
    }
    DkimDto before = toDto(domain, state);
    reencryptStale(domain);
    DkimKey active = activeKey(domain);
    String selector = normalizeSelector(request.selector(), active.selector);
    String algorithm = request.algorithm() == null ? active.algorithm : request.algorithm();
    int bits = bitsFor(algorithm, request.keyBits(), active);
    DkimKeyMaterial material = null;
    if (request.privateKey() != null) {
      material = DkimKeyMaterial.importPem(request.privateKey(), request.algorithm());
      if (selector.equals(active.selector) && material.publicKey().equals(active.publicKey)) {
        material = null; // the same key again: nothing to change
      }
    } else if (!selector.equals(active.selector)
        || !algorithm.equals(active.algorithm)
        || bits != active.keyBits) {
      material = DkimKeyMaterial.generate(algorithm, bits);
    }
    if (material == null) {
      return new Upserted<>(before, false);
    }
    if (selector.equals(active.selector)) {
      // One selector cannot publish two keys: the new key replaces the old one at once.
      // A graceful change uses another selector (or POST .../rotate).
      active.delete();
      DkimKey.getEntityManager().flush();
    } else {
      requireUnusedSelector(domain, selector);
      retire(active, now);
    }
    insertKey(domain, selector, material, now);
    touch(state, now);
    DkimDto after = toDto(domain, state);
    changes.record(Resource.DKIM, Action.UPDATE, domain.name, domain.name, before, after);
    return new Upserted<>(after, false);
  }

  @Transactional
  public DkimDto rotate(String key, DkimRotation request, Precondition condition) {
    Domain domain = writable(key);
    DkimDomain state = DkimDomain.findForUpdate(domain.id);
    if (state == null) {
      throw new ApiException(
          ProblemKind.CONFLICT, "DKIM is not enabled for '" + domain.name + "'; enable it first");
    }
    condition.check(state.version);
    DkimDto before = toDto(domain, state);
    reencryptStale(domain);
    DkimKey active = activeKey(domain);
    Instant now = Timestamps.now();
    String selector;
    if (request.selector() != null) {
      selector = normalizeSelector(request.selector(), null);
      requireUnusedSelector(domain, selector);
    } else {
      selector = generatedSelector(domain, now);
    }
    String algorithm = request.algorithm() == null ? active.algorithm : request.algorithm();
    DkimKeyMaterial material =
        obtain(
            request.privateKey(),
            request.algorithm(),
            bitsFor(algorithm, request.keyBits(), active),
            algorithm);
    retire(active, now);
    insertKey(domain, selector, material, now);
    touch(state, now);
    DkimDto after = toDto(domain, state);
    changes.record(Resource.DKIM, Action.ROTATE, domain.name, domain.name, before, after);
    return after;
  }

  @Transactional
  public void disable(String key, Precondition condition) {
    Domain domain = writable(key);
    DkimDomain state = DkimDomain.findForUpdate(domain.id);
    if (state == null) {
      DkimKey kept = disabledKey(domain);
      if (kept == null) {
        throw ApiException.notFound("DKIM configuration of domain", domain.name);
      }
      DkimSelectorDto before = toSelectorDto(domain, kept);
      kept.delete();
      changes.record(Resource.DKIM, Action.DELETE_DISABLED, domain.name, domain.name, before, null);
      return;
    }
    condition.check(state.version);
    DkimDto before = toDto(domain, state);
    DkimKey.delete("domain", domain);
    state.delete();
    changes.record(Resource.DKIM, Action.DISABLE, domain.name, domain.name, before, null);
  }

  /**
   * Keeps a key while DKIM is off (a seed's switched-off DKIM, imported): it never signs and is not
   * published; {@link #put} without a new key later switches DKIM on with it. Replaces a kept key
   * of the domain; refused (409) while DKIM is on.
   */
  @Transactional
  public DkimSelectorDto keepDisabled(String key, String selector, String pem) {
    Domain domain = writable(key);
    DkimDomain state = DkimDomain.findForUpdate(domain.id);
    if (state != null) {
      throw new ApiException(
          ProblemKind.CONFLICT,
          "DKIM is on for '" + domain.name + "'; a switched-off key is only kept while it is off");
    }
    String name = normalizeSelector(selector, config.defaultSelector());
    DkimKeyMaterial material = DkimKeyMaterial.importPem(pem, null);
    DkimKey kept = disabledKey(domain);
    DkimSelectorDto before = kept == null ? null : toSelectorDto(domain, kept);
    if (kept != null) {
      if (kept.selector.equals(name) && kept.publicKey.equals(material.publicKey())) {
        java.util.Arrays.fill(material.pkcs8(), (byte) 0);
        return before;
      }
      kept.delete();
      DkimKey.getEntityManager().flush();
    }
    DkimKey inserted = insertKey(domain, name, material, Timestamps.now());
    inserted.status = DkimKey.DISABLED;
    DkimSelectorDto after = toSelectorDto(domain, inserted);
    changes.record(Resource.DKIM, Action.KEEP_DISABLED, domain.name, domain.name, before, after);
    return after;
  }

  /** The key kept while DKIM is off, if any (see {@link #keepDisabled}). */
  public java.util.Optional<DkimSelectorDto> disabledKeyOf(String key) {
    Domain domain = domains.visible(key);
    DkimKey kept = disabledKey(domain);
    return java.util.Optional.ofNullable(kept == null ? null : toSelectorDto(domain, kept));
  }

  private static DkimKey disabledKey(Domain domain) {
    return DkimKey.find("domain = ?1 and status = ?2", domain, DkimKey.DISABLED).firstResult();
  }

  /**
   * Deletes every retiring key whose overlap has ended. Called by {@link DkimRetirementJob}; public
   * so that tests can run it with a clock of their choice.
   */
  @Transactional
  public int retireDue(Instant now) {
    List<DkimKey> due = DkimKey.list("status = ?1 and retireAt <= ?2", DkimKey.RETIRING, now);
    Map<Domain, List<DkimKey>> byDomain = new LinkedHashMap<>();
    for (DkimKey key : due) {
      byDomain.computeIfAbsent(key.domain, d -> new java.util.ArrayList<>()).add(key);
    }
    byDomain.forEach(
        (domain, keys) -> {
          DkimDomain state = DkimDomain.findForUpdate(domain.id);
          DkimDto before = toDto(domain, state);
          keys.forEach(DkimKey::delete);
          DkimKey.getEntityManager().flush();
          if (state != null) {
            touch(state, now);
          }
          changes.record(
              Resource.DKIM, Action.RETIRE, domain.name, domain.name, before, toDto(domain, state));
        });
    return due.size();
  }

  /** Signing follows the domain's enabled flag, so Rspamd must re-read its keys. */
  void onEnabledChanged(@Observes @Priority(200) DomainEvents.EnabledChanged changed) {
    outbox.record(Outbox.DKIM, changed.domain().name);
  }

  /**
   * Removes a domain's DKIM as part of deleting the domain, in that transaction, so the keys leave
   * Redis too. Last of the domain's observers, like before the events existed.
   */
  void forgetDomain(@Observes @Priority(400) DomainEvents.Deleting deleting) {
    Domain domain = deleting.domain();
    DkimDomain state = DkimDomain.findById(domain.id);
    // Entity by entity, not a bulk delete: keys already loaded in this persistence context (a
    // config export, say) would otherwise stay managed and point at the deleted domain.
    List<DkimKey> keys = DkimKey.list("domain", domain);
    keys.forEach(DkimKey::delete);
    if (state != null) {
      state.delete();
    }
    if (state != null || !keys.isEmpty()) {
      outbox.record(Outbox.DKIM, domain.name);
    }
  }

  private Domain writable(String key) {
    Domain domain = domains.visible(key);
    caller.requireWrite(domain.name, ApiException.notFound("domain", domain.name));
    return domain;
  }

  private DkimKeyMaterial obtain(
      String privateKey, String requestedAlgorithm, Integer bits, String fallbackAlgorithm) {
    if (privateKey != null) {
      return DkimKeyMaterial.importPem(privateKey, requestedAlgorithm);
    }
    String algorithm =
        requestedAlgorithm != null
            ? requestedAlgorithm
            : fallbackAlgorithm != null ? fallbackAlgorithm : DkimKeyMaterial.RSA;
    int size = bits != null ? bits : config.defaultRsaBits();
    return DkimKeyMaterial.generate(algorithm, size);
  }

  private int bitsFor(String algorithm, Integer requested, DkimKey current) {
    if (DkimKeyMaterial.ED25519.equals(algorithm)) {
      return 256;
    }
    if (requested != null) {
      return requested;
    }
    return DkimKeyMaterial.RSA.equals(current.algorithm)
        ? current.keyBits
        : config.defaultRsaBits();
  }

  private DkimKey insertKey(Domain domain, String selector, DkimKeyMaterial material, Instant now) {
    DkimKey key = new DkimKey();
    key.domain = domain;
    key.selector = selector;
    key.algorithm = material.algorithm();
    key.keyBits = material.bits();
    key.publicKey = material.publicKey();
    key.privateKeyEnc =
        cipher.encrypt(material.pkcs8(), DkimKey.cipherContext(domain.name, selector));
    java.util.Arrays.fill(material.pkcs8(), (byte) 0);
    key.status = DkimKey.ACTIVE;
    key.createdAt = now;
    key.persist();
    return key;
  }

  private void retire(DkimKey key, Instant now) {
    key.status = DkimKey.RETIRING;
    key.retireAt = now.plus(config.retireAfter());
  }

  /** Key rotation of secrets at rest: whatever is touched by a write moves to the active key. */
  private void reencryptStale(Domain domain) {
    for (DkimKey key : DkimKey.ofDomain(domain)) {
      if (cipher.needsReencryption(key.privateKeyEnc)) {
        key.privateKeyEnc =
            cipher.reencrypt(key.privateKeyEnc, DkimKey.cipherContext(domain.name, key.selector));
      }
    }
  }

  private static void touch(DkimDomain state, Instant now) {
    // Changing a column makes Hibernate bump the version, which is the ETag of the whole resource.
    state.updatedAt = now.equals(state.updatedAt) ? now.plusNanos(1000) : now;
  }

  private static DkimKey activeKey(Domain domain) {
    DkimKey active =
        DkimKey.find("domain = ?1 and status = ?2", domain, DkimKey.ACTIVE).firstResult();
    if (active == null) {
      throw new IllegalStateException(
          "DKIM of " + domain.name + " is enabled but has no active key");
    }
    return active;
  }

  private static void requireUnusedSelector(Domain domain, String selector) {
    if (DkimKey.count("domain = ?1 and selector = ?2", domain, selector) > 0) {
      throw new ApiException(
          ProblemKind.ALREADY_EXISTS,
          "selector '" + selector + "' is already in use for " + domain.name);
    }
  }

  private static String generatedSelector(Domain domain, Instant now) {
    String base = "dkim-" + DAY.format(now);
    String candidate = base;
    for (int n = 2; DkimKey.count("domain = ?1 and selector = ?2", domain, candidate) > 0; n++) {
      candidate = base + "-" + n;
    }
    return candidate;
  }

  private static String normalizeSelector(String requested, String fallback) {
    return requested == null ? fallback : requested.toLowerCase(Locale.ROOT);
  }

  static DkimDto toDto(Domain domain, DkimDomain state) {
    if (state == null) {
      return new DkimDto(domain.name, false, null, null, null, null, List.of(), null, null);
    }
    List<DkimSelectorDto> selectors =
        DkimKey.ofDomain(domain).stream().map(k -> toSelectorDto(domain, k)).toList();
    DkimSelectorDto active =
        selectors.stream().filter(s -> s.status().equals(DkimKey.ACTIVE)).findFirst().orElse(null);
    return new DkimDto(
        domain.name,
        true,
        active == null ? null : active.selector(),
        active == null ? null : active.algorithm(),
        active == null || !DkimKeyMaterial.RSA.equals(active.algorithm()) ? null : active.keyBits(),
        null,
        selectors,
        state.version,
        state.updatedAt);
  }

  static DkimSelectorDto toSelectorDto(Domain domain, DkimKey key) {
    return new DkimSelectorDto(
        key.selector,
        key.algorithm,
        key.keyBits,
        key.publicKey,
        key.status,
        key.createdAt,
        key.retireAt,
        DkimDnsRecord.txt(
            key.selector + "._domainkey." + domain.name,
            DkimDnsRecord.value(key.algorithm, key.publicKey)));
  }

  /**
   * The DNS p= value of a PEM private key, or a VALIDATION_FAILED problem (field privateKey) for
   * what PUT would refuse: lets an import compare a key with the stored one before writing.
   */
  public static String publicKeyOf(String pem) {
    DkimKeyMaterial material = DkimKeyMaterial.importPem(pem, null);
    java.util.Arrays.fill(material.pkcs8(), (byte) 0);
    return material.publicKey();
  }
}
