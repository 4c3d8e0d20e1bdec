package com.xeadline.uploads.tus.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A busy pool is waited for past the pool's 3 s timeout; a database that cannot be reached is not. */
class BusyPoolWaitTest {
  @TempDir Path dir;

  @Test
  void aRequestQueuesPastThePoolTimeoutWhileEveryConnectionIsBusy() throws Exception {
    UploadsConfig config = new ConfigLoader(Map.of())
        .load(List.of("--storage.data-dir=" + dir, "--database.url=jdbc:h2:file:" + dir.resolve("db"), "--database.pool-size=1"));
    try (Database database = Database.open(config.database())) {
      Connection busy = database.dataSource().getConnection();
      // Held for longer than the pool's own 3 s wait, as a burst of creations held them.
      Thread.ofVirtual().start(() -> {
        try {
          Thread.sleep(4_500);
          busy.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long start = System.nanoTime();
      int one = database.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
      assertThat(one).isEqualTo(1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aDatabaseThatCannotBeReachedFailsAtThePoolTimeout() {
    HikariConfig hikari = new HikariConfig();
    // IFEXISTS: H2 refuses to connect to a database that is not there, as a lost server would.
    hikari.setJdbcUrl("jdbc:h2:file:" + dir.resolve("missing/db") + ";IFEXISTS=TRUE");
    hikari.setConnectionTimeout(500);
    hikari.setInitializationFailTimeout(-1);
    try (HikariDataSource pool = new HikariDataSource(hikari)) {
      BusyPoolWait wait = new BusyPoolWait(pool, Duration.ofSeconds(30));
      long start = System.nanoTime();
      assertThatThrownBy(wait::openConnection).isInstanceOf(SQLTransientConnectionException.class).hasCauseInstanceOf(java.sql.SQLException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
