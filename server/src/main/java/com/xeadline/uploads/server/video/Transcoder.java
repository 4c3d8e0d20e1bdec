package com.xeadline.uploads.server.video;

import com.xeadline.uploads.config.UploadsConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntConsumer;
import net.bramp.ffmpeg.builder.FFmpegBuilder;

/**
 * One rendition with the old service's settings: H.264 at the rendition's bit rate (maxrate the
 * same, bufsize twice), scaled down to fit and padded to the exact size, AAC 128k, faststart.
 * ffmpeg-cli-wrapper builds the arguments; the process is run here so that its progress (from
 * {@code -progress pipe:1}) and the tail of its stderr are ours to read.
 */
public final class Transcoder {
  private static final int STDERR_LINES_KEPT = 15;

  private final Path ffmpeg;

  public Transcoder(Path ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  /** The failure of one run, carrying the last lines ffmpeg wrote to stderr. */
  public static final class TranscodeException extends Exception {
    TranscodeException(String message) {
      super(message);
    }
  }

  List<String> arguments(Path input, Path output, UploadsConfig.Rendition rendition) {
    int w = rendition.width();
    int h = rendition.height();
    String filter =
        "scale=" + w + ":" + h + ":force_original_aspect_ratio=decrease:force_divisible_by=2,"
            + "pad=" + w + ":" + h + ":(ow-iw)/2:(oh-ih)/2,setsar=1";
    FFmpegBuilder builder =
        new FFmpegBuilder()
            .setInput(input.toString())
            .overrideOutputFiles(true)
            .addOutput(output.toString())
            .setFormat("mp4")
            .setVideoCodec("libx264")
            .setVideoBitRate(rendition.bitrate())
            .setVideoFilter(filter)
            .setAudioCodec("aac")
            .setAudioBitRate(128_000)
            .addExtraArgs(
                "-maxrate", Long.toString(rendition.bitrate()),
                "-bufsize", Long.toString(rendition.bitrate() * 2),
                "-pix_fmt", "yuv420p",
                "-movflags", "+faststart")
            .done();
    List<String> command = new ArrayList<>();
    command.add(ffmpeg.toString());
    command.add("-nostdin");
    command.add("-progress");
    command.add("pipe:1");
    command.add("-nostats");
    command.addAll(builder.build());
    return command;
  }

  /**
   * Runs ffmpeg into {@code output}; {@code progress} hears whole percents of {@code
   * durationSeconds}. Interrupting the calling thread stops ffmpeg.
   */
  public void transcode(
      Path input, Path output, UploadsConfig.Rendition rendition, double durationSeconds, IntConsumer progress)
      throws TranscodeException, IOException, InterruptedException {
    Path stderr = output.resolveSibling(output.getFileName() + ".stderr");
    Process process =
        new ProcessBuilder(arguments(input, output, rendition))
            .redirectError(stderr.toFile())
            .start();
    try (BufferedReader out = process.inputReader()) {
      int reported = -1;
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("out_time_us=") || line.startsWith("out_time_ms=")) {
          int percent = percent(line.substring(line.indexOf('=') + 1), durationSeconds);
          if (percent > reported) {
            reported = percent;
            progress.accept(percent);
          }
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
      }
      int exit = process.waitFor();
      if (exit != 0) {
        throw new TranscodeException("ffmpeg exited with " + exit + ": " + tail(stderr));
      }
    } catch (InterruptedException | IOException e) {
      process.destroyForcibly();
      throw e;
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(stderr);
    }
  }

  private static int percent(String microseconds, double durationSeconds) {
    try {
      long us = Long.parseLong(microseconds.trim());
      if (durationSeconds <= 0 || us < 0) {
        return 0;
      }
      return (int) Math.min(99, us / (durationSeconds * 10_000));
    } catch (NumberFormatException e) {
      return 0; // "N/A" before the first frame
    }
  }

  private static String tail(Path stderr) throws IOException {
    if (!Files.exists(stderr)) {
      return "";
    }
    Deque<String> last = new ArrayDeque<>();
    try (BufferedReader reader = Files.newBufferedReader(stderr, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          last.addLast(line);
          if (last.size() > STDERR_LINES_KEPT) {
            last.removeFirst();
          }
        }
      }
    }
    return String.join("\n", last);
  }
}
