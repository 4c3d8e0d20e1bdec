package com.xeadline.uploads.server.api;

import com.xeadline.uploads.tus.legacy.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A position in a newest-first listing (time, then id); opaque to clients. */
record KeysetCursor(Instant at, String id) {
  String encode() {
    String text = at + "|" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor given, or null when none was. */
  static KeysetCursor parse(String cursor) throws ApiProblem {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = text.indexOf('|');
      if (bar < 1 || bar == text.length() - 1) {
        throw invalid();
      }
      return new KeysetCursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw invalid();
    }
  }

  static void checkLimit(int limit, int max) throws ApiProblem {
    if (limit < 1 || limit > max) {
      throw new ApiProblem(400, "Invalid request", "limit must be between 1 and " + max, List.of(), Map.of());
    }
  }

  /**
   * One page of a listing fetched with one row more than asked ({@code limit + 1}): the extra
   * row tells whether another page exists, without a count query.
   */
  static <T, I> Page<I> page(
      List<T> rows, int limit, java.util.function.Function<T, I> item, java.util.function.Function<T, KeysetCursor> position) {
    return new Page<>(
        rows.subList(0, Math.min(limit, rows.size())).stream().map(item).toList(),
        rows.size() > limit ? position.apply(rows.get(limit - 1)).encode() : null);
  }

  record Page<I>(List<I> items, String nextCursor) {}

  private static ApiProblem invalid() {
    return new ApiProblem(400, "Invalid request", "cursor is not one this server gave out", List.of(), Map.of());
  }
}
