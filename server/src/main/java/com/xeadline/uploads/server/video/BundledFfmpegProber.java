package com.xeadline.uploads.server.video;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Probing with the static ffmpeg bundled in the jar, for machines without ffprobe: that build has
 * no ffprobe, so this reads the stream summary {@code ffmpeg -i FILE} prints. Only ever run on
 * that one known build (jave's ffmpeg 4.4.1), whose summary lines are what this parses; an
 * ffprobe on the PATH or in {@code video.ffprobe} is always preferred.
 */
final class BundledFfmpegProber implements VideoProber {
  private static final Pattern INPUT = Pattern.compile("^Input #0, (.+?), from '", Pattern.MULTILINE);
  private static final Pattern DURATION = Pattern.compile("Duration: (\\d+):(\\d{2}):(\\d{2}(?:\\.\\d+)?)");
  private static final Pattern BITRATE = Pattern.compile("Duration: .*?bitrate: (\\d+) kb/s");
  private static final Pattern STREAM = Pattern.compile("^\\s*Stream #0:\\d+\\S*: (Video|Audio): (.*)$", Pattern.MULTILINE);
  private static final Pattern SIZE = Pattern.compile(", (\\d+)x(\\d+)(?=[ ,\\[]|$)");
  private static final Pattern FPS = Pattern.compile(", (\\d+(?:\\.\\d+)?) fps");
  private static final long TIMEOUT_SECONDS = 60;

  private final Path ffmpeg;
  private final String version;

  BundledFfmpegProber(Path ffmpeg, String version) {
    this.ffmpeg = ffmpeg;
    this.version = version;
  }

  @Override
  public VideoInfo probe(Path file) throws NotAVideoException {
    String summary;
    try {
      summary = summary(file);
    } catch (IOException e) {
      throw new NotAVideoException("ffmpeg cannot read it: " + e.getMessage());
    }
    return parse(summary);
  }

  /** What ffmpeg prints about its input (it then exits non-zero: no output was asked for). */
  private String summary(Path file) throws IOException {
    Process process = new ProcessBuilder(ffmpeg.toString(), "-nostdin", "-hide_banner", "-i", file.toString())
        .redirectErrorStream(true)
        .start();
    try (var out = process.getInputStream()) {
      byte[] bytes = out.readNBytes(1 << 20);
      out.transferTo(java.io.OutputStream.nullOutputStream());
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("ffmpeg did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } finally {
      process.destroyForcibly();
    }
  }

  static VideoInfo parse(String summary) throws NotAVideoException {
    Matcher input = INPUT.matcher(summary);
    if (!input.find()) {
      throw new NotAVideoException("ffmpeg cannot read it: " + lastLine(summary));
    }
    String video = null;
    boolean audio = false;
    Matcher stream = STREAM.matcher(summary);
    while (stream.find()) {
      if (stream.group(1).equals("Video") && video == null && SIZE.matcher(stream.group(2)).find()) {
        video = stream.group(2);
      } else if (stream.group(1).equals("Audio")) {
        audio = true;
      }
    }
    if (video == null) {
      throw new NotAVideoException("no video stream");
    }
    Matcher size = SIZE.matcher(video);
    size.find();
    Matcher fps = FPS.matcher(video);
    Matcher duration = DURATION.matcher(summary);
    Matcher bitrate = BITRATE.matcher(summary);
    return new VideoInfo(
        input.group(1),
        duration.find()
            ? Integer.parseInt(duration.group(1)) * 3600 + Integer.parseInt(duration.group(2)) * 60
                + Double.parseDouble(duration.group(3))
            : 0,
        bitrate.find() ? Long.parseLong(bitrate.group(1)) * 1000 : 0,
        video.split("[ ,]", 2)[0],
        Integer.parseInt(size.group(1)),
        Integer.parseInt(size.group(2)),
        fps.find() ? Double.parseDouble(fps.group(1)) : 0,
        audio);
  }

  private static String lastLine(String text) {
    String trimmed = text.strip();
    return trimmed.substring(trimmed.lastIndexOf('\n') + 1);
  }

  @Override
  public String describe() {
    return "bundled ffmpeg " + ffmpeg + " (" + version + ")";
  }
}
