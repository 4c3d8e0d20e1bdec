package com.xeadline.uploads.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The bytes of unfinished uploads as write-once part objects in shared storage, so any node can
 * continue any upload without a shared directory ({@code storage.in-progress=gcs}).
 *
 * <p>The caller acknowledges an offset only after {@link #write} has returned (the part is
 * finalized) and the part is recorded with the upload's row in the same commit; parts a caller
 * wrote but never recorded (a node died, a commit lost its race) are never read, and go with
 * {@link #deleteAll}.
 */
public interface UploadParts {
  /** One finalized part: bytes {@code [start, end)} of the upload, at one object generation. */
  record Part(String key, long start, long end, long generation) {
    public long length() {
      return end - start;
    }
  }

  /**
   * Stores exactly {@code length} bytes of {@code data} as a new part starting at {@code start};
   * returns only once the part is durable. Never overwrites another part.
   */
  Part write(String uploadId, long start, InputStream data, long length) throws IOException;

  /** {@code length} bytes from upload offset {@code offset}, read across the recorded parts. */
  InputStream open(List<Part> parts, long offset, long length) throws IOException;

  /** Composes the recorded parts, in order, into the final object {@code key}. */
  StoredObject compose(List<Part> parts, String key, String contentType, Map<String, String> metadata) throws IOException;

  /**
   * Composes {@code sources} (parts of any uploads, in list order) into one new part of
   * {@code uploadId} starting at {@code start}: the partial uploads of a concatenation, or the
   * chunks of a legacy upload in their order. The sources stay.
   */
  Part composePart(String uploadId, long start, List<Part> sources) throws IOException;

  /** Deletes one part (written but not recorded, or forgotten). */
  void delete(Part part) throws IOException;

  /** The ids of the uploads that have part objects, recorded or not (for the orphan sweep). */
  java.util.Set<String> uploadsWithParts() throws IOException;

  /** Deletes every part of the upload, recorded or not (completion, termination, expiry). */
  void deleteAll(String uploadId) throws IOException;
}
