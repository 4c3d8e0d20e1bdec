package com.xeadline.uploads.tus;

import com.xeadline.uploads.config.UploadsConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooled connection to H2 or PostgreSQL, migrated on open. Every table lives in
 * {@code database.schema}, so the server can share a database with the app's (Prisma's) tables.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
  }

  public static Database open(UploadsConfig.Database config) {
    return open(config, null);
  }

  /** {@code meterRegistry}: a Micrometer registry for the pool's metrics, or null. */
  public static Database open(UploadsConfig.Database config, Object meterRegistry) {
    String schema = schemaToUse(config);
    // The schema first, by Flyway on a connection of its own: the pool's connections are pinned
    // to it (search_path), so no statement of the server can reach another schema's tables.
    Flyway.configure()
        .dataSource(config.url(), config.user(), config.password().isEmpty() ? "" : config.password().value())
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(withoutCloseOnExit(config.url()));
    hikari.setSchema(schema);
    if (!config.user().isEmpty()) {
      hikari.setUsername(config.user());
    }
    if (!config.password().isEmpty()) {
      hikari.setPassword(config.password().value());
    }
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setPoolName("uploads-db");
    // A lost database should turn into a quick 503 for clients, not a 30 s wait per request.
    hikari.setConnectionTimeout(3_000);
    hikari.setValidationTimeout(2_000);
    if (meterRegistry != null) {
      hikari.setMetricRegistry(meterRegistry);
    }
    return new Database(new HikariDataSource(hikari));
  }

  /**
   * {@code database.schema}, unless this database holds the server's tables in the default schema
   * (as every version before database.schema made them) and none in the configured one yet: those
   * are used where they are, with a warning, rather than starting empty beside them.
   */
  private static String schemaToUse(UploadsConfig.Database config) {
    String legacy = config.isPostgres() ? "public" : "PUBLIC";
    try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password().isEmpty() ? "" : config.password().value())) {
      if (hasOurTables(c, config.schema()) || !hasOurTables(c, legacy)) {
        createSchema(c, config.schema());
        return config.schema();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot connect to the database: " + e.getMessage(), e);
    }
    log.atWarn()
        .addKeyValue("schema", legacy)
        .addKeyValue("configured_schema", config.schema())
        .log("database.tables_in_default_schema: the server's tables stay where an older version made them; move them with ALTER TABLE ... SET SCHEMA to use database.schema");
    return legacy;
  }

  /**
   * Made here rather than by Flyway so that nodes starting together do not race to create it
   * (Flyway's own lock only covers the migrations).
   */
  private static void createSchema(Connection c, String schema) throws SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
    } catch (SQLException raced) {
      try (ResultSet schemas = c.getMetaData().getSchemas(null, schema)) {
        if (!schemas.next()) {
          throw raced;
        }
      }
    }
  }

  private static boolean hasOurTables(Connection c, String schema) throws SQLException {
    boolean history = false;
    boolean sessions = false;
    try (ResultSet tables = c.getMetaData().getTables(null, schema, null, new String[] {"TABLE"})) {
      while (tables.next()) {
        String name = tables.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT);
        history |= name.equals("flyway_schema_history");
        sessions |= name.equals("upload_sessions");
      }
    }
    return history && sessions;
  }

  /**
   * H2 closes an embedded database from its own JVM shutdown hook by default, which on SIGTERM
   * would pull it from under the PATCHes the server is still draining: the server closes it
   * itself, last, in {@link #close()}.
   */
  static String withoutCloseOnExit(String url) {
    if (!url.startsWith("jdbc:h2:") || url.toUpperCase(java.util.Locale.ROOT).contains("DB_CLOSE_ON_EXIT")) {
      return url;
    }
    return url + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /** The pool itself, for libraries that take a DataSource (bucket4j). */
  public javax.sql.DataSource dataSource() {
    return dataSource;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
