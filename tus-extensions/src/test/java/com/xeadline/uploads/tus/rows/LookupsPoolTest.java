package com.xeadline.uploads.tus.rows;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.tus.db.Database;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A row is found by its id (HEAD's offset) while every connection of the main pool is busy, and
 * in a read-only scope (HEAD) while every connection of the lookups pool is too.
 */
class LookupsPoolTest {
  @Test
  void findDoesNotQueueBehindWrites() throws Exception {
    try (Database database = TwoConnectionDatabase.open()) {
      UploadSessions sessions = new UploadSessions(database.jdbi(), database.lookups());
      String id = UUID.randomUUID().toString();
      database.jdbi().useHandle(h -> h.execute(
          "INSERT INTO upload_sessions (id, file_size, status, created_at, last_activity_at) VALUES (?, 100, 'initialized', NOW(), NOW())", id));
      List<Connection> taken = new ArrayList<>();
      try {
        // As in a burst of creations: every pooled connection committing, hundreds waiting.
        for (int i = 0; i < 2; i++) {
          taken.add(database.dataSource().getConnection());
        }
        Optional<UploadRow> row = CompletableFuture.supplyAsync(() -> sessions.find(id)).get(2, TimeUnit.SECONDS);
        assertThat(row).map(UploadRow::id).contains(id);
      } finally {
        for (Connection c : taken) {
          c.close();
        }
      }
    }
  }

  @Test
  void aReadOnlyScopeDoesNotQueueBehindOtherLookups() throws Exception {
    try (Database database = TwoConnectionDatabase.open()) {
      UploadSessions sessions = new UploadSessions(database.jdbi(), database.lookups(), database.statusReads());
      String id = UUID.randomUUID().toString();
      database.jdbi().useHandle(h -> h.execute(
          "INSERT INTO upload_sessions (id, file_size, status, created_at, last_activity_at) VALUES (?, 100, 'initialized', NOW(), NOW())", id));
      List<org.jdbi.v3.core.Handle> taken = new ArrayList<>();
      try {
        // As in a burst of creations: every lookup connection in use, hundreds of requests waiting.
        for (int i = 0; i < 2; i++) {
          taken.add(database.lookups().open());
        }
        Optional<UploadRow> row = CompletableFuture.supplyAsync(() -> {
          sessions.openReadOnlyScope();
          try {
            return sessions.find(id);
          } finally {
            sessions.closeRequestScope();
          }
        }).get(2, TimeUnit.SECONDS);
        assertThat(row).map(UploadRow::id).contains(id);
      } finally {
        taken.forEach(org.jdbi.v3.core.Handle::close);
      }
    }
  }
}
