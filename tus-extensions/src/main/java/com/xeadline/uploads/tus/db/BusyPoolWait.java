package com.xeadline.uploads.tus.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * Borrows pooled connections, telling a busy pool from a lost database. The pool gives up after
 * its connection timeout (3 s, so that a lost database soon turns into 503 + Retry-After). When
 * it gave up without a failure to connect, every connection was alive and in use: a burst (1,000
 * tus creations at once kept H2 busy for longer than 3 s and ~40 of them got 503), not an outage,
 * so the request keeps its place in the queue, up to {@code busyLimit} in all.
 */
final class BusyPoolWait implements ConnectionFactory {
  private final HikariDataSource pool;
  private final long busyLimitNanos;

  BusyPoolWait(HikariDataSource pool, Duration busyLimit) {
    this.pool = pool;
    this.busyLimitNanos = busyLimit.toNanos();
  }

  @Override
  public Connection openConnection() throws SQLException {
    long start = System.nanoTime();
    while (true) {
      try {
        return pool.getConnection();
      } catch (SQLTransientConnectionException timedOut) {
        // Hikari gives the last failure to connect as the cause; none means it could connect.
        if (timedOut.getCause() != null || pool.isClosed() || System.nanoTime() - start >= busyLimitNanos) {
          throw timedOut;
        }
      }
    }
  }
}
