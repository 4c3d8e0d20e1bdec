package com.xeadline.uploads.tus.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 file is opened so that a commit survives kill -9 (no write delay, no reuse of freed space:
 * with reuse, H2's recovery after a kill regularly opened an older state; see scripts/soak), and a
 * clean close compacts what that costs.
 */
class DatabaseUrlTest {
  @TempDir Path dir;

  @Test
  void anH2FileGetsTheDurableSettingsUnlessItSetsThemItself() {
    assertThat(Database.durableUrl("jdbc:h2:file:/d/db/uploads;WRITE_DELAY=0"))
        .isEqualTo("jdbc:h2:file:/d/db/uploads;WRITE_DELAY=0;REUSE_SPACE=FALSE");
    assertThat(Database.durableUrl("jdbc:h2:/d/db/uploads")).isEqualTo("jdbc:h2:/d/db/uploads;WRITE_DELAY=0;REUSE_SPACE=FALSE");
    assertThat(Database.durableUrl("jdbc:h2:file:/d/x;reuse_space=TRUE")).isEqualTo("jdbc:h2:file:/d/x;reuse_space=TRUE;WRITE_DELAY=0");
    assertThat(Database.durableUrl("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1")).isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1");
    assertThat(Database.durableUrl("jdbc:postgresql://localhost/db")).isEqualTo("jdbc:postgresql://localhost/db");
  }

  @Test
  void aCleanCloseCompactsTheFileAndKeepsTheRows() throws Exception {
    UploadsConfig config = new ConfigLoader(Map.of()).load(List.of("--storage.data-dir=" + dir));
    Path file = dir.resolve("db").resolve("uploads.mv.db");
    long grown;
    try (Database database = Database.open(config.database())) {
      database.jdbi().useHandle(h -> h.execute("CREATE TABLE t (id INT PRIMARY KEY, v BIGINT)"));
      database.jdbi().useHandle(h -> h.execute("INSERT INTO t VALUES (1, 0)"));
      for (int i = 0; i < 300; i++) {
        database.jdbi().useHandle(h -> h.execute("UPDATE t SET v = v + 1"));
        database.syncToDisk();
      }
      grown = Files.size(file);
    }
    assertThat(Files.size(file)).isLessThan(grown);
    try (Database reopened = Database.open(config.database())) {
      long value = reopened.jdbi().withHandle(h -> h.createQuery("SELECT v FROM t").mapTo(Long.class).one());
      assertThat(value).isEqualTo(300L);
    }
  }
}
