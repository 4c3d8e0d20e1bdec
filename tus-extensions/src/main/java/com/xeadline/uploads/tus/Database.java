package com.xeadline.uploads.tus;

import com.xeadline.uploads.config.UploadsConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/** The pooled connection to H2 or PostgreSQL, migrated to the current schema on open. */
public final class Database implements AutoCloseable {
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
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(withoutCloseOnExit(config.url()));
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
    return new Database(dataSource);
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
