package com.xeadline.uploads.server.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The input summaries of the bundled ffmpeg 4.4.1, as it prints them (VideoTest runs it for real). */
class BundledFfmpegProberTest {
  private static final String MP4 = """
      Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'it''s, from 'x.mp4':
        Metadata:
          major_brand     : isom
        Duration: 00:01:02.50, start: 0.000000, bitrate: 357 kb/s
        Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 320x240 [SAR 1:1 DAR 4:3], 271 kb/s, 29.97 fps, 25 tbr, 12800 tbn, 50 tbc (default)
          Metadata:
            handler_name    : VideoHandler
        Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 74 kb/s (default)
      At least one output file must be specified
      """;

  @Test
  void readsContainerStreamsAndRates() throws Exception {
    VideoInfo info = BundledFfmpegProber.parse(MP4);
    assertThat(info).isEqualTo(new VideoInfo("mov,mp4,m4a,3gp,3g2,mj2", 62.5, 357_000, "h264", 320, 240, 29.97, true));
  }

  @Test
  void aWebmWithoutAudio() throws Exception {
    VideoInfo info = BundledFfmpegProber.parse("""
        Input #0, matroska,webm, from 'a.webm':
          Duration: 00:00:02.00, start: 0.000000, bitrate: 288 kb/s
          Stream #0:0: Video: vp9 (Profile 0), yuv420p(tv, progressive), 320x240, SAR 1:1 DAR 4:3, 25 fps, 25 tbr, 1k tbn, 1k tbc (default)
        """);
    assertThat(info.codec()).isEqualTo("vp9");
    assertThat(info.width()).isEqualTo(320);
    assertThat(info.frameRate()).isEqualTo(25.0);
    assertThat(info.hasAudio()).isFalse();
  }

  @Test
  void unreadableInputAndAudioOnlyAreNotVideos() {
    assertThatThrownBy(() -> BundledFfmpegProber.parse("junk.mp4: Invalid data found when processing input\n"))
        .isInstanceOf(VideoProber.NotAVideoException.class)
        .hasMessageContaining("Invalid data found");
    assertThatThrownBy(() -> BundledFfmpegProber.parse("""
        Input #0, mp3, from 'a.mp3':
          Duration: 00:00:02.00, start: 0.000000, bitrate: 128 kb/s
          Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 128 kb/s
        """))
        .isInstanceOf(VideoProber.NotAVideoException.class)
        .hasMessage("no video stream");
  }
}
