package com.xeadline.uploads.tus.db;

import com.xeadline.uploads.config.UploadsConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>An embedded H2 file is opened so that a committed change survives {@code kill -9}: every
 * commit is written to the file at once ({@code WRITE_DELAY=0}) and H2 never writes a new chunk
 * into space freed inside the file ({@code REUSE_SPACE=FALSE}); with reuse, a kill -9 regularly
 * made H2's recovery open an older state of the file, losing acknowledged commits. H2 never
 * fsyncs on commit: {@link #syncToDisk} does, for callers that promise power-loss durability.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  /** The highest {@code db/migration/V<n>__*.sql}; DatabaseSchemaTest checks it against the files. */
  static final int LATEST_MIGRATION = 8;
  /** How long a request may queue for a connection while every one is alive and busy. */
  static final Duration BUSY_POOL_LIMIT = Duration.ofSeconds(30);
  /** Connections for single-row lookups only (HEAD's offset): see {@link #lookups()}. */
  static final int LOOKUP_CONNECTIONS = 2;
  /**
   * Connections for {@link #statusReads()}: as many as the server has threads for HEAD
   * (HttpServerFactory), so a HEAD never waits for one nor hands one back to a waiter.
   */
  public static final int STATUS_READ_CONNECTIONS = 2;
  private final HikariDataSource dataSource;
  private final HikariDataSource lookupSource;
  private final HikariDataSource statusSource;
  private final Jdbi jdbi;
  private final Jdbi lookups;
  private final Jdbi statusReads;
  private final boolean embeddedH2;
  /** The embedded H2 file ({@code .mv.db}), or null. */
  private final Path h2File;
  private final ReentrantLock syncing = new ReentrantLock();
  private final AtomicLong syncsRequested = new AtomicLong();
  private volatile long syncsDone;

  private Database(
      HikariDataSource dataSource, HikariDataSource lookupSource, HikariDataSource statusSource, boolean embeddedH2) {
    this.dataSource = dataSource;
    this.lookupSource = lookupSource;
    this.statusSource = statusSource;
    this.jdbi = Jdbi.create(new BusyPoolWait(dataSource, BUSY_POOL_LIMIT));
    this.lookups = Jdbi.create(new BusyPoolWait(lookupSource, BUSY_POOL_LIMIT));
    this.statusReads = Jdbi.create(new BusyPoolWait(statusSource, BUSY_POOL_LIMIT));
    this.embeddedH2 = embeddedH2;
    this.h2File = embeddedH2
        ? Path.of(jdbi.withHandle(h -> h.createQuery("CALL DATABASE_PATH()").mapTo(String.class).one()) + ".mv.db")
        : null;
  }

  public static Database open(UploadsConfig.Database config) {
    return open(config, null);
  }

  /** {@code meterRegistry}: a Micrometer registry for the pool's metrics, or null. */
  public static Database open(UploadsConfig.Database config, Object meterRegistry) {
    // Every connection, the migrations' too, opens an H2 file with the settings durability needs.
    String url = withoutCloseOnExit(durableUrl(config.url()));
    Schema found = schemaToUse(config, url);
    String schema = found.name();
    // The schema first, by Flyway on a connection of its own: the pool's connections are pinned
    // to it (search_path), so no statement of the server can reach another schema's tables.
    // A database already at the latest migration skips Flyway: a fifth of the server's start-up
    // CPU went to Flyway finding, loading and validating migrations that had nothing to do.
    if (!found.current()) {
      migrate(config, url, schema);
    }
    HikariDataSource pool = pool(config, url, schema, "uploads-db", config.poolSize(), meterRegistry);
    HikariDataSource lookups = pool(config, url, schema, "uploads-db-lookups", LOOKUP_CONNECTIONS, meterRegistry);
    HikariDataSource status = pool(config, url, schema, "uploads-db-status", STATUS_READ_CONNECTIONS, meterRegistry);
    return new Database(pool, lookups, status, isEmbeddedH2File(config.url()));
  }

  private static HikariDataSource pool(
      UploadsConfig.Database config, String url, String schema, String name, int size, Object meterRegistry) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    hikari.setSchema(schema);
    if (!config.user().isEmpty()) {
      hikari.setUsername(config.user());
    }
    if (!config.password().isEmpty()) {
      hikari.setPassword(config.password().value());
    }
    hikari.setMaximumPoolSize(size);
    hikari.setPoolName(name);
    // A lost database should turn into a quick 503 for clients, not a 30 s wait per request
    // (a merely busy pool is waited for longer: BusyPoolWait).
    hikari.setConnectionTimeout(3_000);
    hikari.setValidationTimeout(2_000);
    if (meterRegistry != null) {
      hikari.setMetricRegistry(meterRegistry);
    }
    return new HikariDataSource(hikari);
  }

  private static void migrate(UploadsConfig.Database config, String url, String schema) {
    Flyway.configure()
        .dataSource(url, config.user(), config.password().isEmpty() ? "" : config.password().value())
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  /** The schema the tables are in, and whether its history already has every migration. */
  private record Schema(String name, boolean current) {}

  /**
   * {@code database.schema}, unless this database holds the server's tables in the default schema
   * (as every version before database.schema made them) and none in the configured one yet: those
   * are used where they are, with a warning, rather than starting empty beside them.
   */
  private static Schema schemaToUse(UploadsConfig.Database config, String url) {
    String legacy = config.isPostgres() ? "public" : "PUBLIC";
    try (Connection c = DriverManager.getConnection(url, config.user(), config.password().isEmpty() ? "" : config.password().value())) {
      if (hasOurTables(c, config.schema()) || !hasOurTables(c, legacy)) {
        createSchema(c, config.schema());
        return new Schema(config.schema(), isCurrent(c, config.schema()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot connect to the database: " + e.getMessage(), e);
    }
    log.atWarn()
        .addKeyValue("schema", legacy)
        .addKeyValue("configured_schema", config.schema())
        .log("database.tables_in_default_schema: the server's tables stay where an older version made them; move them with ALTER TABLE ... SET SCHEMA to use database.schema");
    return new Schema(legacy, false);
  }

  /**
   * Whether the history holds exactly versions 1 to {@link #LATEST_MIGRATION}, all successful.
   * (Flyway would also compare the checksums of the files: a migration edited after it ran is
   * not noticed on such a start; the files are released migrations, never edited.)
   */
  static boolean isCurrent(Connection c, String schema) throws SQLException {
    if (!hasOurTables(c, schema)) {
      return false;
    }
    java.util.Set<String> versions = new java.util.HashSet<>();
    String history = "\"" + schema + "\".\"flyway_schema_history\"";
    try (java.sql.Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT \"version\", \"success\" FROM " + history)) {
      while (rows.next()) {
        if (!rows.getBoolean(2)) {
          return false;
        }
        if (rows.getString(1) != null) {
          versions.add(rows.getString(1));
        }
      }
    }
    for (int v = 1; v <= LATEST_MIGRATION; v++) {
      if (!versions.remove(Integer.toString(v))) {
        return false;
      }
    }
    return versions.isEmpty();
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

  /** An H2 file URL with the settings a durable commit needs, unless the URL sets them itself. */
  static String durableUrl(String url) {
    if (!isEmbeddedH2File(url)) {
      return url;
    }
    String upper = url.toUpperCase(Locale.ROOT);
    StringBuilder durable = new StringBuilder(url);
    if (!upper.contains(";WRITE_DELAY=")) {
      durable.append(";WRITE_DELAY=0");
    }
    if (!upper.contains(";REUSE_SPACE=")) {
      durable.append(";REUSE_SPACE=FALSE");
    }
    return durable.toString();
  }

  private static boolean isEmbeddedH2File(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:h2:")) {
      return false;
    }
    String rest = lower.substring("jdbc:h2:".length());
    return !rest.startsWith("mem:") && !rest.startsWith("tcp:") && !rest.startsWith("ssl:") && !rest.startsWith("zip:");
  }

  /**
   * Forces every change committed before this call to stable storage (PostgreSQL syncs on commit
   * itself, so nothing there). H2 has already written each commit into its file (WRITE_DELAY=0),
   * so an fdatasync of that file from a channel of our own makes them durable. It needs no pooled
   * connection and no H2 lock: {@code CHECKPOINT SYNC} held H2's store lock across the fsync, so
   * under 64 concurrent uploads every commit queued behind the disk and the pool ran dry (POST
   * answered 503). Concurrent callers share one sync: a caller whose commit an already finished
   * sync covered returns at once.
   */
  public void syncToDisk() {
    if (!embeddedH2) {
      return;
    }
    long ticket = syncsRequested.incrementAndGet();
    syncing.lock();
    try {
      if (syncsDone >= ticket) {
        return;
      }
      long covered = syncsRequested.get();
      try (FileChannel file = FileChannel.open(h2File, StandardOpenOption.READ)) {
        file.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("could not sync " + h2File, e);
      }
      syncsDone = covered;
    } finally {
      syncing.unlock();
    }
  }

  /** The pool itself, for libraries that take a DataSource (bucket4j). */
  public javax.sql.DataSource dataSource() {
    return dataSource;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /**
   * A pool of its own for single-row lookups outside transactions, so that HEAD never queues
   * behind writes: in a burst of 1,000 creations every pooled connection was committing with ~900
   * requests waiting, and a HEAD meanwhile waited seconds for its one SELECT. Nothing that writes
   * or needs a transaction may use it.
   */
  public Jdbi lookups() {
    return lookups;
  }

  /**
   * A pool of its own for the lookups of requests that only read an upload's state (HEAD, run on
   * a few platform threads): the {@link #lookups()} pool is shared by every request's lookups, and
   * in a burst of 1,000 creations hundreds of virtual threads wait on it. A HEAD then waited for
   * a connection, and on giving it back Hikari spun until one of those waiters, queued for a
   * carrier, took it: HEAD answered after up to a second. Nothing that writes may use it.
   */
  public Jdbi statusReads() {
    return statusReads;
  }

  /**
   * Without space reuse an H2 file grows with every commit while the server runs (measured: about
   * 9 KiB per commit); a clean stop compacts it to its live data (a 13 MiB file of a soak run
   * became 45 KiB, in about 2 s).
   */
  @Override
  public void close() {
    if (embeddedH2) {
      try {
        jdbi.useHandle(h -> h.execute("SHUTDOWN COMPACT"));
      } catch (RuntimeException closingAnyway) {
        // the pool's close below still ends every connection
      }
    }
    statusSource.close();
    lookupSource.close();
    dataSource.close();
  }
}
