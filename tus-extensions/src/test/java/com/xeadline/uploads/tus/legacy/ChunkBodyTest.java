package com.xeadline.uploads.tus.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.tus.upload.BodySource;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chunk's bytes land byte-exact wherever a copy's limit cuts a received buffer, and every buffer goes back. */
class ChunkBodyTest {
  @TempDir Path dir;

  @Test
  void aLimitInsideABufferLeavesTheRestForTheNextCopy() throws Exception {
    byte[] body = new byte[100_003];
    new Random(5).nextBytes(body);
    for (int step : new int[] {1, 7, 8192, 1 << 20}) {
      Source source = new Source(body, step);
      ChunkBody chunk = new ChunkBody(source);
      Path file = Files.createTempFile(dir, "chunk", ".bin");
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
        assertThat(chunk.copyTo(out, 10, 50_001)).isEqualTo(50_001);
        assertThat(chunk.ended()).isFalse();
        assertThat(chunk.copyTo(out, 10 + 50_001, 1 << 20)).isEqualTo(body.length - 50_001);
        assertThat(chunk.ended()).isTrue();
      }
      byte[] written = Files.readAllBytes(file);
      assertThat(Arrays.copyOfRange(written, 10, written.length)).as("buffers of " + step).isEqualTo(body);
      assertThat(source.held).as("buffers still held, step " + step).isEmpty();
    }
  }

  @Test
  void aDuplicateIsReadToItsEndAndDropped() throws Exception {
    Source source = new Source(new byte[70_000], 4096);
    new ChunkBody(source).drain();
    assertThat(source.at).isEqualTo(70_000);
    assertThat(source.held).isEmpty();
  }

  /**
   * Buffers of {@code step} bytes, every other poll finding nothing yet; a released buffer is
   * scribbled over, as a server reuses its buffers, so bytes written after their release show.
   */
  private static final class Source implements BodySource {
    private final byte[] body;
    private final int step;
    final List<ByteBuffer> held = new ArrayList<>();
    int at;
    private boolean idle;

    Source(byte[] body, int step) {
      this.body = body;
      this.step = step;
    }

    @Override
    public ByteBuffer poll() {
      idle = !idle;
      if (idle || at == body.length) {
        return null;
      }
      int n = Math.min(step, body.length - at);
      ByteBuffer buffer = ByteBuffer.wrap(Arrays.copyOfRange(body, at, at + n));
      at += n;
      held.add(buffer);
      return buffer;
    }

    @Override
    public boolean await() {
      return at < body.length;
    }

    @Override
    public void release() {
      held.forEach(b -> Arrays.fill(b.array(), (byte) '#'));
      held.clear();
    }
  }
}
