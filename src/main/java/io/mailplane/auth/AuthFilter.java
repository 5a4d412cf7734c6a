package io.mailplane.auth;

import io.mailplane.api.ProblemKind;
import io.mailplane.api.ProblemMapper;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer authentication for everything under /api: API tokens ({@code mpt_}, the bootstrap token)
 * mailbox sign-in sessions ({@code mps_}) and the bearer credentials features contribute ({@link
 * ExternalBearer}: single sign-on). Failed attempts are counted per client address; past the
 * budget, an address's invalid tokens get 429 (its valid ones still pass). A mailbox with only the
 * self role reaches the endpoints marked {@link SelfService} and gets 404 everywhere else.
 */
public class AuthFilter {
  @Inject TokenVerifier tokens;
  @Inject Caller caller;
  @Inject FailedAuthLimiter limiter;
  @Inject SessionVerifier sessions;
  @Inject Instance<ExternalBearer> external;

  /** mailplane's own secrets are far shorter; an identity provider's JWT with groups is not. */
  private static final int MAX_OWN_TOKEN = 512;

  private static final int MAX_EXTERNAL_TOKEN = 16_384;

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public Response authenticate(
      ContainerRequestContext request, HttpServerRequest http, ResourceInfo resource) {
    String path = request.getUriInfo().getPath();
    Method method = resource.getResourceMethod();
    if (!path.startsWith("/api/")
        || (method != null && method.isAnnotationPresent(WithoutToken.class))) {
      return null;
    }
    String address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().host();
    // The token is checked before the address's failures: a valid token is never refused for what
    // other clients behind the same address (proxy, NAT, shared runner) got wrong.
    OptionalLong locked = limiter.lockedFor(address);
    String header = request.getHeaderString("Authorization");
    Optional<ExternalBearer.Identity> verified = Optional.empty();
    Optional<MailboxPrincipals.Session> session = Optional.empty();
    ExternalBearer verifiedBy = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String secret = header.substring(7).trim();
      ExternalBearer kind = externalKindOf(secret);
      if (kind != null) {
        verified = secret.length() <= MAX_EXTERNAL_TOKEN ? kind.verify(secret) : Optional.empty();
        verifiedBy = kind;
      } else if (secret.startsWith(SessionVerifier.SECRET_PREFIX)
          && secret.length() <= MAX_OWN_TOKEN) {
        // One indexed lookup per unknown session even from a locked address: a session cannot be
        // told from a guess without it, and a valid one must pass.
        session = sessions.verify(secret);
      } else if (!secret.isEmpty() && secret.length() <= MAX_OWN_TOKEN) {
        verified =
            tokens
                .verify(secret, locked.isEmpty())
                .map(token -> new ExternalBearer.Identity(token.id(), token.scopes()));
      }
    }
    if (verified.isEmpty() && session.isEmpty()) {
      if (header != null && locked.isPresent()) {
        return ProblemMapper.response(
            ProblemKind.RATE_LIMITED,
            "too many failed authentication attempts from this address",
            List.of(),
            Map.of("Retry-After", Long.toString(locked.getAsLong())),
            path);
      }
      if (header != null) {
        limiter.recordFailure(address);
      }
      return ProblemMapper.response(
          ProblemKind.UNAUTHORIZED,
          header == null
              ? "send 'Authorization: Bearer <token>'"
              : "the bearer token is unknown, revoked or expired",
          List.of(),
          Map.of("WWW-Authenticate", "Bearer realm=\"mailplane\""),
          path);
    }
    if (session.isPresent()) {
      caller.authenticateMailbox(session.get().principal(), session.get().id());
    } else {
      caller.authenticate(verified.get().id(), verified.get().scopes());
    }
    if (verifiedBy != null) {
      verifiedBy.authenticated(verified.get());
    }
    if (caller.isSelfOnly() && !isSelfService(resource)) {
      // As for an object outside a domain token's domains: nothing to learn about what is there.
      return ProblemMapper.response(
          ProblemKind.NOT_FOUND, "no such resource", List.of(), Map.of(), path);
    }
    if (!SAFE_METHODS.contains(request.getMethod()) && !caller.canWriteSomething()) {
      // Before the body is read and any object looked up: a read-only token learns nothing
      // from a write, and gets the same answer whatever it sends.
      return ProblemMapper.response(
          ProblemKind.FORBIDDEN, "this token has read-only scope", List.of(), Map.of(), path);
    }
    return null;
  }

  private ExternalBearer externalKindOf(String secret) {
    for (ExternalBearer kind : external) {
      if (kind.recognizes(secret)) {
        return kind;
      }
    }
    return null;
  }

  private static boolean isSelfService(ResourceInfo resource) {
    Method method = resource.getResourceMethod();
    return method != null
        && (method.isAnnotationPresent(SelfService.class)
            || method.getDeclaringClass().isAnnotationPresent(SelfService.class));
  }
}
