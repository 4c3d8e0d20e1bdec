package com.xeadline.uploads.tus.rows;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rows read during one request, per thread: tus-java-server's validators and handlers each look
 * the upload up again. Only between {@link #open()} and {@link #close()}; any write forgets them,
 * except an insert, whose row is known whole (the creation's Upload-Expires needs no read back).
 */
final class RequestRowCache {
  private final ThreadLocal<Map<String, Optional<UploadRow>>> rows = new ThreadLocal<>();
  private final ThreadLocal<Boolean> readOnly = new ThreadLocal<>();

  void open(boolean readOnlyRequest) {
    rows.set(new HashMap<>());
    readOnly.set(readOnlyRequest);
  }

  void close() {
    rows.remove();
    readOnly.remove();
  }

  /** Whether this thread's open scope is a request that only reads. */
  boolean readOnly() {
    return Boolean.TRUE.equals(readOnly.get());
  }

  /** Called before every write: what this thread read may be stale now. */
  void forget() {
    Map<String, Optional<UploadRow>> scoped = rows.get();
    if (scoped != null) {
      scoped.clear();
    }
  }

  /** A row this thread just wrote whole, as a read of it would now find it. */
  void remember(UploadRow row) {
    Map<String, Optional<UploadRow>> scoped = rows.get();
    if (scoped != null) {
      scoped.put(row.id(), Optional.of(row));
    }
  }

  /** The row of {@code id}, from memory when this thread read it within its open scope. */
  Optional<UploadRow> find(String id, Function<String, Optional<UploadRow>> select) {
    Map<String, Optional<UploadRow>> scoped = rows.get();
    if (scoped == null) {
      return select.apply(id);
    }
    Optional<UploadRow> row = scoped.get(id);
    if (row == null) {
      row = select.apply(id);
      scoped.put(id, row);
    }
    return row;
  }
}
