package io.mailplane.config;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.net.URI;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Custom methods are addressed as {@code /config:plan}. Many HTTP clients (RestAssured, some
 * generated SDKs) percent-encode the colon, and JAX-RS matches the raw path, so {@code
 * /config%3Aplan} would be a 404: decode that one character before matching.
 */
public class ActionPathFilter {
  private static final Pattern ENCODED_COLON = Pattern.compile("^(/api/v1/config)%3[aA]([a-z]+)$");

  @ServerRequestFilter(preMatching = true, priority = 5)
  public void decodeColon(ContainerRequestContext request) {
    URI uri = request.getUriInfo().getRequestUri();
    String raw = uri.getRawPath();
    if (raw == null || !raw.contains("%3")) {
      return;
    }
    var matcher = ENCODED_COLON.matcher(raw);
    if (matcher.matches()) {
      String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
      request.setRequestUri(uri.resolve(matcher.group(1) + ":" + matcher.group(2) + query));
    }
  }
}
