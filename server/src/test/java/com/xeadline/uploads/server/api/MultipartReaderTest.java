package com.xeadline.uploads.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
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
      MultipartReader reader = new MultipartReader(new Trickle(new ByteArrayInputStream(body), step), TYPE);
      MultipartReader.Part id = reader.next();
      assertThat(id.name()).isEqualTo("uploadId");
      assertThat(new String(id.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
      MultipartReader.Part skipped = reader.next(); // chunkIndex, not read: drained by next()
      assertThat(skipped.name()).isEqualTo("chunkIndex");
      MultipartReader.Part data = reader.next();
      assertThat(data.name()).isEqualTo("chunk");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      data.body().transferTo(out);
      assertThat(out.toByteArray()).as("read size " + step).isEqualTo(chunk);
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void malformedBodiesAreRefusedAsSuch() throws Exception {
    assertThatThrownBy(() -> new MultipartReader(InputStream.nullInputStream(), "application/json"))
        .isInstanceOf(MultipartReader.MalformedException.class);
    byte[] cut = java.util.Arrays.copyOf(body(new byte[100]), 150);
    MultipartReader reader = new MultipartReader(new ByteArrayInputStream(cut), TYPE);
    assertThatThrownBy(() -> {
          for (MultipartReader.Part part; (part = reader.next()) != null; ) {
            part.body().readAllBytes();
          }
        })
        .isInstanceOf(MultipartReader.MalformedException.class);
    byte[] headersOnly = ("--" + BOUNDARY + "\r\nno headers end").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> new MultipartReader(new ByteArrayInputStream(headersOnly), TYPE).next())
        .isInstanceOf(MultipartReader.MalformedException.class);
    byte[] longHeader = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: " + "p".repeat(9000)
        + "\r\n\r\nv\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> new MultipartReader(new ByteArrayInputStream(longHeader), TYPE).next())
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

  /** At most {@code step} bytes a read, as a slow socket hands them out. */
  private static final class Trickle extends FilterInputStream {
    private final int step;

    Trickle(InputStream in, int step) {
      super(in);
      this.step = step;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, step));
    }
  }
}
