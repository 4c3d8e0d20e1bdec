package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.NewUpload;

/** A check every creation passes before its row exists (the pre-create hook). */
@FunctionalInterface
public interface CreationGate {
  CreationGate OPEN = request -> {};

  void check(NewUpload request) throws Refused;

  /** A refused creation: the client sees this status and message. */
  final class Refused extends Exception {
    private final int status;

    public Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
