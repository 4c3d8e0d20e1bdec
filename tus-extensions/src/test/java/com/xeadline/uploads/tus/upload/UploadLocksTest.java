package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.db.Database;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xeadline.uploads.config.ConfigLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who is asked to let go of an upload's lock, on one node and across nodes. */
class UploadLocksTest {
  private Database database;

  @BeforeEach
  void open() {
    database =
        Database.open(
            new ConfigLoader(Map.of())
                .load(List.of("--database.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"))
                .database());
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void aTryWithoutWaitingNeverAsksTheHolderToLetGo() throws Exception {
    try (UploadLocks locks = new UploadLocks()) {
      AtomicInteger asked = new AtomicInteger();
      try (UploadLocks.Lease held = locks.acquire("u1", Duration.ofSeconds(1), asked::incrementAndGet)) {
        assertThatThrownBy(() -> locks.acquire("u1", Duration.ZERO, () -> {})).isInstanceOf(UploadAlreadyLockedException.class);
        assertThat(asked).hasValue(0);
        assertThatThrownBy(() -> locks.acquire("u1", Duration.ofMillis(50), () -> {})).isInstanceOf(UploadAlreadyLockedException.class);
        assertThat(asked).hasValue(1);
      }
    }
  }

  @Test
  void aTryFromAnotherNodeLeavesTheLeaseUnrequested() throws Exception {
    LockLeases leases = new LockLeases(database.jdbi());
    try (UploadLocks writer = new UploadLocks(leases, "writer", Duration.ofSeconds(30), Clock.systemUTC());
        UploadLocks newcomer = new UploadLocks(leases, "newcomer", Duration.ofSeconds(30), Clock.systemUTC());
        UploadLocks.Lease held = writer.acquire("u2", Duration.ofSeconds(1), () -> {})) {
      assertThatThrownBy(() -> newcomer.acquire("u2", Duration.ZERO, () -> {})).isInstanceOf(UploadAlreadyLockedException.class);
      assertThat(releaseRequested("u2")).isFalse();
      assertThatThrownBy(() -> newcomer.acquire("u2", Duration.ofMillis(100), () -> {})).isInstanceOf(UploadAlreadyLockedException.class);
      assertThat(releaseRequested("u2")).isTrue();
    }
  }

  private boolean releaseRequested(String uploadId) {
    return database.jdbi().withHandle(h ->
        h.createQuery("SELECT release_requested FROM upload_locks WHERE upload_id = :id").bind("id", uploadId).mapTo(Boolean.class).one());
  }
}
