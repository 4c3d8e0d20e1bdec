package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.db.DatabaseOutage;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Write locks shared by every node through the database: a row per locked upload, owned by one
 * acquisition (a token) until its lease runs out or it is released. Plain SQL that runs the same
 * on H2 and PostgreSQL.
 */
public final class LockLeases {
  private final Jdbi jdbi;

  public LockLeases(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Takes the lock when it is free or its lease has run out. */
  public boolean tryAcquire(String uploadId, String token, Instant now, Instant leaseUntil) {
    try {
      return jdbi.inTransaction(
          h -> {
            Optional<OffsetDateTime> current =
                h.createQuery("SELECT lease_until FROM upload_locks WHERE upload_id = :id FOR UPDATE")
                    .bind("id", uploadId)
                    .mapTo(OffsetDateTime.class)
                    .findOne();
            if (current.isEmpty()) {
              return h.createUpdate(
                          "INSERT INTO upload_locks (upload_id, owner, lease_until, release_requested) VALUES (:id, :owner, :until, FALSE)")
                      .bind("id", uploadId)
                      .bind("owner", token)
                      .bind("until", utc(leaseUntil))
                      .execute()
                  == 1;
            }
            if (!current.get().toInstant().isBefore(now)) {
              return false;
            }
            return h.createUpdate(
                        "UPDATE upload_locks SET owner = :owner, lease_until = :until, release_requested = FALSE WHERE upload_id = :id")
                    .bind("id", uploadId)
                    .bind("owner", token)
                    .bind("until", utc(leaseUntil))
                    .execute()
                == 1;
          });
    } catch (UnableToExecuteStatementException raced) {
      // Another node inserted the same upload's row first (primary key): it holds the lock.
      if (DatabaseOutage.isCause(raced)) {
        throw raced;
      }
      return false;
    }
  }

  /** Asks the holder, wherever it runs, to let go (it sees this at its next renewal). */
  public void requestRelease(String uploadId) {
    jdbi.useHandle(
        h -> h.createUpdate("UPDATE upload_locks SET release_requested = TRUE WHERE upload_id = :id").bind("id", uploadId).execute());
  }

  /**
   * Extends the leases of these acquisitions (upload id to token) and returns the upload ids this
   * node must let go of: asked to, or no longer its own (its lease ran out and another took it).
   */
  public List<String> renew(Map<String, String> tokensByUpload, Instant leaseUntil) {
    if (tokensByUpload.isEmpty()) {
      return List.of();
    }
    return jdbi.inTransaction(
        h -> {
          h.createUpdate("UPDATE upload_locks SET lease_until = :until WHERE owner IN (<owners>)")
              .bind("until", utc(leaseUntil))
              .bindList("owners", List.copyOf(tokensByUpload.values()))
              .execute();
          Map<String, String> owners = new java.util.HashMap<>();
          Map<String, Boolean> asked = new java.util.HashMap<>();
          h.createQuery("SELECT upload_id, owner, release_requested FROM upload_locks WHERE upload_id IN (<ids>)")
              .bindList("ids", List.copyOf(tokensByUpload.keySet()))
              .map((rs, ctx) -> {
                owners.put(rs.getString("upload_id"), rs.getString("owner"));
                asked.put(rs.getString("upload_id"), rs.getBoolean("release_requested"));
                return null;
              })
              .list();
          return tokensByUpload.entrySet().stream()
              .filter(e -> !e.getValue().equals(owners.get(e.getKey())) || asked.getOrDefault(e.getKey(), false))
              .map(Map.Entry::getKey)
              .toList();
        });
  }

  public void release(String uploadId, String token) {
    jdbi.useHandle(
        h ->
            h.createUpdate("DELETE FROM upload_locks WHERE upload_id = :id AND owner = :owner")
                .bind("id", uploadId)
                .bind("owner", token)
                .execute());
  }

  public boolean isHeld(String uploadId, Instant now) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM upload_locks WHERE upload_id = :id AND lease_until >= :now")
                .bind("id", uploadId)
                .bind("now", utc(now))
                .mapTo(Integer.class)
                .one()
            > 0);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
