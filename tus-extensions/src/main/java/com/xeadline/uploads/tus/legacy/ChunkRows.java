package com.xeadline.uploads.tus.legacy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** All SQL on {@code upload_chunks}: which chunks of a chunked upload are claimed or stored. */
public final class ChunkRows {
  private final Jdbi jdbi;

  public ChunkRows(Jdbi jdbi) {
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

  /** A stored chunk: its size, and whether it sits at its place in the upload's file. */
  public record StoredChunk(int index, long bytes, boolean inPlace, boolean joined) {}

  public void markStored(String uploadId, int index, long bytes, boolean inPlace) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
                    UPDATE upload_chunks SET state = 'stored', chunk_bytes = :bytes, in_place = :inPlace
                    WHERE upload_id = :id AND chunk_index = :index
                    """)
                .bind("id", uploadId)
                .bind("index", index)
                .bind("bytes", bytes)
                .bind("inPlace", inPlace)
                .execute());
  }

  /** Names the object holding a claimed chunk's bytes (storage.in-progress=gcs). */
  public void recordObject(String uploadId, int index, String key, long generation) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE upload_chunks SET object_key = :key, generation = :generation WHERE upload_id = :id AND chunk_index = :index")
                .bind("id", uploadId)
                .bind("index", index)
                .bind("key", key)
                .bind("generation", generation)
                .execute());
  }

  /** The object holding a chunk's bytes, as a part of its own (start 0), if one is named. */
  public java.util.Optional<com.xeadline.uploads.storage.UploadParts.Part> object(String uploadId, int index) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT object_key, generation, chunk_bytes FROM upload_chunks
                    WHERE upload_id = :id AND chunk_index = :index AND object_key IS NOT NULL
                    """)
                .bind("id", uploadId)
                .bind("index", index)
                .map((rs, ctx) -> new com.xeadline.uploads.storage.UploadParts.Part(
                    rs.getString(1), 0, Math.max(1, rs.getLong(3)), rs.getLong(2)))
                .findOne());
  }

  /** All chunks' bytes are now in the upload's file, in their order (a join is done). */
  public void markJoined(String uploadId) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE upload_chunks SET state = 'joined' WHERE upload_id = :id AND state = 'stored'")
                .bind("id", uploadId)
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

  /** The indices of the stored chunks, in order. */
  public List<Integer> stored(String uploadId) {
    return storedChunks(uploadId).stream().map(StoredChunk::index).toList();
  }

  public List<StoredChunk> storedChunks(String uploadId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT chunk_index, chunk_bytes, in_place, state FROM upload_chunks
                    WHERE upload_id = :id AND state IN ('stored', 'joined') ORDER BY chunk_index
                    """)
                .bind("id", uploadId)
                .map(
                    (rs, ctx) ->
                        new StoredChunk(
                            rs.getInt("chunk_index"),
                            rs.getLong("chunk_bytes"),
                            rs.getBoolean("in_place"),
                            "joined".equals(rs.getString("state"))))
                .list());
  }

  private boolean isStored(String uploadId, int index) {
    return count(uploadId, index, "stored") + count(uploadId, index, "joined") > 0;
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
