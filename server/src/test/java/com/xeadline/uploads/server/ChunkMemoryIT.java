package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 200 MiB in 50 MiB chunks through a server with a 64 MiB heap: a chunk held whole would not fit. */
class ChunkMemoryIT {
  private static final int CHUNK = 50 * 1024 * 1024;
  private static final int CHUNKS = 4;
  @TempDir Path dataDir;

  @Test
  void twoHundredMibOfChunksFitInASixtyFourMibHeap() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    try (ChildServer server = ChildServer.start(dataDir, List.of("-Xmx64m"), "--storage.fsync=false")) {
      long size = (long) CHUNK * CHUNKS;
      HttpResponse<String> init =
          http.send(
              HttpRequest.newBuilder(server.base().resolve("/api/storage/init-chunked-upload"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(
                      "{\"fileName\":\"big.mp4\",\"fileSize\":" + size + ",\"contentType\":\"video/mp4\",\"totalChunks\":" + CHUNKS + "}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
      String id = json.readTree(init.body()).get("uploadId").asText();
      MessageDigest expected = MessageDigest.getInstance("SHA-256");
      for (int i = CHUNKS - 1; i >= 0; i--) {
        int index = i;
        HttpResponse<String> sent =
            http.send(
                HttpRequest.newBuilder(server.base().resolve("/api/storage/upload-chunk"))
                    .header("Content-Type", Multipart.contentType())
                    .POST(new Multipart().field("uploadId", id).field("chunkIndex", Integer.toString(index))
                        .file("chunk", () -> chunkStream(index)).publisher())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
      }
      for (int i = 0; i < CHUNKS; i++) {
        expected.update(chunkStream(i).readAllBytes());
      }
      HttpResponse<String> done =
          http.send(
              HttpRequest.newBuilder(server.base().resolve("/api/storage/complete-chunked-upload"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"uploadId\":\"" + id + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode completed = json.readTree(done.body());
      assertThat(completed.get("size").asLong()).isEqualTo(size);
      MessageDigest actual = MessageDigest.getInstance("SHA-256");
      try (InputStream in =
          http.send(HttpRequest.newBuilder(server.base().resolve("/files/" + id)).build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          actual.update(buffer, 0, n);
        }
      }
      assertThat(HexFormat.of().formatHex(actual.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
      assertThat(server.process.isAlive()).isTrue();
    }
  }

  /** Chunk {@code index}'s bytes, generated again on every call instead of kept. */
  private static InputStream chunkStream(int index) {
    // Each byte is a function of its position, so any read pattern yields the same bytes.
    return new InputStream() {
      private int position;
      private int left = CHUNK;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = Math.min(len, left);
        for (int i = 0; i < n; i++, position++) {
          long x = (position + 1L) * 0x9E3779B97F4A7C15L + index;
          b[off + i] = (byte) (x ^ (x >>> 29) ^ (x >>> 47));
        }
        left -= n;
        return n;
      }
    };
  }
}
