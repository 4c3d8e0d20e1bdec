package com.xeadline.uploads.tus;

/** Told once an upload holds all its bytes (after the row says so). */
@FunctionalInterface
public interface UploadFinishedListener {
  void uploadFinished(UploadRow row);
}
