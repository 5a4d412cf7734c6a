package io.mailplane.api;

import jakarta.ws.rs.core.EntityTag;

/** The entity tag of an object's version; the conditions against it are a {@link Precondition}. */
public final class Preconditions {
  private Preconditions() {}

  public static EntityTag etag(long version) {
    return new EntityTag(Long.toString(version));
  }
}
