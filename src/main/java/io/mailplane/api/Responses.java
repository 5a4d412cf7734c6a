package io.mailplane.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;

/** Builders for the response shapes every resource shares. */
public final class Responses {
  private Responses() {}

  public static Response ok(Object body, long version) {
    return Response.ok(body).tag(Preconditions.etag(version)).build();
  }

  public static Response created(URI location, Object body, long version) {
    return Response.created(location).entity(body).tag(Preconditions.etag(version)).build();
  }

  /** 201 for a PUT that created, 200 for one that replaced. */
  public static Response upserted(Upserted<?> result, URI location, long version) {
    return result.created()
        ? created(location, result.value(), version)
        : ok(result.value(), version);
  }

  public static <T> Response page(Page<T> page, UriInfo uriInfo) {
    Response.ResponseBuilder builder = Response.ok(page);
    if (page.next() != null) {
      URI next =
          UriBuilder.fromUri(uriInfo.getRequestUri())
              .replaceQueryParam("after", page.next())
              .build();
      builder.header("Link", "<" + next + ">; rel=\"next\"");
    }
    return builder.build();
  }
}
