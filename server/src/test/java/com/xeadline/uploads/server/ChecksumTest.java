package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checksum extension: a body is only kept when its digest matches. */
class ChecksumTest extends ServerPerClass {
  private static final byte[] SOURCE = TestServer.randomBytes(200_000, 11);

  @ParameterizedTest(name = "{0}")
  @CsvSource({"sha1, SHA-1", "md5, MD5", "sha256, SHA-256", "sha512, SHA-512"})
  void acceptsAMatchingChecksum(String tusName, String javaName) throws Exception {
    String location = server.create(SOURCE.length);
    HttpResponse<String> patched =
        server.patch(location, 0, SOURCE, "Upload-Checksum", tusName + " " + digest(javaName, SOURCE));
    assertThat(patched.statusCode()).isEqualTo(204);
    assertThat(patched.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(SOURCE.length));
  }

  @Test
  void refusesAMismatchWith460AndKeepsNothingOfTheBody() throws Exception {
    String location = server.create(SOURCE.length);
    assertThat(server.patch(location, 0, Arrays.copyOf(SOURCE, 1000)).statusCode()).isEqualTo(204);
    byte[] rest = Arrays.copyOfRange(SOURCE, 1000, SOURCE.length);
    HttpResponse<String> mismatch =
        server.patch(location, 1000, rest, "Upload-Checksum", "sha256 " + digest("SHA-256", SOURCE));
    assertThat(mismatch.statusCode()).isEqualTo(460);
    assertThat(server.head(location).headers().firstValue("Upload-Offset")).hasValue("1000");
    assertThat(Files.size(PatchTestFiles.of(server, location))).isEqualTo(1000);

    HttpResponse<String> retried =
        server.patch(location, 1000, rest, "Upload-Checksum", "sha256 " + digest("SHA-256", rest));
    assertThat(retried.statusCode()).isEqualTo(204);
  }

  @Test
  void refusesAnUnsupportedAlgorithmWith400() throws Exception {
    String location = server.create(SOURCE.length);
    HttpResponse<String> response = server.patch(location, 0, SOURCE, "Upload-Checksum", "crc32 AAAA");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(server.head(location).headers().firstValue("Upload-Offset")).hasValue("0");
  }

  @Test
  void verifiesAnAnnouncedChecksumTrailer() throws Exception {
    String good = server.create(SOURCE.length);
    assertThat(chunkedWithTrailer(good, SOURCE, "sha1 " + digest("SHA-1", SOURCE))).isEqualTo(204);
    assertThat(server.head(good).headers().firstValue("Upload-Offset")).hasValue(Integer.toString(SOURCE.length));

    String bad = server.create(SOURCE.length);
    assertThat(chunkedWithTrailer(bad, SOURCE, "sha1 " + digest("SHA-1", new byte[1]))).isEqualTo(460);
    assertThat(server.head(bad).headers().firstValue("Upload-Offset")).hasValue("0");
  }

  /** A chunked PATCH whose Upload-Checksum comes as an HTTP trailer; returns the status. */
  private static int chunkedWithTrailer(String location, byte[] body, String checksum) throws Exception {
    URI uri = URI.create(location);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      String head =
          "PATCH " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nTus-Resumable: 1.0.0\r\n"
              + "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
              + "Transfer-Encoding: chunked\r\nTrailer: Upload-Checksum\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < body.length; i += 65_536) {
        int n = Math.min(65_536, body.length - i);
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, i, n);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write(("0\r\nUpload-Checksum: " + checksum + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  static String digest(String algorithm, byte[] bytes) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(bytes));
  }
}
