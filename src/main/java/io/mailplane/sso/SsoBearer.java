package io.mailplane.sso;

import com.nimbusds.jwt.JWTClaimsSet;
import io.mailplane.api.ApiException;
import io.mailplane.audit.Changes;
import io.mailplane.auth.Caller;
import io.mailplane.auth.ExternalBearer;
import io.mailplane.auth.MailboxPrincipal;
import io.mailplane.auth.MailboxPrincipals;
import io.mailplane.auth.Scope;
import io.mailplane.common.InvalidValueException;
import io.mailplane.common.MailAddress;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.mailplane.mailboxes.MailboxDto;
import io.mailplane.mailboxes.MailboxService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * An identity provider's access token as a bearer credential: the token names a mailbox (a
 * configurable claim), which acts with the role its own flags give it ({@code MailboxRoles}, the
 * one derivation every sign-in uses), widened by the provider's groups: the admin group grants
 * admin, the domain-admin group the mailbox's own domain.
 */
@ApplicationScoped
public class SsoBearer implements ExternalBearer {
  private static final Logger LOG = Logger.getLogger(SsoBearer.class);

  /** Three base64url parts; "eyJ" is the encoding of the header's opening {". */
  private static final Pattern JWT_SHAPE =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");

  private static final int MAX_AUDITED_PRINCIPALS = 10_000;

  @Inject SsoConfig config;
  @Inject IdentityProvider provider;
  @Inject MailboxPrincipals principals;
  @Inject MailboxService mailboxes;
  @Inject Changes changes;
  @Inject Caller caller;

  private final SecureRandom random = new SecureRandom();

  /**
   * The scopes last audited per mailbox on this replica: a grant is recorded when a mailbox first
   * signs in with a token after a start and whenever what its tokens grant changes, not on every
   * request.
   */
  private final Map<String, List<String>> lastAudited = new ConcurrentHashMap<>();

  @Override
  public boolean recognizes(String secret) {
    return config.enabled() && JWT_SHAPE.matcher(secret).matches();
  }

  @Override
  public Optional<Identity> verify(String secret) {
    Optional<JWTClaimsSet> verified = provider.verify(secret);
    if (verified.isEmpty()) {
      return Optional.empty();
    }
    JWTClaimsSet claims = verified.get();
    Optional<String> address = mailboxOf(claims);
    if (address.isEmpty()) {
      return Optional.empty();
    }
    Optional<MailboxPrincipal> principal = principals.byAddress(address.get());
    if (principal.isEmpty() && config.createMailbox()) {
      principal = create(address.get(), claims);
    }
    if (principal.isEmpty()) {
      LOG.infof(
          "single sign-on refused for subject %s: no mailbox %s that may sign in",
          claims.getSubject(), address.get());
      return Optional.empty();
    }
    TreeSet<String> scopes = new TreeSet<>(principal.get().scopes());
    Collection<String> groups = groupsOf(claims);
    if (config.adminGroup().filter(groups::contains).isPresent()) {
      scopes.add(Scope.ADMIN);
    }
    if (config.domainAdminGroup().filter(groups::contains).isPresent()) {
      scopes.add(Scope.DOMAIN_PREFIX + MailAddress.domainOf(address.get()));
    }
    return Optional.of(new Identity(Caller.mailboxId(address.get()), List.copyOf(scopes)));
  }

  @Override
  public void authenticated(Identity identity) {
    String address = identity.id().substring(identity.id().indexOf(':') + 1);
    List<String> before = lastAudited.get(address);
    if (Objects.equals(before, identity.scopes())) {
      return;
    }
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              // The audit event is written at commit through the transaction's session, which
              // must already be open then: the lookup opens it (and the mailbox is still there).
              if (principals.byAddress(address).isPresent()) {
                changes.record(
                    Resource.MAILBOX,
                    Action.GRANT,
                    address,
                    MailAddress.domainOf(address),
                    before == null ? null : new SsoGrant(provider.issuer(), before),
                    new SsoGrant(provider.issuer(), identity.scopes()));
              }
            });
    // After the commit: a grant whose record failed is recorded at the next request.
    if (lastAudited.size() >= MAX_AUDITED_PRINCIPALS) {
      lastAudited.clear();
    }
    lastAudited.put(address, identity.scopes());
  }

  /** What a sign-in through the provider granted, as recorded in the audit log. */
  public record SsoGrant(String issuer, List<String> scopes) {}

  private Optional<String> mailboxOf(JWTClaimsSet claims) {
    if (!(claimAt(claims, config.mailboxClaim()) instanceof String value)) {
      LOG.infof("single sign-on refused: the token has no string claim %s", config.mailboxClaim());
      return Optional.empty();
    }
    // An address the provider has not verified could be anyone's (self-service registration).
    if (Boolean.FALSE.equals(claimAt(claims, "email_verified"))
        && config.mailboxClaim().equals("email")) {
      LOG.infof("single sign-on refused: %s is not verified by the provider", value);
      return Optional.empty();
    }
    try {
      return Optional.of(MailAddress.parse(value, config.mailboxClaim(), false).toString());
    } catch (InvalidValueException | ApiException e) {
      LOG.infof("single sign-on refused: claim %s is not a mail address", config.mailboxClaim());
      return Optional.empty();
    }
  }

  private Collection<String> groupsOf(JWTClaimsSet claims) {
    Object value = claimAt(claims, config.groupsClaim());
    List<String> groups = new ArrayList<>();
    if (value instanceof String single) {
      groups.add(single);
    } else if (value instanceof Collection<?> many) {
      for (Object group : many) {
        if (group instanceof String name) {
          groups.add(name);
        }
      }
    }
    return groups;
  }

  /**
   * A claim by its name, or else by a dotted path into nested objects (realm_access.roles). The
   * whole name comes first: namespaced claims such as https://example.com/groups contain dots.
   */
  static Object claimAt(JWTClaimsSet claims, String name) {
    Object whole = claims.getClaim(name);
    if (whole != null || !name.contains(".")) {
      return whole;
    }
    Object node = claims.getClaims();
    for (String part : name.split("\\.")) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(part);
    }
    return node;
  }

  /**
   * The seed's OAUTH_CREATE_USER: the mailbox appears at its first sign-in, in a domain mailplane
   * hosts, with a random password nobody knows (mail clients need one set through the API). The
   * creation is audited with the mailbox itself as the actor.
   */
  private Optional<MailboxPrincipal> create(String address, JWTClaimsSet claims) {
    byte[] secret = new byte[24];
    random.nextBytes(secret);
    String displayName = claimAt(claims, "name") instanceof String name ? name : null;
    if (displayName != null && displayName.length() > 255) {
      displayName = null;
    }
    MailboxDto request =
        new MailboxDto(
            address,
            displayName,
            Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
            null,
            null,
            true,
            false,
            false,
            false,
            null,
            null,
            null,
            null,
            null);
    caller.actForAdmin(Caller.mailboxId(address));
    try {
      mailboxes.create(request);
      LOG.infof("single sign-on created mailbox %s for subject %s", address, claims.getSubject());
    } catch (ApiException e) {
      // Not hosted, over the domain's limit, or created by a concurrent first request.
      LOG.infof("single sign-on could not create mailbox %s: %s", address, e.getMessage());
    }
    return principals.byAddress(address);
  }
}
