package io.mailplane.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mailplane.domains.DomainLimits;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The desired state of everything a caller may see, as exported by GET /api/v1/config and taken by
 * :plan and :apply. Each list is one section; an absent (or null) section is not managed by the
 * document and stays as it is, a present one is the whole desired state of that kind in the
 * caller's scope. Adding a resource kind: one entry record and one component here (named as the
 * section), plus one {@link ConfigSection} bean.
 */
@Schema(
    name = "ConfigDocument",
    description =
        "Desired state. An absent section is left alone; a present one is complete (with prune,"
            + " objects of that kind missing from it are deleted, within the caller's scope).")
public record ConfigDocument(
    @Schema(nullable = true) List<DomainEntry> domains,
    @Schema(nullable = true) List<AliasDomainEntry> aliasDomains,
    @Schema(nullable = true) List<DkimEntry> dkim,
    @Schema(nullable = true) List<MailboxEntry> mailboxes,
    @Schema(nullable = true) List<AliasEntry> aliases,
    @Schema(nullable = true) List<CertificateEntry> certificates) {

  /** The entry type of each section, by section name: what a streamed document binds entries to. */
  static Map<String, Class<?>> entryTypes() {
    Map<String, Class<?>> types = new LinkedHashMap<>();
    for (RecordComponent section : ConfigDocument.class.getRecordComponents()) {
      ParameterizedType list = (ParameterizedType) section.getGenericType();
      types.put(section.getName(), (Class<?>) list.getActualTypeArguments()[0]);
    }
    return types;
  }

  /** A document of one section (the others absent): a chunk of a document applied as a job. */
  static ConfigDocument of(String section, List<?> entries) {
    RecordComponent[] sections = ConfigDocument.class.getRecordComponents();
    Object[] lists = new Object[sections.length];
    Class<?>[] types = new Class<?>[sections.length];
    boolean found = false;
    for (int i = 0; i < sections.length; i++) {
      types[i] = sections[i].getType();
      if (sections[i].getName().equals(section)) {
        lists[i] = entries;
        found = true;
      }
    }
    if (!found) {
      throw new IllegalArgumentException("no section " + section);
    }
    try {
      return ConfigDocument.class.getDeclaredConstructor(types).newInstance(lists);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Schema(name = "ConfigDomain", description = "A hosted domain (see Domain)")
  public record DomainEntry(
      @Schema(example = "example.com") String name,
      @Schema(nullable = true, example = "Main company domain") String description,
      @Schema(description = "Default true", example = "true") Boolean enabled,
      @Schema(nullable = true, description = "Absent or null: no limits") DomainLimits limits) {}

  @Schema(name = "ConfigAliasDomain", description = "An alias domain (see AliasDomain)")
  public record AliasDomainEntry(
      @Schema(example = "example.net") String name,
      @Schema(example = "example.com") String targetDomain,
      @Schema(nullable = true, example = "old brand") String description,
      @Schema(description = "Default true", example = "true") Boolean enabled) {}

  @Schema(
      name = "ConfigDkim",
      description =
          "DKIM signing of a domain (see Dkim); listed = enabled. Private keys are never exported:"
              + " a new entry generates a key, a changed selector rotates.")
  public record DkimEntry(
      @Schema(example = "example.com") String domain,
      @Schema(nullable = true, example = "dkim") String selector,
      @Schema(
              nullable = true,
              enumeration = {"rsa", "ed25519"},
              example = "rsa")
          String algorithm,
      @Schema(nullable = true, example = "2048") Integer keyBits) {}

  @Schema(
      name = "ConfigMailbox",
      description =
          "A mailbox (see Mailbox). The stored hash is exported to callers that may change the"
              + " mailbox (admin, or a domain scope over its domain) so a round trip is lossless;"
              + " a read-only token gets none. A new mailbox needs passwordHash or password.")
  public record MailboxEntry(
      @Schema(example = "john@example.com") String address,
      @Schema(nullable = true, example = "John Doe") String displayName,
      @Schema(
              nullable = true,
              description =
                  "Dovecot password hash; absent keeps the current one. Exported only to callers"
                      + " that may change the mailbox",
              example = "$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS",
              // Exported on purpose to writers: their round trip must be lossless.
              extensions =
                  @Extension(name = "x-mailplane-exported", value = "true", parseValue = true))
          String passwordHash,
      @JsonInclude(JsonInclude.Include.NON_NULL)
          @Schema(
              writeOnly = true,
              nullable = true,
              description =
                  "A plaintext password to hash (instead of passwordHash); never exported",
              example = "correct horse battery staple")
          String password,
      @Schema(description = "MiB, 0 = unlimited; absent = the domain's default", example = "2048")
          Long quotaMb,
      @Schema(description = "Default true", example = "true") Boolean enabled,
      @Schema(description = "Default false", example = "false") Boolean sendOnly,
      @Schema(
              description = "The seed admin's flag (admin only); absent keeps it, false on create",
              example = "false")
          Boolean admin,
      @Schema(
              description =
                  "The seed admin's domain_admin flag (admin only); absent keeps it, false on create",
              example = "false")
          Boolean domainAdmin) {

    /** Records print their fields; this one must never print a password. */
    @Override
    public String toString() {
      return "MailboxEntry[address=" + address + "]";
    }
  }

  @Schema(name = "ConfigAlias", description = "An alias or catch-all (see Alias)")
  public record AliasEntry(
      @Schema(example = "sales@example.com") String address,
      @Schema(example = "[\"john@example.com\"]") List<String> destinations,
      @Schema(description = "Default true", example = "true") Boolean enabled,
      @Schema(nullable = true, example = "Sales team") String description) {}

  @Schema(
      name = "ConfigCertificate",
      description =
          "An ACME certificate (see Certificate): what is asked of the CA; the issued state is not"
              + " configuration. The EAB HMAC key is a secret and never exported; absent keeps the"
              + " stored one.")
  public record CertificateEntry(
      @Schema(example = "mail") String name,
      @Schema(example = "[\"mail.example.com\"]") List<String> domains,
      @Schema(description = "Default false", example = "true") Boolean primary,
      @Schema(
              description = "Default http-01",
              enumeration = {"http-01", "dns-01"},
              example = "http-01")
          String challenge,
      @Schema(
              description = "Default ec-p256",
              enumeration = {"ec-p256", "rsa2048"},
              example = "ec-p256")
          String keyType,
      io.mailplane.tls.IssuerDto issuer) {}
}
