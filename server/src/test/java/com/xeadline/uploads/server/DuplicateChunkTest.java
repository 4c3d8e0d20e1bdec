package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Copies of the same chunk arriving at once are idempotent: each gets 200 (stored) or 409 (another
 * copy is being written), never a 500 from the unique index, and the chunk counts once.
 */
class DuplicateChunkTest {
  @Test
  void simultaneousCopiesOfAChunkNeverFail() throws Exception {
    byte[] source = TestServer.randomBytes(64 * 1024, 11);
    List<Integer> statuses = new ArrayList<>();
    try (TestServer server = TestServer.start();
        ExecutorService pool = Executors.newFixedThreadPool(6)) {
      for (int round = 0; round < 40; round++) {
        String init =
            "{\"fileName\":\"a.mp4\",\"fileSize\":" + source.length + ",\"contentType\":\"video/mp4\",\"totalChunks\":2}";
        HttpResponse<String> created =
            server.send(
                HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(init))
                    .build());
        String id = created.body().replaceAll(".*\"uploadId\":\"([^\"]+)\".*", "$1");
        byte[] first = Arrays.copyOfRange(source, 0, source.length / 2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> copies = new ArrayList<>();
        for (int copy = 0; copy < 6; copy++) {
          copies.add(pool.submit(() -> {
            start.await();
            return chunk(server, id, 0, first).statusCode();
          }));
        }
        start.countDown();
        for (Future<Integer> copy : copies) {
          statuses.add(copy.get());
        }
        while (chunk(server, id, 0, first).statusCode() != 200) {
          Thread.sleep(10); // a 409 means: retry
        }
        assertThat(chunk(server, id, 1, Arrays.copyOfRange(source, source.length / 2, source.length)).statusCode()).isEqualTo(200);
        HttpResponse<String> status =
            server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id)).build());
        assertThat(status.body()).contains("\"receivedChunks\":[0,1]"); // the chunk counted once
      }
    }
    assertThat(statuses).allMatch(s -> s == 200 || s == 409).contains(200);
  }

  private static HttpResponse<String> chunk(TestServer server, String id, int index, byte[] bytes) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
            .header("Content-Type", Multipart.contentType())
            .POST(new Multipart().field("uploadId", id).field("chunkIndex", Integer.toString(index)).file("chunk", bytes).publisher())
            .build());
  }
}
