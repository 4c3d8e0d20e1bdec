package com.xeadline.uploads.server.video;

import java.nio.file.Path;

/** Reads a video file's container and stream facts. */
public interface VideoProber {
  /** @throws NotAVideoException when the file cannot be read as a video */
  VideoInfo probe(Path file) throws NotAVideoException;

  /** Which implementation and version, for the start-up log. */
  String describe();

  /** The file is not a video this server can read (a fact about the file, not a passing error). */
  final class NotAVideoException extends Exception {
    public NotAVideoException(String message) {
      super(message);
    }
  }
}
