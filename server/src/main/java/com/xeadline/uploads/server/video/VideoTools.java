package com.xeadline.uploads.server.video;

import com.xeadline.uploads.config.UploadsConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the video tools, in this order. Probing: {@code video.ffprobe}, else ffprobe on the PATH,
 * else the bundled ffmpeg's input summary. Transcoding: {@code video.ffmpeg}, else ffmpeg on the
 * PATH, else the bundled ffmpeg. The bundled one is the static ffmpeg that jave ships (x86-64
 * Linux, no shared-library needs), unpacked into the data directory: one native binary covers
 * both, so a machine with only a JDK can probe and transcode. The value {@code builtin} skips
 * straight to the bundled one.
 */
public final class VideoTools {
  private static final Logger log = LoggerFactory.getLogger(VideoTools.class);
  static final String BUILTIN = "builtin";
  private static final String JAVE_FFMPEG = "ws/schild/jave/nativebin/ffmpeg-amd64";

  private final VideoProber prober;
  private final Path ffmpeg;
  private final String ffmpegVersion;

  private VideoTools(VideoProber prober, Path ffmpeg, String ffmpegVersion) {
    this.prober = prober;
    this.ffmpeg = ffmpeg;
    this.ffmpegVersion = ffmpegVersion;
  }

  /**
   * The tools the configuration needs: a prober when probing is on, ffmpeg when renditions are
   * configured (so a server with neither unpacks and loads nothing).
   */
  public static VideoTools resolve(UploadsConfig.Video config, Path dataDir) {
    Path binDir = dataDir.resolve("bin");
    VideoProber prober = config.probe() ? prober(config.ffprobe(), binDir) : null;
    Path ffmpeg = config.renditions().isEmpty() ? null : ffmpeg(config.ffmpeg(), binDir);
    String version = ffmpeg == null ? null : version(ffmpeg);
    VideoTools tools = new VideoTools(prober, ffmpeg, version);
    log.atInfo()
        .addKeyValue("prober", prober == null ? "none" : prober.describe())
        .addKeyValue("ffmpeg", ffmpeg == null ? "none" : ffmpeg + " (" + version + ")")
        .log("video.tools");
    return tools;
  }

  public Optional<VideoProber> prober() {
    return Optional.ofNullable(prober);
  }

  public Optional<Path> ffmpeg() {
    return Optional.ofNullable(ffmpeg);
  }

  private static VideoProber prober(Path configured, Path binDir) {
    boolean builtin = configured != null && configured.toString().equals(BUILTIN);
    Path executable = builtin ? null : configured != null ? configured : onPath("ffprobe").orElse(null);
    if (executable != null) {
      try {
        return new FfprobeProber(executable);
      } catch (IOException | RuntimeException e) {
        if (configured != null) {
          throw new IllegalStateException("video.ffprobe " + configured + " does not run: " + e.getMessage(), e);
        }
        log.atWarn().addKeyValue("ffprobe", executable.toString()).setCause(e).log("video.ffprobe_unusable");
      }
    }
    try {
      Path bundled = unpackBundledFfmpeg(binDir);
      return new BundledFfmpegProber(bundled, version(bundled));
    } catch (IOException e) {
      log.atWarn().addKeyValue("reason", e.getMessage()).log("video.probe_unavailable: install ffprobe");
      return null;
    }
  }

  private static Path ffmpeg(Path configured, Path binDir) {
    boolean builtin = configured != null && configured.toString().equals(BUILTIN);
    if (configured != null && !builtin) {
      if (!Files.isExecutable(configured)) {
        throw new IllegalStateException("video.ffmpeg " + configured + " is not an executable file");
      }
      return configured;
    }
    if (!builtin) {
      Optional<Path> found = onPath("ffmpeg");
      if (found.isPresent()) {
        return found.get();
      }
    }
    try {
      return unpackBundledFfmpeg(binDir);
    } catch (IOException e) {
      log.atWarn().addKeyValue("reason", e.getMessage()).log("video.ffmpeg_unavailable: install ffmpeg to transcode");
      return null;
    }
  }

  /** jave's static build, copied out of the jar once (same size: already there). */
  private static Path unpackBundledFfmpeg(Path binDir) throws IOException {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new IOException("the bundled ffmpeg is for x86-64 Linux, this is " + os + "/" + arch);
    }
    URL resource = VideoTools.class.getClassLoader().getResource(JAVE_FFMPEG);
    if (resource == null) {
      throw new IOException("the bundled ffmpeg is missing from the jar");
    }
    URLConnection connection = resource.openConnection();
    long size = connection.getContentLengthLong();
    Path target = binDir.resolve("ffmpeg-jave-amd64");
    if (Files.isExecutable(target) && Files.size(target) == size) {
      connection.getInputStream().close();
      return target;
    }
    Files.createDirectories(binDir);
    Path temp = Files.createTempFile(binDir, ".ffmpeg-", ".tmp");
    try (InputStream in = connection.getInputStream()) {
      Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx------"));
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
  }

  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** The first line of {@code ffmpeg -version}. */
  private static String version(Path ffmpeg) {
    try {
      Process process = new ProcessBuilder(ffmpeg.toString(), "-version").redirectErrorStream(true).start();
      String first;
      try (var reader = process.inputReader()) {
        first = reader.readLine();
        reader.transferTo(java.io.Writer.nullWriter());
      }
      process.waitFor(10, TimeUnit.SECONDS);
      return first == null ? "unknown version" : first.replace("ffmpeg version ", "").split(" Copyright")[0];
    } catch (IOException e) {
      return "does not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown version";
    }
  }
}
