package com.xeadline.uploads.tus.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the server's tables go: its own schema, or where an older version already made them. */
class DatabaseSchemaTest {
  @TempDir Path dir;

  @Test
  void aNewDatabaseGetsTheTablesInTheServersSchema() {
    try (Database database = Database.open(config("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"))) {
      assertThat(currentSchema(database)).isEqualTo("xeadline_uploads");
      int rows = database.jdbi().withHandle(h -> h.select("SELECT COUNT(*) FROM upload_sessions").mapTo(Integer.class).one());
      assertThat(rows).isZero();
    }
  }

  @Test
  void tablesAnOlderVersionMadeInTheDefaultSchemaAreKeptInUse() {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    // As every version before database.schema migrated: into the connection's default schema.
    Flyway.configure().dataSource(url, "", "").locations("classpath:db/migration").target("6").load().migrate();
    try (Database database = Database.open(config(url))) {
      assertThat(currentSchema(database)).isEqualTo("PUBLIC");
      String version = database.jdbi().withHandle(h -> h.select("SELECT MAX(\"version\") FROM \"flyway_schema_history\"").mapTo(String.class).one());
      assertThat(version).isEqualTo("8");
    }
  }

  private UploadsConfig.Database config(String url) {
    UploadsConfig config = new ConfigLoader(Map.of()).load(List.of("--storage.data-dir=" + dir, "--database.url=" + url));
    return config.database();
  }

  private static String currentSchema(Database database) {
    String schema = database.jdbi().withHandle(h -> h.select("SELECT SCHEMA()").mapTo(String.class).one());
    return schema;
  }
}
