package com.xeadline.uploads.tus.rows;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.tus.db.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** A row inserted within a request scope is found again from memory, exactly as a read maps it. */
class InsertedRowTest {
  @Test
  void theInsertedRowIsFoundWithoutAReadAndEqualsTheStoredOne() throws Exception {
    try (Database database = TwoConnectionDatabase.open()) {
      UploadSessions sessions = new UploadSessions(database.jdbi(), database.lookups());
      Instant now = Instant.parse("2026-11-30T10:00:00.123456789Z");
      String id = UUID.randomUUID().toString();
      UploadRow row = new UploadRow(id, null, "clip.mp4", 100L, "video/mp4", null, 0, UploadStatus.INITIALIZED,
          now, now, null, null, null, 0, false, now.plusSeconds(86_400), "SINGLE", null, null,
          "filename Y2xpcC5tcDQ=", "127.0.0.1", null, null, null, null);

      Optional<UploadRow> remembered = CompletableFuture.supplyAsync(() -> {
        sessions.openRequestScope();
        List<Handle> taken = new ArrayList<>();
        try {
          sessions.insert(row);
          // Every lookup connection in use: a read would wait for one.
          for (int i = 0; i < 2; i++) {
            taken.add(database.lookups().open());
          }
          return sessions.find(id);
        } finally {
          taken.forEach(Handle::close);
          sessions.closeRequestScope();
        }
      }).get(2, TimeUnit.SECONDS);

      assertThat(remembered).isPresent();
      assertThat(remembered).isEqualTo(sessions.find(id));
      assertThat(remembered.get().createdAt()).isEqualTo(Instant.parse("2026-11-30T10:00:00.123457Z"));
    }
  }
}
