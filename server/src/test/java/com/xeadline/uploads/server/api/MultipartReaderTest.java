package com.xeadline.uploads.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.eclipse.jetty.io.Content;
import org.junit.jupiter.api.Test;

/** Parts come out whole and byte-exact however the body is cut into reads. */
class MultipartReaderTest {
  private static final String BOUNDARY = "b0undary";
  private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  @Test
  void partsComeOutByteExactWhateverTheReadSizes() throws Exception {
    byte[] chunk = new byte[300_000];
    new Random(3).nextBytes(chunk);
    // Almost-delimiters inside the content must stay content.
    byte[] lookalike = ("\r\n--" + BOUNDARY.substring(0, 5)).getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(lookalike, 0, chunk, 1000, lookalike.length);
    System.arraycopy(lookalike, 0, chunk, chunk.length - lookalike.length, lookalike.length);
    byte[] body = body(chunk);
    for (int step : new int[] {1, 7, 4096, 1 << 20}) {
      Trickle source = new Trickle(body, step);
      MultipartReader reader = new MultipartReader(source, TYPE);
      MultipartReader.Part id = reader.next();
      assertThat(id.name()).isEqualTo("uploadId");
      assertThat(new String(id.body().read(1024), StandardCharsets.UTF_8)).isEqualTo("abc");
      MultipartReader.Part skipped = reader.next(); // chunkIndex, not read: drained by next()
      assertThat(skipped.name()).isEqualTo("chunkIndex");
      MultipartReader.Part data = reader.next();
      assertThat(data.name()).isEqualTo("chunk");
      assertThat(readAll(data.body())).as("read size " + step).isEqualTo(chunk);
      assertThat(reader.next()).isNull();
      reader.close();
      assertThat(source.unreleased).as("buffers still held, read size " + step).isZero();
    }
  }

  @Test
  void malformedBodiesAreRefusedAsSuch() throws Exception {
    assertThatThrownBy(() -> new MultipartReader(new Trickle(new byte[0], 1), "application/json"))
        .isInstanceOf(MultipartReader.MalformedException.class);
    byte[] cut = java.util.Arrays.copyOf(body(new byte[100]), 150);
    MultipartReader reader = new MultipartReader(new Trickle(cut, 64), TYPE);
    assertThatThrownBy(() -> {
          for (MultipartReader.Part part; (part = reader.next()) != null; ) {
            readAll(part.body());
          }
        })
        .isInstanceOf(MultipartReader.MalformedException.class);
    byte[] headersOnly = ("--" + BOUNDARY + "\r\nno headers end").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> new MultipartReader(new Trickle(headersOnly, 64), TYPE).next())
        .isInstanceOf(MultipartReader.MalformedException.class);
    byte[] longHeader = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: " + "p".repeat(9000)
        + "\r\n\r\nv\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> new MultipartReader(new Trickle(longHeader, 4096), TYPE).next())
        .isInstanceOf(MultipartReader.MalformedException.class);
  }

  private static byte[] body(byte[] chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"uploadId\"\r\n\r\nabc\r\n"
        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"chunkIndex\"\r\n\r\n0\r\n"
        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"chunk\"; filename=\"blob\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(chunk);
    out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  /** A part's bytes as a caller takes them: buffer by buffer, each valid only until released. */
  private static byte[] readAll(MultipartReader.PartBody body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      ByteBuffer bytes = body.poll();
      if (bytes != null) {
        byte[] some = new byte[bytes.remaining()];
        bytes.get(some);
        out.write(some);
        body.release();
      } else if (!body.await()) {
        return out.toByteArray();
      }
    }
  }

  /**
   * Request content as a connection hands it out: at most {@code step} bytes a chunk, every other
   * read finding nothing yet (the reader must wait on demand), and each chunk's bytes scribbled
   * over once it is released (as a pooled buffer is reused), so a byte read after its release shows.
   */
  private static final class Trickle implements Content.Source {
    private final byte[] body;
    private final int step;
    private int at;
    private boolean idle;
    int unreleased;

    Trickle(byte[] body, int step) {
      this.body = body;
      this.step = step;
    }

    @Override
    public Content.Chunk read() {
      idle = !idle;
      if (idle) {
        return null;
      }
      int n = Math.min(step, body.length - at);
      ByteBuffer buffer = ByteBuffer.wrap(java.util.Arrays.copyOfRange(body, at, at + n));
      at += n;
      unreleased++;
      return Content.Chunk.from(buffer, at == body.length, () -> {
        unreleased--;
        java.util.Arrays.fill(buffer.array(), (byte) '#');
      });
    }

    @Override
    public void demand(Runnable demandCallback) {
      demandCallback.run();
    }

    @Override
    public void fail(Throwable failure) {}
  }
}
