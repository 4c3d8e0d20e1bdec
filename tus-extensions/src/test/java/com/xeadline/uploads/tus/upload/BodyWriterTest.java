package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.rows.UploadStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import me.desair.tus.server.exception.TusException;
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
  private UploadsOnH2 uploads;
  private UploadSessions sessions;
  private UploadFiles files;
  private UploadService storage;
  private Offsets offsets;
  private final byte[] content = new byte[4000];

  @BeforeEach
  void open() throws Exception {
    uploads = UploadsOnH2.open(dir);
    sessions = uploads.sessions;
    files = uploads.files;
    storage = uploads.storage;
    offsets = new Offsets(sessions, Clock.systemUTC(), () -> Duration.ofHours(1), id -> "/files/" + id);
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
  }

  @AfterEach
  void close() {
    uploads.close();
  }

  private UploadRow create() throws Exception {
    return storage.createUpload(
        new NewUpload("alice", (long) content.length, null, Map.of("filename", "a.bin"), null, "REGULAR", null, List.of(), null, null, null));
  }

  private long append(BodyWriter writer, UploadRow row, InputStream body) throws Exception {
    try (AppendTarget target = LocalAppendTarget.open(files, row.id())) {
      return writer.append(row, content.length - row.offset(), target, new StreamBodySource(body, 256), BodyCheck.NONE, BodyWriter.HeadCheck.NONE);
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
    try (AppendTarget target = new CountingTarget(LocalAppendTarget.open(files, row.id()), 2)) {
      assertThatThrownBy(
              () -> writer.append(row, content.length, target, new StreamBodySource(new BreakingBody(content, 2500), 256), BodyCheck.NONE, BodyWriter.HeadCheck.NONE))
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
    try (AppendTarget target = LocalAppendTarget.open(files, row.id())) {
      assertThatThrownBy(() -> writer.append(row, content.length, target, new StreamBodySource(new BreakingBody(content, 2500), 256), pending, BodyWriter.HeadCheck.NONE))
          .isInstanceOf(IOException.class);
    }
    assertThat(row(row).offset()).isZero();
    assertThat(stored(row)).isEmpty();
  }

  @Test
  void buffersThatArriveTogetherGoToTheTargetInOneWriteAndNoneIsHeldWhileWaiting() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, false, CHECKPOINT, 256);
    ScriptedBody body = new ScriptedBody(content, List.of(5, 3, 2), 100);
    try (CountingTarget target = new CountingTarget(LocalAppendTarget.open(files, row.id()))) {
      writer.append(row, content.length, target, body, BodyCheck.NONE, BodyWriter.HeadCheck.NONE);
      assertThat(target.writes).isEqualTo(3);
    }
    assertThat(body.waitedHoldingBuffers).isFalse();
    assertThat(body.outstanding).isZero();
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, 1000));
  }

  @Test
  void aBodyEndingOnACheckpointIsSyncedOnce() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, true, CHECKPOINT, 256);
    try (CountingTarget target = new CountingTarget(LocalAppendTarget.open(files, row.id()))) {
      writer.append(row, content.length, target, new StreamBodySource(new ByteArrayInputStream(content, 0, 2 * CHECKPOINT), CHECKPOINT),
          BodyCheck.NONE, BodyWriter.HeadCheck.NONE);
      assertThat(target.forces).isEqualTo(2);
    }
    assertThat(row(row).offset()).isEqualTo(2 * CHECKPOINT);
  }

  @Test
  void aCheckpointSyncRunsBesideTheNextWritesAndTheOffsetWaitsForIt() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, true, CHECKPOINT, 256);
    CountDownLatch release = new CountDownLatch(1);
    try (CountingTarget target = new CountingTarget(LocalAppendTarget.open(files, row.id()));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      target.syncsWhileWriting = true;
      target.firstSyncHeld = release;
      Future<Long> appended = threads.submit(() -> writer.append(
          row, content.length, target, new StreamBodySource(new ByteArrayInputStream(content, 0, 3000), 256), BodyCheck.NONE, BodyWriter.HeadCheck.NONE));
      // The first checkpoint's sync is held: the loop writes on to the second checkpoint, the offset stays.
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (target.size() < 2 * CHECKPOINT && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertThat(target.size()).isEqualTo(2 * CHECKPOINT);
        assertThat(row(row).offset()).isZero();
      } finally {
        release.countDown();
      }
      assertThat(appended.get(10, TimeUnit.SECONDS)).isEqualTo(3000);
      assertThat(target.forces).isEqualTo(3);
    }
    assertThat(row(row).offset()).isEqualTo(3000);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, 3000));
  }

  @Test
  void aCheckpointSyncFailingBesideTheWritesKeepsTheOffsetBelowIt() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, true, CHECKPOINT, 256);
    // The first checkpoint's sync succeeds, the second fails while the loop writes on.
    try (CountingTarget target = new CountingTarget(LocalAppendTarget.open(files, row.id()), 1)) {
      target.syncsWhileWriting = true;
      assertThatThrownBy(() -> writer.append(
              row, content.length, target, new StreamBodySource(new ByteArrayInputStream(content, 0, 3000), 256), BodyCheck.NONE, BodyWriter.HeadCheck.NONE))
          .isInstanceOfSatisfying(StorageFailure.class, e -> assertThat(e.committedOffset()).isEqualTo(CHECKPOINT));
    }
    assertThat(row(row).offset()).isEqualTo(CHECKPOINT);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, CHECKPOINT));
  }

  @Test
  void buffersReceivedBeforeTheConnectionBreaksAreKept() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, false, CHECKPOINT, 256);
    ScriptedBody body = new ScriptedBody(content, List.of(3), 100);
    body.breaksAfterLastBurst = true;
    try (AppendTarget target = LocalAppendTarget.open(files, row.id())) {
      assertThatThrownBy(() -> writer.append(row, content.length, target, body, BodyCheck.NONE, BodyWriter.HeadCheck.NONE))
          .hasMessage("connection reset");
    }
    assertThat(body.outstanding).isZero();
    assertThat(row(row).offset()).isEqualTo(300);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, 300));
  }

  @Test
  void anUnexpectedFailureKeepsWhatCheckpointsCommitted() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, false, CHECKPOINT, 256);
    ScriptedBody body = new ScriptedBody(content, List.of(11, 1), 100);
    body.breaksAfterLastBurst = true;
    body.crash = new IllegalStateException("a bug below us");
    try (AppendTarget target = LocalAppendTarget.open(files, row.id())) {
      assertThatThrownBy(() -> writer.append(row, content.length, target, body, BodyCheck.NONE, BodyWriter.HeadCheck.NONE))
          .isSameAs(body.crash);
    }
    assertThat(row(row).offset()).isEqualTo(1100);
    assertThat(stored(row)).isEqualTo(Arrays.copyOf(content, 1100));
  }

  @Test
  void aRefusedBodyGivesBackEveryBuffer() throws Exception {
    UploadRow row = create();
    BodyWriter writer = new BodyWriter(offsets, false, CHECKPOINT, 256);
    ScriptedBody body = new ScriptedBody(content, List.of(2, 2), 100);
    try (AppendTarget target = LocalAppendTarget.open(files, row.id())) {
      assertThatThrownBy(() -> writer.append(row, 350, target, body, BodyCheck.NONE, BodyWriter.HeadCheck.NONE))
          .isInstanceOfSatisfying(TusException.class, e -> assertThat(e.getStatus()).isEqualTo(413));
    }
    assertThat(body.outstanding).isZero();
    assertThat(row(row).offset()).isZero();
    assertThat(stored(row)).isEmpty();
  }

  /**
   * A body that arrives in bursts of {@code size}-byte buffers: each burst is there at once, the
   * next only after a wait. Remembers whether the writer ever waited while holding a buffer.
   */
  private static final class ScriptedBody implements BodySource {
    private final byte[] content;
    private final List<Integer> bursts;
    private final int size;
    private int burst;
    private int inBurst;
    private int position;
    int outstanding;
    boolean waitedHoldingBuffers;
    boolean breaksAfterLastBurst;
    RuntimeException crash;

    ScriptedBody(byte[] content, List<Integer> bursts, int size) {
      this.content = content;
      this.bursts = bursts;
      this.size = size;
    }

    @Override
    public ByteBuffer poll() throws IOException {
      if (breaksAfterLastBurst && burst == bursts.size() - 1 && inBurst == bursts.get(burst)) {
        if (crash != null) {
          throw crash;
        }
        throw new IOException("connection reset");
      }
      if (burst >= bursts.size() || inBurst == bursts.get(burst)) {
        return null;
      }
      inBurst++;
      outstanding++;
      ByteBuffer buffer = ByteBuffer.allocateDirect(size).put(content, position, size).flip();
      position += size;
      return buffer;
    }

    @Override
    public boolean await() {
      waitedHoldingBuffers |= outstanding > 0;
      burst++;
      inBurst = 0;
      return burst < bursts.size();
    }

    @Override
    public void release() {
      outstanding = 0;
    }
  }

  /** Counts the writes and syncs that reach a target; its disk refuses every sync after the first {@code syncs}. */
  private static final class CountingTarget implements AppendTarget {
    private final AppendTarget local;
    private final int syncs;
    int writes;
    volatile int forces;
    boolean syncsWhileWriting;
    /** When set, the first sync waits for it. */
    CountDownLatch firstSyncHeld;

    CountingTarget(AppendTarget local) {
      this(local, Integer.MAX_VALUE);
    }

    CountingTarget(AppendTarget local, int syncs) {
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
    public void write(ByteBuffer[] buffers) throws IOException {
      writes++;
      local.write(buffers);
    }

    @Override
    public void force() throws IOException {
      if (forces++ >= syncs) {
        throw new IOException("Input/output error");
      }
      if (forces == 1 && firstSyncHeld != null) {
        try {
          firstSyncHeld.await();
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
      }
      local.force();
    }

    @Override
    public boolean syncsWhileWriting() {
      return syncsWhileWriting;
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
}
