package io.mailplane.tokens;

import io.mailplane.api.ApiException;
import io.mailplane.api.Page;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Timestamps;
import io.mailplane.audit.Changes;
import io.mailplane.auth.ApiToken;
import io.mailplane.auth.Caller;
import io.mailplane.auth.Scope;
import io.mailplane.auth.TokenVerifier;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.codec.digest.DigestUtils;

/** Creates, lists and revokes API tokens; auth/TokenVerifier checks them on each request. */
@ApplicationScoped
public class TokenService {
  static final String SECRET_PREFIX = "mpt_";

  /** The latest instant the expires_at DATETIME column holds; later ones fail the insert (500). */
  private static final Instant MAX_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

  @Inject Caller caller;
  @Inject Changes changes;
  @Inject TokenVerifier verifier;

  private final SecureRandom random = new SecureRandom();

  @Transactional
  public TokenDto create(TokenDto request) {
    caller.requireAdmin();
    Set<String> scopes = new LinkedHashSet<>();
    for (int i = 0; i < request.scopes().size(); i++) {
      scopes.add(Scope.normalize(request.scopes().get(i), "scopes[" + i + "]"));
    }
    if (request.expiresAt() != null && !request.expiresAt().isAfter(Timestamps.now())) {
      throw ApiException.invalid("expiresAt", "must be in the future");
    }
    if (request.expiresAt() != null && request.expiresAt().isAfter(MAX_EXPIRY)) {
      throw ApiException.invalid("expiresAt", "must be before the year 10000");
    }
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret =
        SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    ApiToken token = new ApiToken();
    token.name = request.name().trim();
    token.tokenHash = DigestUtils.sha256Hex(secret);
    token.scopes = String.join(" ", scopes);
    token.expiresAt = request.expiresAt();
    token.createdBy = caller.id();
    token.createdAt = Timestamps.now();
    token.persist();
    verifier.created(token.tokenHash);
    TokenDto created = toDto(token);
    changes.record(Resource.TOKEN, Action.CREATE, token.id.toString(), null, null, created);
    return withSecret(created, secret);
  }

  public Page<TokenDto> list(PageRequest page) {
    caller.requireReadAll();
    long after = page.afterKey() == null ? 0 : page.afterId();
    List<ApiToken> rows =
        ApiToken.find("id > ?1 order by id", after).page(0, page.limit() + 1).list();
    return Page.of(rows, page.limit(), t -> t.id.toString(), TokenService::toDto);
  }

  public TokenDto get(String id) {
    caller.requireReadAll();
    return toDto(find(id));
  }

  @Transactional
  public void revoke(String id) {
    caller.requireAdmin();
    ApiToken token = find(id);
    TokenDto before = toDto(token);
    token.delete();
    verifier.revoked(token.id.toString());
    changes.record(Resource.TOKEN, Action.REVOKE, id, null, before, null);
  }

  private static ApiToken find(String id) {
    ApiToken token = ApiToken.findById(parseId(id, "id"));
    if (token == null) {
      throw ApiException.notFound("token", id);
    }
    return token;
  }

  private static long parseId(String id, String field) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw ApiException.notFound("token", id);
    }
  }

  static TokenDto toDto(ApiToken token) {
    return new TokenDto(
        token.id,
        token.name,
        new ArrayList<>(Arrays.asList(token.scopes.split(" "))),
        token.expiresAt,
        token.lastUsedAt,
        token.createdAt,
        token.createdBy,
        null);
  }

  private static TokenDto withSecret(TokenDto dto, String secret) {
    return new TokenDto(
        dto.id(),
        dto.name(),
        dto.scopes(),
        dto.expiresAt(),
        dto.lastUsedAt(),
        dto.createdAt(),
        dto.createdBy(),
        secret);
  }
}
