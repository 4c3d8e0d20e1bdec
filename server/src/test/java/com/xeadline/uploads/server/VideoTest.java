package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xeadline.uploads.server.video.VideoInfo;
import com.xeadline.uploads.server.video.VideoTools;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished videos are probed (through tus and through the JSON API) and transcoded; unreadable
 * ones are failed with a reason. Runs on whatever tools this machine has: with no ffmpeg on the
 * PATH, on the bundled ones (CI runs it both ways).
 */
class VideoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  private static TestServer server;
  private static VideoClips clips;
  private static VideoTools tools;

  @BeforeAll
  static void start() throws Exception {
    clips = VideoClips.in(work);
    tools = VideoClips.tools(work);
    server = TestServer.start("--video.probe=true", "--video.renditions=tiny:160x120@150k", "--jobs.workers=2");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** Which chain this run exercises: the PATH's tools, or the ones bundled in the jar. */
  @Test
  void theToolsInUseAreThePathsOrElseTheBundledOnes() {
    boolean ffprobeOnPath = onPath("ffprobe");
    boolean ffmpegOnPath = onPath("ffmpeg");
    String prober = tools.prober().orElseThrow().describe();
    String ffmpeg = tools.ffmpeg().orElseThrow().toString();
    System.out.println("video tools in this run: prober=" + prober + ", ffmpeg=" + ffmpeg);
    if (ffprobeOnPath) {
      assertThat(prober).startsWith("ffprobe ");
    } else {
      assertThat(prober).startsWith("bundled ffmpeg ").contains("ffmpeg-jave-amd64");
    }
    if (ffmpegOnPath) {
      assertThat(ffmpeg).doesNotContain("ffmpeg-jave");
    } else {
      assertThat(ffmpeg).endsWith("ffmpeg-jave-amd64");
    }
  }

  private static boolean onPath(String name) {
    for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void anMp4UploadedWithTusIsProbedAndItsRenditionIsExactlyTheSizeAsked() throws Exception {
    Path clip = clips.mp4("tus.mp4", 2, 320, 240);
    String id = tusUpload(clip, "video/mp4", "title", "Sunset", "description", "Two seconds of test pattern");

    JsonNode status = awaitStatus(id, s -> s.path("transcodedVersions").size() == 1);
    JsonNode video = status.get("video");
    assertThat(video.get("durationSeconds").asDouble()).isCloseTo(2.0, within(0.1));
    assertThat(video.get("width").asInt()).isEqualTo(320);
    assertThat(video.get("height").asInt()).isEqualTo(240);
    assertThat(video.get("codec").asText()).isEqualTo("h264");
    assertThat(video.get("framerate").asDouble()).isCloseTo(25.0, within(0.01));
    assertThat(video.get("fileSize").asLong()).isEqualTo(Files.size(clip));
    assertThat(video.get("format").asText()).contains("mp4");
    assertThat(video.get("title").asText()).isEqualTo("Sunset");
    assertThat(video.get("description").asText()).isEqualTo("Two seconds of test pattern");

    // tus HEAD shows the probe result as metadata too.
    String metadata = server.head("/files/" + id).headers().firstValue("Upload-Metadata").orElseThrow();
    String encodedVideo = metadata.substring(metadata.indexOf("video ") + 6).split(",")[0];
    assertThat(JSON.readTree(Base64.getDecoder().decode(encodedVideo)).get("codec").asText()).isEqualTo("h264");

    JsonNode rendition = status.get("transcodedVersions").get(0);
    assertThat(rendition.get("format").asText()).isEqualTo("tiny");
    assertThat(rendition.get("width").asInt()).isEqualTo(160);
    Path output = download(rendition.get("url").asText(), work.resolve("tiny.mp4"));
    VideoInfo info = tools.prober().orElseThrow().probe(output);
    assertThat(info.width()).isEqualTo(160);
    assertThat(info.height()).isEqualTo(120);
    assertThat(info.codec()).isEqualTo("h264");
    assertThat(info.hasAudio()).isTrue();
  }

  @Test
  void aWideVideoIsPaddedToTheRenditionsExactSize() throws Exception {
    String id = tusUpload(clips.mp4("wide.mp4", 2, 320, 180), "video/mp4");
    JsonNode status = awaitStatus(id, s -> s.path("transcodedVersions").size() == 1);
    Path output = download(status.get("transcodedVersions").get(0).get("url").asText(), work.resolve("wide-tiny.mp4"));
    VideoInfo info = tools.prober().orElseThrow().probe(output);
    assertThat(info.width()).isEqualTo(160);
    assertThat(info.height()).isEqualTo(120);
    // 16:9 scaled to 160 wide is 90 high: the rest is padding, which cropdetect sees as black.
    String crop = clips.cropDetect(output);
    assertThat(crop).startsWith("crop=160:");
    int pictureHeight = Integer.parseInt(crop.split(":")[1]);
    assertThat(pictureHeight).isBetween(86, 94);
  }

  @Test
  void aWebmUploadedWithTheJsonApiIsProbedWithItsTitle() throws Exception {
    Path clip = clips.webm("json.webm", 2, 320, 240);
    byte[] bytes = Files.readAllBytes(clip);
    int half = (bytes.length + 1) / 2;
    JsonNode init =
        JSON.readTree(
            post(
                    "/api/storage/init-chunked-upload",
                    "{\"fileName\":\"json.webm\",\"fileSize\":" + bytes.length
                        + ",\"contentType\":\"video/webm\",\"totalChunks\":2,\"title\":\"Chunked\",\"description\":\"via JSON\"}")
                .body());
    String id = init.get("uploadId").asText();
    for (int i = 0; i < 2; i++) {
      byte[] chunk = java.util.Arrays.copyOfRange(bytes, i * half, Math.min(bytes.length, (i + 1) * half));
      HttpResponse<String> sent =
          server.send(
              HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
                  .header("Content-Type", Multipart.contentType())
                  .POST(new Multipart().field("uploadId", id).field("chunkIndex", Integer.toString(i)).file("chunk", chunk).publisher())
                  .build());
      assertThat(sent.statusCode()).isEqualTo(200);
    }
    assertThat(post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}").statusCode()).isEqualTo(200);

    JsonNode video = awaitStatus(id, s -> !s.path("video").isNull() && s.has("video")).get("video");
    assertThat(video.get("codec").asText()).isEqualTo("vp9");
    assertThat(video.get("durationSeconds").asDouble()).isCloseTo(2.0, within(0.1));
    assertThat(video.get("framerate").asDouble()).isCloseTo(25.0, within(0.01));
    assertThat(video.get("width").asInt()).isEqualTo(320);
    assertThat(video.get("format").asText()).contains("webm");
    assertThat(video.get("fileSize").asLong()).isEqualTo(bytes.length);
    assertThat(video.get("title").asText()).isEqualTo("Chunked");
  }

  @Test
  void aCorruptVideoFailsWithAReasonAndTheWorkersGoOn() throws Exception {
    byte[] junk = new byte[64 * 1024];
    new Random(7).nextBytes(junk);
    Path file = work.resolve("corrupt.mp4");
    Files.write(file, junk);
    String id = tusUpload(file, "video/mp4");
    // The upload is marked failed (and its bytes freed) just before its job is.
    JsonNode status =
        awaitStatus(id, s -> s.get("status").asText().equals("failed") && s.path("jobs").path(0).path("status").asText().equals("failed"));
    assertThat(status.get("failureReason").asText()).contains("not a readable video");
    assertThat(status.get("video").isNull()).isTrue();
    assertThat(status.get("jobs").get(0).get("status").asText()).isEqualTo("failed");
    // Its bytes are freed (a failed upload cannot be downloaded), wherever they were stored.
    assertThat(filesUnder(server.dataDir).stream().filter(f -> f.toString().contains(id) || sameBytes(f, junk))).isEmpty();

    String good = tusUpload(clips.mp4("after-corrupt.mp4", 1, 320, 240), "video/mp4");
    assertThat(awaitStatus(good, s -> s.has("video") && !s.get("video").isNull()).get("video").get("codec").asText())
        .isEqualTo("h264");
  }

  /** Every file under {@code dir}, passing over entries that other tests' jobs remove meanwhile. */
  private static List<Path> filesUnder(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        if (attributes.isRegularFile()) {
          files.add(file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException gone) {
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path directory, IOException goneWhileListed) {
        return FileVisitResult.CONTINUE;
      }
    });
    return files;
  }

  private static boolean sameBytes(Path file, byte[] expected) {
    try {
      return Files.size(file) == expected.length && java.util.Arrays.equals(Files.readAllBytes(file), expected);
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void videosAreListedNewestFirstByCursor() throws Exception {
    List<String> uploaded = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = tusUpload(clips.mp4("list-" + i + ".mp4", 1, 320, 240), "video/mp4");
      awaitStatus(id, s -> s.has("video") && !s.get("video").isNull());
      uploaded.add(id);
    }
    List<String> listed = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> page =
          server.send(HttpRequest.newBuilder(server.uri("/api/videos?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))).build());
      assertThat(page.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(page.body());
      body.get("items").forEach(item -> listed.add(item.get("storageId").asText()));
      cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
    } while (cursor != null);
    assertThat(new HashSet<>(listed)).hasSameSizeAs(listed);
    // The three just made come first, newest first (other tests' videos are older).
    assertThat(listed.subList(0, 3)).containsExactly(uploaded.get(2), uploaded.get(1), uploaded.get(0));
  }

  private static String tusUpload(Path file, String type, String... metadata) throws Exception {
    StringBuilder header = new StringBuilder("filename " + b64(file.getFileName().toString()) + ",filetype " + b64(type));
    for (int i = 0; i < metadata.length; i += 2) {
      header.append(',').append(metadata[i]).append(' ').append(b64(metadata[i + 1]));
    }
    byte[] bytes = Files.readAllBytes(file);
    String location = server.create(bytes.length, "Upload-Metadata", header.toString());
    assertThat(server.patch(location, 0, bytes).statusCode()).isEqualTo(204);
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static JsonNode awaitStatus(String id, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      status = JSON.readTree(server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id)).build()).body());
      if (done.test(status)) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("upload " + id + " never got there; last status: " + status);
  }

  private static Path download(String url, Path target) throws Exception {
    HttpResponse<byte[]> response = server.sendForBytes(HttpRequest.newBuilder(java.net.URI.create(url)).build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
    Files.write(target, response.body());
    return target;
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
