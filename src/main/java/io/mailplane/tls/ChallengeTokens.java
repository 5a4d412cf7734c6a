package io.mailplane.tls;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** HTTP-01 answers: only tokens of orders still in progress, from any replica. */
@ApplicationScoped
public class ChallengeTokens {
  /** RFC 8555 §8.3: tokens are base64url; anything else is not ours and never hits the database. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,255}");

  @Transactional
  public Optional<String> keyAuthorization(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      return Optional.empty();
    }
    List<String> found =
        AcmeChallenge.getEntityManager()
            .createQuery(
                "select c.keyAuthorization from AcmeChallenge c, AcmeOrder o"
                    + " where c.token = :token and o.id = c.orderId and o.status in :active",
                String.class)
            .setParameter("token", token)
            .setParameter("active", AcmeOrder.ACTIVE)
            .getResultList();
    return found.stream().findFirst();
  }
}
