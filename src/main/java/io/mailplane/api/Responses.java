package io.mailplane.api;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;

/**
 * Builders for the response shapes every resource shares. Location and Link carry relative
 * references (RFC 9110 §10.2.2, RFC 8288 §3.1): an absolute URL would have to come from the Host
 * header, which is the client's to choose (and JAX-RS's location() builds it from exactly that).
 */
public final class Responses {
  private Responses() {}

  /** A response with a Location relative to this server, never made absolute from Host. */
  public static Response.ResponseBuilder located(Response.Status status, URI location) {
    return Response.status(status).header(HttpHeaders.LOCATION, location.toString());
  }

  /**
   * Where an object of a resource class lives: the class's {@code @Path} followed by the key, or
   * with the key in place of the path's one template (a sub-resource such as a domain's DKIM).
   */
  public static URI location(Class<?> resource, Object key) {
    String path = resource.getAnnotation(Path.class).value();
    String value = key.toString();
    return URI.create(
        path.contains("{")
            ? path.replaceFirst("\\{[^}]+}", Matcher.quoteReplacement(value))
            : path + "/" + value);
  }

  public static Response ok(Object body, long version) {
    return Response.ok(body).tag(Preconditions.etag(version)).build();
  }

  public static Response created(URI location, Object body, long version) {
    return located(Response.Status.CREATED, location)
        .entity(body)
        .tag(Preconditions.etag(version))
        .build();
  }

  /**
   * 201 for a PUT that created, 200 for one that replaced, with the object's Location (under the
   * resource class's path, see {@link #location}) and ETag.
   */
  public static <T> Response upserted(
      Upserted<T> result, Class<?> resource, Function<T, ?> key, ToLongFunction<T> version) {
    T value = result.value();
    long etag = version.applyAsLong(value);
    return result.created()
        ? created(location(resource, key.apply(value)), value, etag)
        : ok(value, etag);
  }

  public static <T> Response page(Page<T> page, UriInfo uriInfo) {
    Response.ResponseBuilder builder = Response.ok(page);
    if (page.next() != null) {
      URI next =
          UriBuilder.fromUri(uriInfo.getRequestUri())
              .replaceQueryParam("after", page.next())
              .build();
      String target = next.getRawPath() + "?" + next.getRawQuery();
      builder.header("Link", "<" + target + ">; rel=\"next\"");
    }
    return builder.build();
  }
}
