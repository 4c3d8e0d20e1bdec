package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slow clients are cut, what they sent is kept: server.header-timeout for trickled headers (a
 * paused body after complete headers is not cut by it), server.min-body-rate for trickled bodies.
 */
class SlowClientsTest {

  @Test
  void connectionsTricklingHeadersAreClosedAtTheDeadline() throws Exception {
    try (TestServer server = TestServer.start("--server.header-timeout=1s", "--server.idle-timeout=30s")) {
      URI base = server.uri("/");
      List<Socket> slow = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.getOutputStream().write("HEAD /files/x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      // Each keeps trickling a header line, which resets the idle timeout every time.
      int open = slow.size();
      for (int tick = 0; tick < 40 && open > 0; tick++) {
        open = 0;
        for (Socket socket : slow) {
          if (trickle(socket, "X-Drip-" + tick + ": 1\r\n")) {
            open++;
          }
        }
        Thread.sleep(100);
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      assertThat(open).as("connections still open after %d s", seconds).isZero();
      assertThat(seconds).isLessThan(4);
      for (Socket socket : slow) {
        socket.close();
      }
      // The server still answers complete requests.
      assertThat(server.send(server.tus("/files/").method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build())
          .statusCode()).isEqualTo(204);
    }
  }

  @Test
  void aBodyPausedLongerThanTheHeaderDeadlineIsKept() throws Exception {
    try (TestServer server = TestServer.start("--server.header-timeout=1s", "--server.idle-timeout=30s")) {
      byte[] source = TestServer.randomBytes(64 * 1024, 70);
      String location = server.create(source.length);
      try (RawPatch patch = new RawPatch(URI.create(location), 0, source.length)) {
        patch.send(source, 0, 1024);
        Poll.until("the first KiB is written", () -> server.bytesOnDisk(location) == 1024);
        long pausedUntil = System.nanoTime() + 2_500_000_000L; // past the header deadline
        Poll.until("the pause is over", () -> System.nanoTime() > pausedUntil);
        patch.send(source, 1024, source.length - 1024);
        assertThat(patch.status()).isEqualTo(204);
      }
      byte[] stored = server.sendForBytes(server.tus(location).GET().build()).body();
      assertThat(Arrays.equals(stored, source)).isTrue();
    }
  }

  @Test
  void aBodyTricklingBelowTheFloorIsCutAndWhatArrivedIsKept() throws Exception {
    try (TestServer server = TestServer.start("--server.idle-timeout=1s", "--server.min-body-rate=10KiB")) {
      byte[] source = TestServer.randomBytes(256 * 1024, 71);
      String location = server.create(source.length);
      int sent = 0;
      try (RawPatch patch = new RawPatch(URI.create(location), 0, source.length)) {
        // About 1 KiB/s, well under the floor, and never idle long enough for the idle timeout.
        try {
          for (; sent < 8 * 1024; sent += 100) {
            patch.send(source, sent, 100);
            Thread.sleep(100);
          }
        } catch (IOException cut) {
          // the server closed the connection under the client: the cut we are testing
        }
        assertThat(sent).as("the trickle was cut before it ended").isLessThan(8 * 1024);
      }
      long offset = Long.parseLong(server.head(location).headers().firstValue("Upload-Offset").orElseThrow());
      assertThat(offset).isPositive().isLessThanOrEqualTo(sent);
      assertThat(server.bytesOnDisk(location)).isEqualTo(offset);
      // A client at a normal pace resumes from there to a byte-exact file.
      assertThat(server.patch(location, offset, Arrays.copyOfRange(source, (int) offset, source.length)).statusCode()).isEqualTo(204);
      assertThat(Arrays.equals(server.sendForBytes(server.tus(location).GET().build()).body(), source)).isTrue();
    }
  }

  /** Sends a line; false once the server has closed the connection. */
  private static boolean trickle(Socket socket, String line) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(line.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout(1);
      InputStream in = socket.getInputStream();
      try {
        return in.read() != -1;
      } catch (java.net.SocketTimeoutException stillOpen) {
        return true;
      }
    } catch (IOException closed) {
      return false;
    }
  }

  @Test
  void aBodyStalledPastTheIdleTimeoutIsNeverAnsweredAsASuccess() throws Exception {
    try (TestServer server = TestServer.start("--server.idle-timeout=1s")) {
      byte[] source = TestServer.randomBytes(64 * 1024, 72);
      String tus = server.create(source.length);
      try (RawPatch patch = new RawPatch(URI.create(tus), 0, source.length)) {
        patch.send(source, 0, 1000); // then nothing: the idle timeout cuts the body
        assertThat(patch.status()).isEqualTo(500);
      }
      assertThat(server.head(tus).headers().firstValue("Upload-Offset")).hasValue("1000");

      String draft = server.create(source.length);
      try (RawHttp patch = new RawHttp(URI.create(draft), "PATCH", "Upload-Draft-Interop-Version: 6", "Upload-Offset: 0",
          "Upload-Complete: ?1", "Content-Type: application/partial-upload", "Content-Length: " + source.length)) {
        patch.send(source, 0, 1000);
        RawHttp.Response refused = patch.next();
        // A 2xx would tell the client its whole upload is complete.
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.header("Connection")).isEqualTo("close");
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
      }
      assertThat(server.head(draft).headers().firstValue("Upload-Offset")).hasValue("1000");
      assertThat(server.patch(draft, 1000, java.util.Arrays.copyOfRange(source, 1000, source.length)).statusCode()).isEqualTo(204);
    }
  }
}
