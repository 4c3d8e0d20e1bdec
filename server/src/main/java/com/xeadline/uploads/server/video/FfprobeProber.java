package com.xeadline.uploads.server.video;

import java.io.IOException;
import java.nio.file.Path;
import net.bramp.ffmpeg.FFprobe;
import net.bramp.ffmpeg.probe.FFmpegProbeResult;
import net.bramp.ffmpeg.probe.FFmpegStream;
import org.apache.commons.lang3.math.Fraction;

/** Probing with an ffprobe executable (configured or on the PATH), through ffmpeg-cli-wrapper. */
final class FfprobeProber implements VideoProber {
  private final FFprobe ffprobe;
  private final String version;

  FfprobeProber(Path executable) throws IOException {
    this.ffprobe = new FFprobe(executable.toString());
    this.version = ffprobe.version();
  }

  @Override
  public VideoInfo probe(Path file) throws NotAVideoException {
    FFmpegProbeResult result;
    try {
      result = ffprobe.probe(file.toString());
    } catch (IOException | RuntimeException e) {
      throw new NotAVideoException("ffprobe cannot read it: " + firstLine(e.getMessage()));
    }
    if (result == null || result.getFormat() == null) {
      throw new NotAVideoException("ffprobe found no container");
    }
    FFmpegStream video = null;
    boolean audio = false;
    for (FFmpegStream stream : result.getStreams()) {
      if (stream.codec_type == FFmpegStream.CodecType.VIDEO && video == null && stream.width > 0) {
        video = stream;
      } else if (stream.codec_type == FFmpegStream.CodecType.AUDIO) {
        audio = true;
      }
    }
    if (video == null) {
      throw new NotAVideoException("no video stream");
    }
    return new VideoInfo(
        result.getFormat().format_name,
        result.getFormat().duration,
        result.getFormat().bit_rate,
        video.codec_name,
        video.width,
        video.height,
        rate(video.avg_frame_rate, video.r_frame_rate),
        audio);
  }

  private static double rate(Fraction average, Fraction real) {
    Fraction chosen = average != null && average.getNumerator() > 0 ? average : real;
    return chosen == null || chosen.getDenominator() == 0 ? 0 : chosen.doubleValue();
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unknown error";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  @Override
  public String describe() {
    return "ffprobe " + ffprobe.getPath() + " (" + version + ")";
  }
}
