package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.rows.UploadStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row's offset and the file's bytes never disagree in a way that loses data: a writer whose
 * upload was taken over while it was stalled (a node cut off from the shared database past its
 * lease) neither moves the row's offset nor cuts the new writer's bytes, and bytes missing below
 * the offset lower it instead of leaving a hole.
 */
class OffsetAndBytesTest {
  private static final int KIB_64 = 64 * 1024;

  @TempDir Path dir;
  private UploadsOnH2 uploads;
  private UploadSessions sessions;
  private UploadService storage;

  @BeforeEach
  void openStorage() throws Exception {
    uploads = UploadsOnH2.open(dir, "--tus.checkpoint=64KiB");
    sessions = uploads.sessions;
    storage = uploads.storage;
  }

  @AfterEach
  void closeStorage() {
    uploads.close();
  }

  private UploadRow create(long length) throws Exception {
    return storage.createUpload(
        new NewUpload("alice", length, null, Map.of("filename", "a.bin"), null, "REGULAR", null, List.of(), null, null, null));
  }

  @Test
  void aStaleWriterLeavesTheNewWritersOffsetAndBytesAlone() throws Exception {
    byte[] content = new byte[4 * KIB_64];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
    UploadRow row = create(content.length);

    // The stale writer sends one checkpoint's worth, which is committed, then stalls.
    StallingBody stale = new StallingBody(content, KIB_64, 2 * KIB_64);
    CompletableFuture<UploadRow> staleAppend =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return storage.appendBody(row, stale, BodyCheck.NONE);
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    assertThat(stale.stalled.await(10, TimeUnit.SECONDS)).isTrue();
    waitForOffset(sessions, row.id(), KIB_64);

    // Meanwhile the new writer (another node, after the lease ran out) resumes at the committed
    // offset and gets further: 3 × 64 KiB acknowledged.
    Path file = dir.resolve("uploads").resolve(row.id() + ".bin");
    try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(content, KIB_64, 2 * KIB_64), KIB_64);
    }
    assertThat(sessions.advanceOffset(row.id(), KIB_64, 3L * KIB_64, (long) content.length, Clock.systemUTC().instant(), null, null))
        .isTrue();

    // The stale writer wakes up, writes another 64 KiB and is told it was superseded.
    stale.resume.countDown();
    assertThatThrownBy(staleAppend::join).hasRootCauseInstanceOf(BodyWriter.Superseded.class);

    assertThat(sessions.find(row.id()).orElseThrow().offset()).isEqualTo(3L * KIB_64);
    byte[] stored = Files.readAllBytes(file);
    assertThat(stored.length).isGreaterThanOrEqualTo(3 * KIB_64);
    assertThat(Arrays.copyOf(stored, 3 * KIB_64)).isEqualTo(Arrays.copyOf(content, 3 * KIB_64));

    // The new writer finishes the upload as usual.
    UploadRow resumed = sessions.find(row.id()).orElseThrow();
    UploadRow finished =
        storage.appendBody(
            resumed, new java.io.ByteArrayInputStream(content, 3 * KIB_64, KIB_64), BodyCheck.NONE);
    assertThat(finished.status()).isEqualTo(UploadStatus.COMPLETED);
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
  }

  @Test
  void bytesLostBelowTheOffsetLowerItInsteadOfLeavingAHole() throws Exception {
    byte[] content = new byte[1000];
    Arrays.fill(content, (byte) 9);
    UploadRow row = create(content.length);
    UploadRow half = storage.appendBody(row, new java.io.ByteArrayInputStream(content, 0, 500), BodyCheck.NONE);
    storage.files().truncate(row.id(), 200, false); // what a power loss with fsync off may leave

    assertThatThrownBy(() -> storage.appendBody(half, new java.io.ByteArrayInputStream(content, 500, 500), BodyCheck.NONE))
        .isInstanceOfSatisfying(me.desair.tus.server.exception.TusException.class, e -> assertThat(e.getStatus()).isEqualTo(409));
    UploadRow lowered = sessions.find(row.id()).orElseThrow();
    assertThat(lowered.offset()).isEqualTo(200);
    UploadRow finished = storage.appendBody(lowered, new java.io.ByteArrayInputStream(content, 200, 800), BodyCheck.NONE);
    assertThat(finished.status()).isEqualTo(UploadStatus.COMPLETED);
    assertThat(Files.readAllBytes(storage.files().path(row.id()))).isEqualTo(content);
  }

  private static void waitForOffset(UploadSessions sessions, String id, long offset) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sessions.find(id).orElseThrow().offset() != offset) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** Serves {@code content} up to {@code stallAt}, waits to be resumed, then serves up to {@code end}. */
  private static final class StallingBody extends InputStream {
    final CountDownLatch stalled = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    private final byte[] content;
    private final int stallAt;
    private final int end;
    private int position;

    StallingBody(byte[] content, int stallAt, int end) {
      this.content = content;
      this.stallAt = stallAt;
      this.end = end;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (position == stallAt) {
        stalled.countDown();
        try {
          resume.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      if (position >= end) {
        return -1;
      }
      int limit = position < stallAt ? stallAt : end;
      int n = Math.min(length, limit - position);
      System.arraycopy(content, position, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
