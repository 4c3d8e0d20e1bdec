package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One writer per upload, and no client stuck behind a request whose connection died. */
class LockingTest {
  private static final int SIZE = 4 * 1024 * 1024;

  @Test
  void aSecondConcurrentPatchIsRefusedQuicklyAndNothingIsCorrupted() throws Exception {
    byte[] source = TestServer.randomBytes(SIZE, 3);
    try (TestServer server = TestServer.start()) {
      String location = server.create(SIZE);
      try (RawPatch first = new RawPatch(URI.create(location), 0, SIZE)) {
        first.send(source, 0, 512 * 1024);
        Poll.until("the first PATCH holds the lock and writes", () -> server.bytesOnDisk(location) > 0);
        long start = System.nanoTime();
        // The newcomer asks the writer to let go; the writer's received bytes are kept, so the
        // newcomer's offset is stale.
        RawPatch second = new RawPatch(URI.create(location), 0, SIZE);
        second.send(source, 0, 64 * 1024);
        int status = second.status();
        long millis = (System.nanoTime() - start) / 1_000_000;
        second.close();
        assertThat(status).isIn(409, 423);
        assertThat(millis).as("far below the 30 s idle timeout").isLessThan(15_000);
      }
      finish(server, location, source);
    }
  }

  @Test
  void aResumingClientIsNotStuckBehindItsOwnDeadPatch() throws Exception {
    byte[] source = TestServer.randomBytes(SIZE, 4);
    try (TestServer server = TestServer.start()) {
      String location = server.create(SIZE);
      RawPatch zombie = new RawPatch(URI.create(location), 0, SIZE);
      zombie.send(source, 0, 1024 * 1024);
      Poll.until("the zombie's bytes are written", () -> server.bytesOnDisk(location) == 1024 * 1024);
      // The zombie never sends more and never closes (default idle timeout: 30 s).
      long start = System.nanoTime();
      long offset = offsetOf(server.head(location));
      HttpResponse<String> resumed;
      try {
        resumed = server.patch(location, offset, Arrays.copyOfRange(source, (int) offset, SIZE));
      } catch (java.io.IOException refusedMidBody) {
        // A 409 sent before the body was read closes the connection under a client still
        // sending (the server drains only 1 MiB): the client sees a broken pipe, like a refusal.
        resumed = null;
      }
      if (resumed == null || resumed.statusCode() == 409) {
        // The zombie's bytes were saved when it was cut off: resume from there.
        offset = offsetOf(server.head(location));
        assertThat(offset).isEqualTo(1024 * 1024);
        resumed = server.patch(location, offset, Arrays.copyOfRange(source, (int) offset, SIZE));
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(resumed.statusCode()).isEqualTo(204);
      assertThat(millis).as("far below the 30 s idle timeout").isLessThan(15_000);
      assertThat(zombie.status()).isIn(-1, 400, 408, 409, 500);
      zombie.close();
      assertDownloaded(server, location, source);
    }
  }

  @Test
  void aStalledBodyIsCutAtTheIdleTimeoutAndWhatArrivedIsKept() throws Exception {
    byte[] source = TestServer.randomBytes(SIZE, 5);
    try (TestServer server = TestServer.start("--server.idle-timeout=1s")) {
      String location = server.create(SIZE);
      try (RawPatch stalled = new RawPatch(URI.create(location), 0, SIZE)) {
        stalled.send(source, 0, 1024 * 1024);
        Poll.until("the stalled body is cut and kept", () -> offsetOf(server.head(location)) == 1024 * 1024);
      }
      finish(server, location, source);
    }
  }

  @Test
  void aDeleteDuringAPatchTerminatesTheUpload() throws Exception {
    byte[] source = TestServer.randomBytes(SIZE, 6);
    try (TestServer server = TestServer.start()) {
      String location = server.create(SIZE);
      try (RawPatch writing = new RawPatch(URI.create(location), 0, SIZE)) {
        writing.send(source, 0, 256 * 1024);
        Poll.until("the PATCH is being written", () -> server.bytesOnDisk(location) > 0);
        HttpResponse<String> deleted =
            server.send(server.tus(location).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
      }
      assertThat(server.head(location).statusCode()).isEqualTo(404);
    }
  }

  private static void finish(TestServer server, String location, byte[] source) throws Exception {
    // A writer that was cut off may still be saving what it received: until it has, HEAD can
    // give the offset from before (409) or the lock is still its own (423). A client asks again.
    Poll.until("the rest of the upload is accepted", () -> {
      long offset = offsetOf(server.head(location));
      int status;
      try {
        status = server.patch(location, offset, Arrays.copyOfRange(source, (int) offset, source.length)).statusCode();
      } catch (java.io.IOException refusedMidBody) {
        return false; // a refusal sent before the body was read closes under the client
      }
      assertThat(status).isIn(204, 409, 423);
      return status == 204;
    });
    assertDownloaded(server, location, source);
  }

  private static void assertDownloaded(TestServer server, String location, byte[] source) throws Exception {
    HttpResponse<byte[]> download = server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(TestServer.sha256(download.body())).isEqualTo(TestServer.sha256(source));
  }

  private static long offsetOf(HttpResponse<String> head) {
    assertThat(head.statusCode()).isEqualTo(200);
    return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
  }
}
