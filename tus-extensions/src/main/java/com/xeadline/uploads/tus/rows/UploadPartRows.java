package com.xeadline.uploads.tus.rows;

import com.xeadline.uploads.storage.UploadParts.Part;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * All SQL on {@code upload_parts}: which part objects hold an unfinished upload's acknowledged
 * bytes (storage.in-progress=gcs). A part is recorded in the transaction that moves the upload's
 * offset over it, never on its own, so a recorded part and the acknowledged offset always agree.
 * The rows go with their upload's row (ON DELETE CASCADE).
 */
public final class UploadPartRows {
  private final Jdbi jdbi;

  public UploadPartRows(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Runs {@code advance} (the offset's compare-and-set, e.g. {@link UploadSessions#advanceOffset})
   * and, if it moved the offset, records {@code part}, in one transaction: Jdbi hands calls on this
   * thread nested in a transaction callback the same handle, so the compare-and-set joins it. False,
   * and nothing recorded, when the offset was not where the writer expected it; when the part
   * cannot be recorded, the offset does not move either.
   */
  public boolean advanceWithPart(String uploadId, Part part, BooleanSupplier advance) {
    return jdbi.inTransaction(
        h -> {
          if (!advance.getAsBoolean()) {
            return false;
          }
          h.createUpdate(
                  """
                  INSERT INTO upload_parts (upload_id, start_offset, end_offset, object_key, generation)
                  VALUES (:id, :start, :end, :key, :generation)
                  """)
              .bind("id", uploadId)
              .bind("start", part.start())
              .bind("end", part.end())
              .bind("key", part.key())
              .bind("generation", part.generation())
              .execute();
          return true;
        });
  }

  /** The recorded parts of an upload, in byte order. */
  public List<Part> list(String uploadId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT object_key, start_offset, end_offset, generation FROM upload_parts
                    WHERE upload_id = :id ORDER BY start_offset
                    """)
                .bind("id", uploadId)
                .map((rs, ctx) -> new Part(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .list());
  }

  /**
   * Forgets the parts at or above {@code offset} (a refused body's checkpoints, which the offset
   * is lowered below); returns them so their objects can be deleted.
   */
  public List<Part> forgetFrom(String uploadId, long offset) {
    return jdbi.inTransaction(
        h -> {
          List<Part> gone =
              h.createQuery(
                      """
                      SELECT object_key, start_offset, end_offset, generation FROM upload_parts
                      WHERE upload_id = :id AND start_offset >= :offset ORDER BY start_offset
                      """)
                  .bind("id", uploadId)
                  .bind("offset", offset)
                  .map((rs, ctx) -> new Part(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                  .list();
          h.createUpdate("DELETE FROM upload_parts WHERE upload_id = :id AND start_offset >= :offset")
              .bind("id", uploadId)
              .bind("offset", offset)
              .execute();
          return gone;
        });
  }

  /** Forgets every part of an upload (its bytes were composed into the final). */
  public void forgetAll(String uploadId) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM upload_parts WHERE upload_id = :id").bind("id", uploadId).execute());
  }

  /** Where the recorded parts end without a gap from 0: the offset they can vouch for. */
  public static long contiguousEnd(List<Part> parts) {
    long end = 0;
    for (Part part : parts) {
      if (part.start() != end) {
        break;
      }
      end = part.end();
    }
    return end;
  }
}
