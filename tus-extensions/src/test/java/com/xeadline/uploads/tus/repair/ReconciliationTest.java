package com.xeadline.uploads.tus.repair;

import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.upload.BodyCheck;
import com.xeadline.uploads.tus.upload.UploadFiles;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadsOnH2;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up crash repair on real files and rows: the file and the row end up agreeing, never with a hole. */
class ReconciliationTest {
  @TempDir Path dir;
  private UploadsOnH2 uploads;
  private UploadSessions sessions;
  private UploadFiles files;
  private UploadService storage;
  private Reconciliation reconciliation;
  private final byte[] content = new byte[1000];

  @BeforeEach
  void open() throws Exception {
    uploads = UploadsOnH2.open(dir);
    sessions = uploads.sessions;
    files = uploads.files;
    storage = uploads.storage;
    reconciliation = new Reconciliation(sessions, files, Clock.systemUTC(), false);
    Arrays.fill(content, (byte) 5);
  }

  @AfterEach
  void close() {
    uploads.close();
  }

  private UploadRow halfWritten() throws Exception {
    UploadRow row =
        storage.createUpload(
            new NewUpload("alice", (long) content.length, null, Map.of("filename", "a.bin"), null, "REGULAR", null, List.of(), null, null, null));
    return storage.appendBody(row, new ByteArrayInputStream(content, 0, 500), BodyCheck.NONE);
  }

  private void appendDebris(UploadRow row, int bytes) throws Exception {
    try (FileChannel channel = FileChannel.open(files.path(row.id()), StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[bytes]), Files.size(files.path(row.id())));
    }
  }

  @Test
  void unacknowledgedBytesAreCutAndMissingOnesLowerTheRow() throws Exception {
    UploadRow debris = halfWritten();
    appendDebris(debris, 300);
    UploadRow lost = halfWritten();
    files.truncate(lost.id(), 200, false);
    UploadRow fine = halfWritten();

    assertThat(reconciliation.run(new UploadLocks())).isEqualTo(2);

    assertThat(files.size(debris.id())).isEqualTo(500);
    assertThat(sessions.find(debris.id()).orElseThrow().offset()).isEqualTo(500);
    assertThat(files.size(lost.id())).isEqualTo(200);
    assertThat(sessions.find(lost.id()).orElseThrow().offset()).isEqualTo(200);
    assertThat(files.size(fine.id())).isEqualTo(500);
  }

  @Test
  void anUploadBeingWrittenIsLeftAlone() throws Exception {
    UploadRow row = halfWritten();
    appendDebris(row, 300);
    UploadLocks locks = new UploadLocks();

    try (UploadLocks.Lease held = locks.acquire(row.id(), Duration.ZERO, () -> {})) {
      assertThat(reconciliation.run(locks)).isZero();
    }
    assertThat(files.size(row.id())).isEqualTo(800);
    assertThat(reconciliation.run(locks)).isEqualTo(1);
    assertThat(files.size(row.id())).isEqualTo(500);
  }
}
