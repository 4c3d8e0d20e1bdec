package com.xeadline.uploads.tus.legacy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** All SQL on {@code upload_chunks}: which chunks of a chunked upload are claimed or stored. */
public final class UploadChunks {
  private final Jdbi jdbi;

  public UploadChunks(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** What a request found when it tried to claim a chunk. */
  public enum Claim {
    /** This request writes the chunk. */
    CLAIMED,
    /** The chunk is already stored: a duplicate, answered as a success. */
    STORED,
    /** Another request is writing it right now: the client should retry later (409). */
    BUSY
  }

  /**
   * Claims a chunk for writing; the primary key makes the claim atomic across threads (and
   * nodes). A concurrent claim may still be uncommitted when ours collides with it (neither
   * stored nor claimed is visible yet): then the claim is tried again a few times, and when it
   * stays undecided the chunk counts as busy, never as an error.
   */
  public Claim claim(String uploadId, int index, Instant now) {
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        if (insertClaim(uploadId, index, now)) {
          return Claim.CLAIMED;
        }
      } catch (UnableToExecuteStatementException duplicate) {
        // decided below
      }
      if (isStored(uploadId, index)) {
        return Claim.STORED;
      }
      if (isClaimed(uploadId, index)) {
        return Claim.BUSY;
      }
      try {
        Thread.sleep(5L << attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return Claim.BUSY;
  }

  private boolean insertClaim(String uploadId, int index, Instant now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        """
                        INSERT INTO upload_chunks (upload_id, chunk_index, state, claimed_at)
                        VALUES (:id, :index, 'writing', :now)
                        """)
                    .bind("id", uploadId)
                    .bind("index", index)
                    .bind("now", now.atOffset(ZoneOffset.UTC))
                    .execute())
        == 1;
  }

  public void markStored(String uploadId, int index) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE upload_chunks SET state = 'stored' WHERE upload_id = :id AND chunk_index = :index")
                .bind("id", uploadId)
                .bind("index", index)
                .execute());
  }

  /** Gives a claim up (its write failed), so a retry can take it. */
  public void release(String uploadId, int index) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "DELETE FROM upload_chunks WHERE upload_id = :id AND chunk_index = :index AND state = 'writing'")
                .bind("id", uploadId)
                .bind("index", index)
                .execute());
  }

  /** Claims left by a crash mid-write hold no acknowledged bytes: drop them before serving. */
  public int releaseAllWriting() {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM upload_chunks WHERE state = 'writing'").execute());
  }

  public List<Integer> stored(String uploadId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT chunk_index FROM upload_chunks
                    WHERE upload_id = :id AND state = 'stored' ORDER BY chunk_index
                    """)
                .bind("id", uploadId)
                .mapTo(Integer.class)
                .list());
  }

  private boolean isStored(String uploadId, int index) {
    return count(uploadId, index, "stored") > 0;
  }

  private boolean isClaimed(String uploadId, int index) {
    return count(uploadId, index, "writing") > 0;
  }

  private int count(String uploadId, int index, String state) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) FROM upload_chunks WHERE upload_id = :id AND chunk_index = :index AND state = :state")
                .bind("id", uploadId)
                .bind("index", index)
                .bind("state", state)
                .mapTo(Integer.class)
                .one());
  }
}
