package com.xeadline.uploads.server.video;

/** What probing found in a video file: container, first video stream, overall bit rate. */
public record VideoInfo(
    String format,
    double durationSeconds,
    long bitrate,
    String codec,
    int width,
    int height,
    double frameRate,
    boolean hasAudio) {}
