package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.server.cli.UploadCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resumable CLI client in the same binary, against the real server. */
class CliUploadTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static Run upload(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        new UploadCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(List.of(args));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void uploadsInChunksWithProgressAndForgetsItsStateWhenDone() throws Exception {
    byte[] source = TestServer.randomBytes(5 * 1024 * 1024 + 9, 50);
    Path file = Files.write(dir.resolve("clip.mp4"), source);
    Path state = dir.resolve("state");
    try (TestServer server = TestServer.start()) {
      Run run = upload(file.toString(), "--endpoint", server.uri("/files/").toString(), "--chunk-size", "1MiB", "--state-dir", state.toString());
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("100%").contains("MiB/s");
      URI location = uploadedUrl(run.out());
      byte[] downloaded = server.sendForBytes(HttpRequest.newBuilder(location).build()).body();
      assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));
      try (var left = Files.list(state)) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void resumesAnInterruptedUploadOfTheSameFile() throws Exception {
    byte[] source = TestServer.randomBytes(3 * 1024 * 1024, 51);
    Path file = Files.write(dir.resolve("clip.mp4"), source);
    Path state = Files.createDirectories(dir.resolve("state"));
    try (TestServer server = TestServer.start()) {
      // An earlier run that created the upload and sent half before it was stopped.
      String location = server.create(source.length, "Upload-Metadata", "filename Y2xpcC5tcDQ=,filetype dmlkZW8vbXA0");
      int half = source.length / 2;
      server.patch(location, 0, Arrays.copyOf(source, half));
      URI endpoint = server.uri("/files/");
      Files.writeString(state.resolve(fingerprint(file, endpoint) + ".json"), "{\"urls\":[\"" + location + "\"]}");

      Run run = upload(file.toString(), "--endpoint", endpoint.toString(), "--state-dir", state.toString());
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("Resuming at " + half + " of " + source.length + " bytes");
      assertThat(uploadedUrl(run.out()).toString()).isEqualTo(location);
      byte[] downloaded = server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build()).body();
      assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));
    }
  }

  @Test
  void parallelPartsAreJoinedIntoOneByteExactFile() throws Exception {
    byte[] source = TestServer.randomBytes(4 * 1024 * 1024 + 5, 52);
    Path file = Files.write(dir.resolve("clip.mp4"), source);
    try (TestServer server = TestServer.start()) {
      Run run = upload(file.toString(), "--endpoint", server.uri("/files/").toString(), "--parallel", "4",
          "--chunk-size", "512KiB", "--state-dir", dir.resolve("state").toString());
      assertThat(run.exit()).as(run.err()).isZero();
      URI location = uploadedUrl(run.out());
      var head = server.head(location.toString());
      assertThat(head.headers().firstValue("Upload-Concat").orElseThrow()).startsWith("final;");
      byte[] downloaded = server.sendForBytes(HttpRequest.newBuilder(location).build()).body();
      assertThat(TestServer.sha256(downloaded)).isEqualTo(TestServer.sha256(source));
    }
  }

  @Test
  void refusalsEndWithAClearMessageAndANonZeroExit() throws Exception {
    Path file = Files.write(dir.resolve("clip.mp4"), new byte[2048]);
    try (TestServer locked = TestServer.start("--auth.mode=jwt", "--auth.hmac-secret=cli-test-secret-of-more-than-32-bytes!!")) {
      Run run = upload(file.toString(), "--endpoint", locked.uri("/files/").toString(), "--state-dir", dir.resolve("s1").toString());
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).contains("not authorised (401)");
    }
    try (TestServer small = TestServer.start("--tus.max-size=1KiB")) {
      Run run = upload(file.toString(), "--endpoint", small.uri("/files/").toString(), "--state-dir", dir.resolve("s2").toString());
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).contains("too large for this server (413)");
    }
    Run usage = upload("--endpoint", "http://localhost:1/files/");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("Usage:");
  }

  private static URI uploadedUrl(String out) {
    Matcher m = Pattern.compile("Uploaded \\S+ to (\\S+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return URI.create(m.group(1));
  }

  private static String fingerprint(Path file, URI endpoint) throws Exception {
    return UploadCommand.fingerprint(file, endpoint);
  }
}
