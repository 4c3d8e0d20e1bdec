package com.xeadline.uploads.tus;

import com.xeadline.uploads.config.UploadsConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The pooled connection to H2 or PostgreSQL, migrated to the current schema on open.
 *
 * <p>An embedded H2 file is opened so that a committed change survives {@code kill -9}: every
 * commit is written to the file at once ({@code WRITE_DELAY=0}) and H2 never writes a new chunk
 * into space freed inside the file ({@code REUSE_SPACE=FALSE}); with reuse, a kill -9 regularly
 * made H2's recovery open an older state of the file, losing acknowledged commits. H2 never
 * fsyncs on commit: {@link #syncToDisk} does, for callers that promise power-loss durability.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final boolean embeddedH2;
  private final ReentrantLock syncing = new ReentrantLock();
  private final AtomicLong syncsRequested = new AtomicLong();
  private volatile long syncsDone;

  private Database(HikariDataSource dataSource, boolean embeddedH2) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
    this.embeddedH2 = embeddedH2;
  }

  public static Database open(UploadsConfig.Database config) {
    return open(config, null);
  }

  /** {@code meterRegistry}: a Micrometer registry for the pool's metrics, or null. */
  public static Database open(UploadsConfig.Database config, Object meterRegistry) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(durableUrl(config.url()));
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
    HikariDataSource dataSource = new HikariDataSource(hikari);
    try {
      Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new Database(dataSource, isEmbeddedH2File(config.url()));
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
   * Forces every change committed before this call to stable storage ({@code CHECKPOINT SYNC} on
   * an embedded H2 file; PostgreSQL syncs on commit itself, so nothing there). Concurrent callers
   * share one sync: a caller whose commit an already finished sync covered returns at once.
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
      jdbi.useHandle(h -> h.execute("CHECKPOINT SYNC"));
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
    dataSource.close();
  }
}
