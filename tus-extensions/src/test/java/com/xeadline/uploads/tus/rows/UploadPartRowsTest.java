package com.xeadline.uploads.tus.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.storage.UploadParts.Part;
import com.xeadline.uploads.tus.db.Database;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A part is recorded exactly when the offset moves over it, in one transaction. */
class UploadPartRowsTest {
  private Database database;
  private UploadPartRows parts;
  private UploadSessions sessions;
  private String id;

  @BeforeEach
  void open() {
    database =
        Database.open(
            new ConfigLoader(Map.of())
                .load(List.of("--database.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"))
                .database());
    parts = new UploadPartRows(database.jdbi());
    sessions = new UploadSessions(database.jdbi());
    id = UUID.randomUUID().toString();
    database.jdbi().useHandle(h -> h.execute(
        "INSERT INTO upload_sessions (id, file_size, status, created_at, last_activity_at) VALUES (?, 100, 'initialized', NOW(), NOW())", id));
  }

  @AfterEach
  void close() {
    database.close();
  }

  /** The compare-and-set the append uses, through its own Jdbi calls. */
  private BooleanSupplier moveOffset(long from, long to) {
    return () -> sessions.advanceOffset(id, from, to, 100L, Instant.now(), Instant.now().plusSeconds(60), "/files/" + id);
  }

  private long offset() {
    return database.jdbi().withHandle(h -> h.select("SELECT upload_offset FROM upload_sessions WHERE id = ?", id).mapTo(Long.class).one());
  }

  @Test
  void aPartIsRecordedWithItsOffsetAndOnlyThen() {
    Part first = new Part("in-progress/" + id + "/0-a", 0, 40, 7);
    assertThat(parts.advanceWithPart(id, first, moveOffset(0, 40))).isTrue();
    // A superseded writer: its compare-and-set fails, and its part is not recorded.
    assertThat(parts.advanceWithPart(id, new Part("in-progress/" + id + "/0-b", 0, 50, 8), moveOffset(0, 50))).isFalse();
    Part second = new Part("in-progress/" + id + "/40-c", 40, 100, 9);
    assertThat(parts.advanceWithPart(id, second, moveOffset(40, 100))).isTrue();
    assertThat(parts.list(id)).containsExactly(first, second);
    assertThat(offset()).isEqualTo(100);
    assertThat(UploadPartRows.contiguousEnd(parts.list(id))).isEqualTo(100);
  }

  @Test
  void aSecondPartAtAnAcknowledgedStartRollsTheOffsetBack() {
    assertThat(parts.advanceWithPart(id, new Part("k1", 0, 40, 1), moveOffset(0, 40))).isTrue();
    // Even a writer whose compare-and-set passes cannot record a second part at a recorded start,
    // and its offset does not move: the compare-and-set ran in the part's transaction.
    assertThatThrownBy(() -> parts.advanceWithPart(id, new Part("k2", 0, 60, 2), moveOffset(40, 60)))
        .isInstanceOf(RuntimeException.class);
    assertThat(offset()).isEqualTo(40);
    assertThat(parts.list(id)).extracting(Part::key).containsExactly("k1");
  }

  @Test
  void partsAboveAnOffsetAreForgottenAndReturnedAndAllGoWithTheUpload() {
    parts.advanceWithPart(id, new Part("k1", 0, 40, 1), moveOffset(0, 40));
    parts.advanceWithPart(id, new Part("k2", 40, 70, 2), moveOffset(40, 70));
    parts.advanceWithPart(id, new Part("k3", 70, 90, 3), moveOffset(70, 90));
    assertThat(parts.forgetFrom(id, 40)).extracting(Part::key).containsExactly("k2", "k3");
    assertThat(parts.list(id)).extracting(Part::key).containsExactly("k1");
    database.jdbi().useHandle(h -> h.execute("DELETE FROM upload_sessions WHERE id = ?", id));
    assertThat(parts.list(id)).isEmpty();
  }

  @Test
  void theContiguousEndStopsAtAGap() {
    assertThat(UploadPartRows.contiguousEnd(List.of(new Part("a", 0, 10, 1), new Part("b", 20, 30, 1)))).isEqualTo(10);
    assertThat(UploadPartRows.contiguousEnd(List.of())).isZero();
  }
}
