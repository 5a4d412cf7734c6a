package io.mailplane.api;

import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of a keyset-paginated list. */
public record Page<T>(
    @Schema(description = "The objects of this page, in key order") List<T> items,
    @Schema(
            description = "Cursor for the next page (pass as ?after=), null on the last page",
            nullable = true)
        String next) {

  /**
   * Builds a page from up to limit+1 rows fetched in key order: the extra row only tells whether a
   * next page exists.
   */
  public static <E, T> Page<T> of(
      List<E> rows, int limit, Function<E, String> key, Function<E, T> toDto) {
    boolean more = rows.size() > limit;
    List<E> shown = more ? rows.subList(0, limit) : rows;
    String next = more ? Cursor.encode(key.apply(shown.get(shown.size() - 1))) : null;
    return new Page<>(shown.stream().map(toDto).toList(), next);
  }
}
