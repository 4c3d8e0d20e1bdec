package com.xeadline.uploads.tus.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync that makes acknowledged commits survive power loss, on a real H2 file. */
class DatabaseSyncTest {
  @TempDir Path dir;

  @Test
  void syncingNeedsNoPooledConnection() throws Exception {
    UploadsConfig config =
        new ConfigLoader(Map.of())
            .load(List.of("--storage.data-dir=" + dir, "--database.url=jdbc:h2:file:" + dir.resolve("db"), "--database.pool-size=2"));
    try (Database database = Database.open(config.database())) {
      assertThat(Files.exists(dir.resolve("db.mv.db"))).isTrue();
      List<Connection> taken = new ArrayList<>();
      try {
        // Every connection busy, as under many concurrent commits: the sync must not queue for
        // one (it used to, and the pool's wait ran out).
        for (int i = 0; i < 2; i++) {
          taken.add(database.dataSource().getConnection());
        }
        database.syncToDisk();
      } finally {
        for (Connection c : taken) {
          c.close();
        }
      }
    }
  }
}
