package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.UploadRow;

/** Told once an upload holds all its bytes (after the row says so). */
@FunctionalInterface
public interface UploadFinishedListener {
  void uploadFinished(UploadRow row);
}
