package com.xeadline.uploads.tus.upload;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the bytes of unfinished (and not yet published) uploads live: a file on this node's disk
 * ({@link LocalUploadBytes}, storage.in-progress=local) or recorded part objects in the bucket
 * ({@link InProgressParts}, storage.in-progress=gcs).
 */
public interface UploadBytes {
  /** Makes room for a new upload's bytes. */
  void create(String id) throws IOException;

  /** Where the next append of the upload goes (the caller holds its write lock). */
  AppendTarget openForAppend(String id) throws IOException;

  /** {@code length} bytes of the upload from {@code offset}. */
  InputStream open(String id, long offset, long length) throws IOException;

  /** Whether all of the upload's first {@code length} bytes are here (a publish can be retried). */
  boolean holds(String id, long length);

  /** Frees the upload's bytes (published, failed, terminated, expired). */
  void delete(String id) throws IOException;

  /** True when the bytes are part objects in the bucket rather than a local file. */
  boolean inBucket();
}
