package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A transcode job cut off by SIGKILL is claimed again after restart and stored exactly once. */
class VideoJobRecoveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FLAGS = {
    "--video.probe=true", "--video.renditions=big:1280x720@1500k", "--jobs.lease=2s", "--jobs.workers=1"
  };
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aJobInterruptedByAKillResumesAfterRestartAndCompletesOnce(@TempDir Path work) throws Exception {
    // Upscaling 20 s to 720p keeps ffmpeg busy long enough to be killed mid-job.
    byte[] clip = Files.readAllBytes(VideoClips.in(work).mp4("long.mp4", 20, 320, 240));
    Path data = work.resolve("data");
    Files.createDirectories(data);
    ChildServer first = ChildServer.start(data, FLAGS);
    String id;
    try {
      id = upload(first.base(), clip);
      awaitStatus(first.base(), id, s -> transcode(s) != null && transcode(s).get("status").asText().equals("running"));
    } finally {
      first.kill();
    }

    ChildServer second = ChildServer.start(data, FLAGS);
    try {
      JsonNode status = awaitStatus(second.base(), id, s -> transcode(s) != null && transcode(s).get("status").asText().equals("done"));
      assertThat(transcode(status).get("attempts").asInt()).isEqualTo(2);
      assertThat(status.get("transcodedVersions")).hasSize(1);
      assertThat(status.get("transcodedVersions").get(0).get("format").asText()).isEqualTo("big");
      try (Stream<Path> renditions = Files.list(data.resolve("finals").resolve("renditions").resolve(id))) {
        assertThat(renditions.map(p -> p.getFileName().toString()).toList()).containsExactly("big.mp4");
      }
      try (Stream<Path> left = Files.list(data.resolve("tmp").resolve("jobs"))) {
        assertThat(left.toList()).as("job temp files").isEmpty();
      }
    } finally {
      second.kill();
    }
  }

  @Test
  void aVideoFinishedWithoutAProbeJobGetsOneAtTheNextStart(@TempDir Path work) throws Exception {
    byte[] clip = Files.readAllBytes(VideoClips.in(work).mp4("missed.mp4", 1, 320, 240));
    Path data = work.resolve("data");
    String id;
    // As if the process died between completing the upload and queueing its probe.
    try (TestServer before = TestServer.start(data, "--video.probe=false")) {
      String location = before.create(clip.length, "Upload-Metadata", "filename bWlzc2VkLm1wNA==,filetype dmlkZW8vbXA0");
      assertThat(before.patch(location, 0, clip).statusCode()).isEqualTo(204);
      id = location.substring(location.lastIndexOf('/') + 1);
    }
    try (TestServer after = TestServer.start(data, "--video.probe=true")) {
      JsonNode status = awaitStatus(after.uri("/"), id, s -> s.has("video") && !s.get("video").isNull());
      assertThat(status.get("video").get("codec").asText()).isEqualTo("h264");
    }
  }

  private static JsonNode transcode(JsonNode status) {
    for (JsonNode job : status.path("jobs")) {
      if (job.get("kind").asText().equals("transcode")) {
        return job;
      }
    }
    return null;
  }

  private String upload(URI base, byte[] bytes) throws Exception {
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(base.resolve("/files/"))
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Integer.toString(bytes.length))
                .header("Upload-Metadata", "filename bG9uZy5tcDQ=,filetype dmlkZW8vbXA0")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String location = created.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> patched =
        http.send(
            HttpRequest.newBuilder(URI.create(location))
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(patched.statusCode()).isEqualTo(204);
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private JsonNode awaitStatus(URI base, String id, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      status =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(base.resolve("/api/storage/upload-status?uploadId=" + id)).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      if (done.test(status)) {
        return status;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never got there; last status: " + status);
  }
}
