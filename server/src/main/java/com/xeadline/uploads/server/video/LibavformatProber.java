package com.xeadline.uploads.server.video;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Probing in-process with libavformat from bytedeco's jars: no executable needed, and unlike the
 * ffprobe binary in those jars it does not load libavdevice (and with it libpulse, absent on a
 * minimal machine).
 */
final class LibavformatProber implements VideoProber {
  private final String version;

  LibavformatProber() {
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    this.version = avutil.av_version_info().getString();
  }

  @Override
  public VideoInfo probe(Path file) throws NotAVideoException {
    AVFormatContext context = new AVFormatContext(null);
    int opened = avformat.avformat_open_input(context, file.toString(), null, null);
    if (opened < 0) {
      throw new NotAVideoException("libavformat cannot open it: " + error(opened));
    }
    try {
      int found = avformat.avformat_find_stream_info(context, (AVDictionary) null);
      if (found < 0) {
        throw new NotAVideoException("libavformat finds no streams: " + error(found));
      }
      AVStream video = null;
      boolean audio = false;
      for (int i = 0; i < context.nb_streams(); i++) {
        AVStream stream = context.streams(i);
        AVCodecParameters parameters = stream.codecpar();
        if (parameters.codec_type() == avutil.AVMEDIA_TYPE_VIDEO && video == null && parameters.width() > 0) {
          video = stream;
        } else if (parameters.codec_type() == avutil.AVMEDIA_TYPE_AUDIO) {
          audio = true;
        }
      }
      if (video == null) {
        throw new NotAVideoException("no video stream");
      }
      long duration = context.duration();
      return new VideoInfo(
          context.iformat().name().getString(),
          duration == avutil.AV_NOPTS_VALUE ? 0 : duration / (double) avutil.AV_TIME_BASE,
          context.bit_rate(),
          avcodec.avcodec_get_name(video.codecpar().codec_id()).getString(),
          video.codecpar().width(),
          video.codecpar().height(),
          rate(video.avg_frame_rate(), video.r_frame_rate()),
          audio);
    } finally {
      avformat.avformat_close_input(context);
    }
  }

  private static double rate(AVRational average, AVRational real) {
    AVRational chosen = average.num() > 0 && average.den() > 0 ? average : real;
    return chosen.den() == 0 ? 0 : chosen.num() / (double) chosen.den();
  }

  private static String error(int code) {
    byte[] buffer = new byte[256];
    avutil.av_strerror(code, buffer, buffer.length);
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String describe() {
    return "in-process libavformat (bytedeco, FFmpeg " + version + ")";
  }
}
