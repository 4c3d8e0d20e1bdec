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

  @Test
  void aDatabaseAtTheLatestMigrationOpensWithoutRunningFlyway() {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Database.open(config(url)).close();
    // A checksum Flyway's validation would refuse: only a start that skips Flyway gets through.
    try (Database database = Database.open(config(url))) {
      database.jdbi().useHandle(h -> h.execute("UPDATE \"flyway_schema_history\" SET \"checksum\" = 12345 WHERE \"version\" = '1'"));
    }
    try (Database database = Database.open(config(url))) {
      int rows = database.jdbi().withHandle(h -> h.select("SELECT COUNT(*) FROM upload_sessions").mapTo(Integer.class).one());
      assertThat(rows).isZero();
    }
  }

  @Test
  void aDatabaseBehindTheLatestMigrationIsMigrated() {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Flyway.configure().dataSource(url, "", "").schemas("xeadline_uploads").defaultSchema("xeadline_uploads")
        .createSchemas(true).locations("classpath:db/migration").target("6").load().migrate();
    try (Database database = Database.open(config(url))) {
      String version = database.jdbi().withHandle(h -> h.select("SELECT MAX(\"version\") FROM \"flyway_schema_history\"").mapTo(String.class).one());
      assertThat(version).isEqualTo(Integer.toString(Database.LATEST_MIGRATION));
    }
  }

  @Test
  void theLatestMigrationConstantIsTheHighestFile() throws Exception {
    Path migrations = Path.of(getClass().getClassLoader().getResource("db/migration").toURI());
    try (var files = java.nio.file.Files.list(migrations)) {
      int highest = files.map(f -> f.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.*\\.sql"))
          .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
          .max().orElseThrow();
      assertThat(Database.LATEST_MIGRATION).isEqualTo(highest);
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
