package com.xeadline.uploads.server;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.server.video.VideoTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tiny clips made with ffmpeg's lavfi sources (testsrc2 + sine), by the same ffmpeg the server
 * finds (the PATH's, else the bundled static one), so the tests need nothing but a JDK.
 */
final class VideoClips {
  private final Path ffmpeg;
  private final Path dir;

  private VideoClips(Path ffmpeg, Path dir) {
    this.ffmpeg = ffmpeg;
    this.dir = dir;
  }

  static VideoClips in(Path dir) throws Exception {
    return new VideoClips(tools(dir).ffmpeg().orElseThrow(() -> new IllegalStateException("no ffmpeg found")), dir);
  }

  /** The tools a server with probing and a rendition would use on this machine. */
  static VideoTools tools(Path dir) throws Exception {
    UploadsConfig config =
        new ConfigLoader(Map.of())
            .load(List.of("--storage.data-dir=" + dir.resolve("tools"), "--video.probe=true", "--video.renditions=t:16x16@10k"));
    return VideoTools.resolve(config.video(), config.storage().dataDir());
  }

  Path mp4(String name, int seconds, int width, int height) throws Exception {
    return make(name, seconds, width, height, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac");
  }

  Path webm(String name, int seconds, int width, int height) throws Exception {
    return make(name, seconds, width, height, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus");
  }

  private Path make(String name, int seconds, int width, int height, String... codecs) throws Exception {
    Path out = dir.resolve(name);
    List<String> command = new ArrayList<>(List.of(
        ffmpeg.toString(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc2=duration=" + seconds + ":size=" + width + "x" + height + ":rate=25",
        "-f", "lavfi", "-i", "sine=duration=" + seconds));
    command.addAll(List.of(codecs));
    command.addAll(List.of("-shortest", out.toString()));
    run(command);
    return out;
  }

  /** ffmpeg's cropdetect on a file: the "crop=W:H:X:Y" it settles on (the picture inside any padding). */
  String cropDetect(Path file) throws Exception {
    Path log = dir.resolve("cropdetect-" + System.nanoTime() + ".log");
    Process process =
        new ProcessBuilder(ffmpeg.toString(), "-nostdin", "-hide_banner", "-i", file.toString(),
                "-vf", "cropdetect=limit=24:round=2:reset=0", "-f", "null", "-")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("cropdetect failed: " + Files.readString(log));
    }
    String crop = null;
    for (String line : Files.readAllLines(log)) {
      int at = line.indexOf("crop=");
      if (at >= 0) {
        crop = line.substring(at).trim();
      }
    }
    return crop;
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("ffmpeg failed: " + output);
    }
  }
}
