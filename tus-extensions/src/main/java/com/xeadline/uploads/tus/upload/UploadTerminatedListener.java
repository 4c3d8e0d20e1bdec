package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;

/** Told when an upload is terminated, to remove what it published. */
public interface UploadTerminatedListener {
  void terminated(UploadRow row) throws IOException;
}
