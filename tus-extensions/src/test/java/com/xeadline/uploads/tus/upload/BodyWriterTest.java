package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.db.Database;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.rows.UploadStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UuidUploadIdFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable append loop on a real file and a real (in-memory H2) row, without HTTP: the row's
 * offset only ever names bytes that are in the file, and bytes above it never survive.
 */
class BodyWriterTest {
  private static final int CHECKPOINT = 1024;

  @TempDir Path dir;
  private Database database;
  private UploadSessions sessions;
  private UploadFiles files;
  private UploadService storage;
  private Offsets offsets;
  private final byte[] content = new byte[4000];

  @BeforeEach
  void open() throws Exception {
    UploadsConfig config =
        new ConfigLoader(Map.of())
            .load(List.of("--storage.data-dir=" + dir, "--database.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));
    database = Database.open(config.database());
    sessions = new UploadSessions(database.jdbi());
    files = new UploadFiles(dir.resolve("uploads"));
    UuidUploadIdFactory ids = new UuidUploadIdFactory();
    ids.setUploadUri("/files");
    storage = new UploadService(sessions, files, Clock.systemUTC(), config.tus(), false, false, config.limits(), ids);
    offsets = new Offsets(sessions, Clock.systemUTC(), () -> Duration.ofHours(1), id -> "/files/" + id);
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
  }

  @AfterEach
  void close() {
    database.close();
  }

  private UploadRow create() throws Exception {
    return storage.createUpload(
        new NewUpload("alice", (long) content.length, null, Map.of("filename", "a.bin"), null, "REGULAR", null, List.of(), null, null, null));
  }

  private long append(BodyWriter writer, UploadRow row, InputStream body) throws Exception {
    try (AppendTarget target = LocalAppendTarget.open(files, row.id(), 256)) {
      return writer.append(row, content.length - row.offset(), target, body, BodyCheck.NONE, BodyWriter.HeadCheck.NONE);
    }
  }

  private UploadRow row(UploadRow row) {
    return sessions.find(row.id()).orElseThrow();
  }

  private byte[] stored(UploadRow row) throws IOException {
    return Files.readAllBytes(files.path(row.id()));
  }

  @Test
  void aWholeBodyIsWrittenAndCommitted() throws Exception {
    UploadRow row = create();
    long written = append(new BodyWriter(offsets, true, CHECKPOINT, 256), row, new ByteArrayInputStream(content));

    assertThat(written).isEqualTo(content.length);
    assertThat(row(row).offset()).isEqualTo(content.length);
    assertThat(row(row).status()).isEqualTo(UploadStatus.COMPLETED);
    assertThat(stored(row)).isEqualTo(content);
  }

  @Test
  void aBodyEndingOnACheckpointIsCommittedOnce() throws Exception {
    UploadRow row = create();
    long written =
        append(new BodyWriter(offsets, false, CHECKPOINT, 256), row, new ByteArrayInputStream(content, 0, 2 * CHECKPOINT));

    assertThat(written).isEqualTo(2 * CHECKPOINT);
    assertThat(row(row).offset()).isEqualTo(2 * CHECKPOINT);
    assertThat(row(row).status()).isNotEqualTo(UploadStatus.COMPLETED);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, 2 * CHECKPOINT));
  }

  @Test
  void aBrokenBodyKeepsWhatArrived() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, false, CHECKPOINT, 256);

    assertThatThrownBy(() -> append(writer, row, new BreakingBody(content, 2500))).isInstanceOf(IOException.class);
    assertThat(row(row).offset()).isEqualTo(2500);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, 2500));

    append(writer, row(row), new ByteArrayInputStream(content, 2500, content.length - 2500));
    assertThat(stored(row)).isEqualTo(content);
  }

  @Test
  void aBodyBrokenWhenTheDiskFailsKeepsTheLastDurableCheckpoint() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, true, CHECKPOINT, 256);
    // The disk takes two checkpoints' syncs, then refuses: the last commit (at the break) fails.
    try (AppendTarget target = new FailingSync(LocalAppendTarget.open(files, row.id(), 256), 2)) {
      assertThatThrownBy(
              () -> writer.append(row, content.length, target, new BreakingBody(content, 2500), BodyCheck.NONE, BodyWriter.HeadCheck.NONE))
          .isInstanceOfSatisfying(StorageFailure.class, e -> assertThat(e.committedOffset()).isEqualTo(2 * CHECKPOINT));
    }
    assertThat(row(row).offset()).isEqualTo(2 * CHECKPOINT);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, 2 * CHECKPOINT));
  }

  @Test
  void bytesAboveTheOffsetAreCutBeforeTheNextAppend() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, false, CHECKPOINT, 256);
    append(writer, row, new ByteArrayInputStream(content, 0, CHECKPOINT));
    // A crash after writing but before committing leaves debris above the committed offset.
    try (var channel = java.nio.channels.FileChannel.open(files.path(row.id()), StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[700]), CHECKPOINT);
    }
    assertThat(Files.size(files.path(row.id()))).isEqualTo(CHECKPOINT + 700);

    append(writer, row(row), new ByteArrayInputStream(content, CHECKPOINT, 500));
    assertThat(row(row).offset()).isEqualTo(CHECKPOINT + 500);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, CHECKPOINT + 500));
  }

  @Test
  void aBodyPastTheLengthIsRefusedAndKeepsNothing() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, false, CHECKPOINT, 256);
    append(writer, row, new ByteArrayInputStream(content, 0, 100));
    byte[] tooLong = Arrays.copyOf(content, content.length + 1);

    assertThatThrownBy(() -> append(writer, row(row), new ByteArrayInputStream(tooLong, 100, tooLong.length - 100)))
        .isInstanceOfSatisfying(TusException.class, e -> {
          assertThat(e.getStatus()).isEqualTo(413);
          assertThat(e.getMessage()).isEqualTo(TusError.BODY_TOO_LARGE.message());
        });
    // Checkpoints passed on the way were rolled back with the rest of the refused body.
    assertThat(row(row).offset()).isEqualTo(100);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, 100));
  }

  @Test
  void aPendingCheckCommitsNothingOfABrokenBody() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, false, CHECKPOINT, 256);
    BodyCheck pending =
        new BodyCheck() {
          @Override
          public boolean pending() {
            return true;
          }

          @Override
          public void verify() {}
        };
    try (AppendTarget target = LocalAppendTarget.open(files, row.id(), 256)) {
      assertThatThrownBy(() -> writer.append(row, content.length, target, new BreakingBody(content, 2500), pending, BodyWriter.HeadCheck.NONE))
          .isInstanceOf(IOException.class);
    }
    assertThat(row(row).offset()).isZero();
    assertThat(stored(row)).isEmpty();
  }

  /** Serves {@code content} up to {@code breakAt}, then fails as a dropped connection does. */
  private static final class BreakingBody extends InputStream {
    private final byte[] content;
    private final int breakAt;
    private int position;

    BreakingBody(byte[] content, int breakAt) {
      this.content = content;
      this.breakAt = breakAt;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (position == breakAt) {
        throw new IOException("connection reset");
      }
      int n = Math.min(length, breakAt - position);
      System.arraycopy(content, position, buffer, offset, n);
      position += n;
      return n;
    }
  }

  /** A local target whose disk refuses every sync after the first {@code syncs}. */
  private static final class FailingSync implements AppendTarget {
    private final AppendTarget local;
    private int syncs;

    FailingSync(AppendTarget local, int syncs) {
      this.local = local;
      this.syncs = syncs;
    }

    @Override
    public long size() throws IOException {
      return local.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      local.truncate(size);
    }

    @Override
    public void seek(long position) throws IOException {
      local.seek(position);
    }

    @Override
    public void write(byte[] bytes, int length) throws IOException {
      local.write(bytes, length);
    }

    @Override
    public void force() throws IOException {
      if (syncs-- <= 0) {
        throw new IOException("Input/output error");
      }
      local.force();
    }

    @Override
    public int read(ByteBuffer into, long position) throws IOException {
      return local.read(into, position);
    }

    @Override
    public void close() throws IOException {
      local.close();
    }
  }
}
