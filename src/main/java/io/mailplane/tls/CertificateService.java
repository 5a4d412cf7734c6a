package io.mailplane.tls;

import io.mailplane.api.ApiException;
import io.mailplane.api.Page;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Precondition;
import io.mailplane.api.Timestamps;
import io.mailplane.api.Upserted;
import io.mailplane.audit.Changes;
import io.mailplane.auth.Caller;
import io.mailplane.common.DomainNames;
import io.mailplane.crypto.SecretCipher;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Certificates: the desired state is written here; the ACME work happens in {@link OrderWorker},
 * never on a request thread. A change that needs a new certificate starts an order; the installed
 * certificate stays in place until its successor is valid.
 */
@ApplicationScoped
public class CertificateService {
  private static final String TYPE = Resource.CERTIFICATE.wireName();
  static final String HTTP_01 = "http-01";
  static final String DNS_01 = "dns-01";
  private static final Set<String> CHALLENGES = Set.of(HTTP_01, DNS_01);
  private static final Set<String> KEY_TYPES = Set.of(KeyPairs.EC_P256, KeyPairs.RSA_2048);
  private static final int MAX_DOMAINS = 100;

  @Inject Caller caller;
  @Inject Changes changes;
  @Inject OrderLedger ledger;
  @Inject Rfc2136 dns;
  @Inject SecretCipher cipher;
  @Inject Event<CertificateFiles.Deleted> deleted;
  @Inject Event<CertificateFiles.BecamePrimary> becamePrimary;

  /** The desired state of a request, validated and normalized. */
  private record Desired(
      List<String> domains,
      boolean primary,
      String challenge,
      String keyType,
      String directoryUrl,
      String contactEmail,
      boolean termsAgreed,
      String eabKid,
      String eabHmacKey) {
    String joinedDomains() {
      return String.join(",", domains);
    }
  }

  @Transactional
  public Upserted<CertificateDto> put(String key, CertificateDto request, Precondition condition) {
    caller.requireAdmin();
    String name = TlsVolume.validName(key);
    if (request.name() != null && !request.name().equals(name)) {
      throw ApiException.invalid(
          "name", "must match the name in the path (renaming is not supported)");
    }
    ManagedCertificate existing = ManagedCertificate.lockByName(name);
    condition.check(existing == null ? null : existing.version);
    Desired desired = validate(request, existing, true);
    if (existing == null) {
      ManagedCertificate certificate = new ManagedCertificate();
      certificate.name = name;
      certificate.createdAt = Timestamps.now();
      certificate.status = "pending";
      apply(certificate, desired);
      certificate.persist();
      if (desired.primary()) {
        clearOtherPrimaries(certificate);
      }
      ledger.start(certificate, "initial");
      ManagedCertificate.getEntityManager().flush();
      CertificateDto created = toDto(certificate);
      changes.record(Resource.CERTIFICATE, Action.CREATE, name, null, null, created);
      return new Upserted<>(created, true);
    }
    CertificateDto before = toDto(existing);
    boolean needsOrder = !sameOrder(existing, desired);
    if (!needsOrder
        && desired.primary() == existing.primary
        && desired.termsAgreed() == existing.termsAgreed) {
      // A repeated PUT changes nothing: same version, no audit event.
      return new Upserted<>(before, false);
    }
    boolean becomesPrimary = desired.primary() && !existing.primary;
    apply(existing, desired);
    if (becomesPrimary) {
      clearOtherPrimaries(existing);
      // Served as tls.crt/tls.key once committed, if it is installed already (CertificateFiles).
      becamePrimary.fire(new CertificateFiles.BecamePrimary(existing.name));
    }
    if (needsOrder) {
      supersedeActiveOrder(existing);
      ledger.start(existing, "changed");
    }
    ManagedCertificate.getEntityManager().flush();
    CertificateDto after = toDto(existing);
    changes.record(Resource.CERTIFICATE, Action.UPDATE, name, null, before, after);
    return new Upserted<>(after, false);
  }

  /** Every certificate, by name (the configuration export). */
  public List<CertificateDto> all() {
    caller.requireReadAll();
    return ManagedCertificate.<ManagedCertificate>list("order by name").stream()
        .map(this::toDto)
        .toList();
  }

  /**
   * A request with defaults applied and names normalized, as a comparable string; the EAB HMAC key
   * is left out (write-only, absent keeps the stored one), and so are the checks that depend on
   * this server's settings (a dns-01 entry compares equal even where DNS-01 is not configured).
   */
  public String normalized(CertificateDto request) {
    Desired desired = validate(request, null, false);
    return String.join(
        "|",
        desired.joinedDomains(),
        Boolean.toString(desired.primary()),
        desired.challenge(),
        desired.keyType(),
        desired.directoryUrl(),
        String.valueOf(desired.contactEmail()),
        Boolean.toString(desired.termsAgreed()),
        String.valueOf(desired.eabKid()));
  }

  public static String validName(String name) {
    return TlsVolume.validName(name);
  }

  public CertificateDto get(String key) {
    caller.requireReadAll();
    return toDto(visible(key));
  }

  public Page<CertificateDto> list(PageRequest page) {
    caller.requireReadAll();
    List<ManagedCertificate> rows =
        page.afterKey() == null
            ? ManagedCertificate.<ManagedCertificate>find("order by name")
                .page(0, page.limit() + 1)
                .list()
            : ManagedCertificate.<ManagedCertificate>find(
                    "name > ?1 order by name", page.afterKey())
                .page(0, page.limit() + 1)
                .list();
    return Page.of(rows, page.limit(), c -> c.name, this::toDto);
  }

  /**
   * Forgets the certificate and deletes its named files. The primary pair (tls.crt/tls.key) stays:
   * the daemons cannot run without one, and the next primary certificate replaces it.
   */
  @Transactional
  public void delete(String key, Precondition condition) {
    caller.requireAdmin();
    ManagedCertificate certificate = locked(key);
    condition.check(certificate.version);
    CertificateDto before = toDto(certificate);
    List<Long> orders =
        AcmeOrder.<AcmeOrder>list("certificateId", certificate.id).stream().map(o -> o.id).toList();
    if (!orders.isEmpty()) {
      AcmeChallenge.delete("orderId in ?1", orders);
      AcmeOrder.delete("certificateId", certificate.id);
    }
    certificate.delete();
    // The files go once the row is gone for good: a plan, a rolled-back apply or a failure after
    // this point keeps them (CertificateFiles).
    deleted.fire(new CertificateFiles.Deleted(certificate.name));
    changes.record(Resource.CERTIFICATE, Action.DELETE, certificate.name, null, before, null);
  }

  /** Starts an order now, or returns the one already running. */
  @Transactional
  public CertificateOrderDto renew(String key, boolean rotateKey) {
    caller.requireAdmin();
    ManagedCertificate certificate = locked(key);
    AcmeOrder active = AcmeOrder.activeOf(certificate.id);
    if (active != null) {
      return ledger.toDto(active, certificate.name);
    }
    AcmeOrder order = ledger.start(certificate, rotateKey ? "forced-new-key" : "forced");
    changes.record(
        Resource.CERTIFICATE,
        Action.RENEW,
        certificate.name,
        null,
        null,
        Map.of("order", order.id));
    return ledger.toDto(order, certificate.name);
  }

  public Page<CertificateOrderDto> orders(String key, PageRequest page) {
    caller.requireReadAll();
    ManagedCertificate certificate = visible(key);
    Long after = page.afterId();
    List<AcmeOrder> rows =
        after == null
            ? AcmeOrder.<AcmeOrder>find("certificateId = ?1 order by id desc", certificate.id)
                .page(0, page.limit() + 1)
                .list()
            : AcmeOrder.<AcmeOrder>find(
                    "certificateId = ?1 and id < ?2 order by id desc", certificate.id, after)
                .page(0, page.limit() + 1)
                .list();
    return Page.of(
        rows, page.limit(), o -> Long.toString(o.id), o -> ledger.toDto(o, certificate.name));
  }

  public CertificateOrderDto order(String key, long id) {
    caller.requireReadAll();
    ManagedCertificate certificate = visible(key);
    AcmeOrder order = AcmeOrder.findById(id);
    if (order == null || order.certificateId != certificate.id) {
      throw ApiException.notFound("order", certificate.name + "/" + id);
    }
    return ledger.toDto(order, certificate.name);
  }

  private static ManagedCertificate locked(String key) {
    return existing(key, ManagedCertificate::lockByName);
  }

  private static ManagedCertificate visible(String key) {
    return existing(key, ManagedCertificate::findByName);
  }

  private static ManagedCertificate existing(
      String key, java.util.function.Function<String, ManagedCertificate> find) {
    String name = TlsVolume.validName(key);
    ManagedCertificate certificate = find.apply(name);
    if (certificate == null) {
      throw ApiException.notFound(TYPE, name);
    }
    return certificate;
  }

  private Desired validate(CertificateDto request, ManagedCertificate existing, boolean strict) {
    String challenge = request.challenge() == null ? HTTP_01 : request.challenge();
    if (!CHALLENGES.contains(challenge)) {
      throw ApiException.invalid("challenge", "must be http-01 or dns-01");
    }
    String keyType = request.keyType() == null ? KeyPairs.EC_P256 : request.keyType();
    if (!KEY_TYPES.contains(keyType)) {
      throw ApiException.invalid("keyType", "must be ec-p256 or rsa2048");
    }
    List<String> domains = domains(request.domains(), challenge);
    IssuerDto issuer = request.issuer();
    if (issuer == null) {
      throw ApiException.invalid("issuer", "must not be null");
    }
    String directoryUrl = directoryUrl(issuer.directoryUrl());
    String contact =
        issuer.contactEmail() == null || issuer.contactEmail().isBlank()
            ? null
            : issuer.contactEmail().strip();
    String eabKid = issuer.eabKid() == null || issuer.eabKid().isBlank() ? null : issuer.eabKid();
    String eabHmac = issuer.eabHmacKey();
    if (strict && eabKid != null && eabHmac == null) {
      boolean kept =
          existing != null && eabKid.equals(existing.eabKid) && existing.eabHmacEnc != null;
      if (!kept) {
        throw ApiException.invalid("issuer.eabHmacKey", "is required with eabKid");
      }
    }
    if (eabHmac != null && eabKid == null) {
      throw ApiException.invalid("issuer.eabKid", "is required with eabHmacKey");
    }
    if (eabHmac != null && !eabHmac.matches("[A-Za-z0-9_=+/-]{16,512}")) {
      throw ApiException.invalid("issuer.eabHmacKey", "must be the base64url key the CA gave");
    }
    if (strict && DNS_01.equals(challenge)) {
      dns.requireConfigured();
    }
    return new Desired(
        domains,
        Boolean.TRUE.equals(request.primary()),
        challenge,
        keyType,
        directoryUrl,
        contact,
        Boolean.TRUE.equals(issuer.termsAgreed()),
        eabKid,
        eabHmac);
  }

  static List<String> domains(List<String> requested, String challenge) {
    if (requested == null || requested.isEmpty()) {
      throw ApiException.invalid("domains", "must name at least one domain");
    }
    if (requested.size() > MAX_DOMAINS) {
      throw ApiException.invalid("domains", "at most " + MAX_DOMAINS + " names");
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < requested.size(); i++) {
      String field = "domains[" + i + "]";
      String raw = requested.get(i);
      if (raw == null) {
        throw ApiException.invalid(field, "must not be null");
      }
      String stripped = raw.strip();
      boolean wildcard = stripped.startsWith("*.");
      if (wildcard && !DNS_01.equals(challenge)) {
        throw ApiException.invalid(field, "wildcard names need challenge dns-01");
      }
      String name = DomainNames.normalize(wildcard ? stripped.substring(2) : stripped, field);
      names.add(wildcard ? "*." + name : name);
    }
    return new ArrayList<>(names);
  }

  private static String directoryUrl(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.invalid("issuer.directoryUrl", "must not be blank");
    }
    try {
      URI uri = new URI(raw.strip());
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getUserInfo() != null) {
        throw ApiException.invalid("issuer.directoryUrl", "must be an absolute https URL");
      }
      return uri.toString();
    } catch (URISyntaxException e) {
      throw ApiException.invalid("issuer.directoryUrl", "is not a URL");
    }
  }

  /** Whether what the CA would be asked for is unchanged. */
  private boolean sameOrder(ManagedCertificate certificate, Desired desired) {
    return certificate.domains.equals(desired.joinedDomains())
        && certificate.challenge.equals(desired.challenge())
        && certificate.keyType.equals(desired.keyType())
        && certificate.directoryUrl.equals(desired.directoryUrl())
        && Objects.equals(certificate.contactEmail, desired.contactEmail())
        && Objects.equals(certificate.eabKid, desired.eabKid())
        && (desired.eabHmacKey() == null || sameSecret(certificate, desired.eabHmacKey()));
  }

  private boolean sameSecret(ManagedCertificate certificate, String eabHmacKey) {
    return certificate.eabHmacEnc != null
        && eabHmacKey.equals(
            new String(
                cipher.decrypt(certificate.eabHmacEnc, AcmeAccounts.EAB_CONTEXT),
                StandardCharsets.US_ASCII));
  }

  private void apply(ManagedCertificate certificate, Desired desired) {
    certificate.domains = desired.joinedDomains();
    certificate.primary = desired.primary();
    certificate.challenge = desired.challenge();
    certificate.keyType = desired.keyType();
    certificate.directoryUrl = desired.directoryUrl();
    certificate.contactEmail = desired.contactEmail();
    certificate.termsAgreed = desired.termsAgreed();
    if (desired.eabKid() == null) {
      certificate.eabKid = null;
      certificate.eabHmacEnc = null;
    } else {
      certificate.eabKid = desired.eabKid();
      if (desired.eabHmacKey() != null) {
        certificate.eabHmacEnc =
            cipher.encrypt(
                desired.eabHmacKey().getBytes(StandardCharsets.US_ASCII), AcmeAccounts.EAB_CONTEXT);
      }
    }
    certificate.updatedAt = Timestamps.now();
  }

  private void clearOtherPrimaries(ManagedCertificate primary) {
    for (ManagedCertificate other :
        ManagedCertificate.<ManagedCertificate>list("primary = true and id <> ?1", primary.id)) {
      other.primary = false;
      other.updatedAt = Timestamps.now();
    }
  }

  /** A running order for the old names is of no use any more. */
  private void supersedeActiveOrder(ManagedCertificate certificate) {
    AcmeOrder active = AcmeOrder.activeOf(certificate.id);
    if (active != null) {
      active.status = AcmeOrder.FAILED;
      active.error =
          ledger.problemJson(
              "superseded", "the certificate changed; a new order replaces this one");
      active.finishedAt = Timestamps.now();
      ledger.step(active, "superseded", null);
    }
  }

  CertificateDto toDto(ManagedCertificate certificate) {
    return new CertificateDto(
        certificate.name,
        certificate.domainList(),
        certificate.primary,
        certificate.challenge,
        certificate.keyType,
        new IssuerDto(
            certificate.directoryUrl,
            certificate.contactEmail,
            certificate.termsAgreed,
            certificate.eabKid,
            null),
        certificate.status,
        certificate.notBefore,
        certificate.notAfter,
        certificate.serial,
        certificate.fingerprintSha256,
        certificate.issuerDn,
        certificate.renewAt,
        certificate.renewalSource,
        ledger.problem(certificate.lastError),
        certificate.failures,
        certificate.currentOrderId,
        certificate.version,
        certificate.createdAt,
        certificate.updatedAt);
  }
}
