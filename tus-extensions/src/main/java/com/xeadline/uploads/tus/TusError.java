package com.xeadline.uploads.tus;

import me.desair.tus.server.exception.TusException;

/**
 * Every refusal a tus route answers, with its status and short text body, in one list (as tusd
 * keeps them). A message takes its details in order of its {@code %s}.
 */
public enum TusError {
  // creation (POST)
  CREATE_WITH_POST(405, "Uploads are created with POST %s/"),
  DEFER_LENGTH_NOT_ONE(400, "Upload-Defer-Length must be 1"),
  FINAL_WITH_LENGTH(400, "A final concatenation takes its length from its parts"),
  FINAL_WITH_BODY(400, "A final concatenation cannot carry a body"),
  LENGTH_OR_DEFER(400, "Send exactly one of Upload-Length and Upload-Defer-Length: 1"),
  LENGTH_OVER_MAX(413, "Upload-Length %s exceeds Tus-Max-Size %s"),
  BAD_METADATA(400, "%s"),
  CREATION_BODY_TYPE(415, "A creation request's body must have Content-Type: %s"),
  CREATION_BODY_TOO_LARGE(413, "The body is larger than the upload's length %s"),
  BAD_FILENAME(400, "Upload-Metadata filename %s"),
  BAD_FILETYPE(415, "Upload-Metadata filetype %s"),
  FINAL_WITHOUT_PARTS(400, "Upload-Concat: final must list the partial uploads"),
  FINAL_UNKNOWN_PART(400, "Upload-Concat names an upload that does not exist"),
  FINAL_NON_PARTIAL(400, "Upload-Concat: final may only list partial uploads"),
  BAD_CONCAT(400, "Upload-Concat must be 'partial' or 'final;<upload URLs>'"),
  NOT_ALLOWED(403, "%s"),
  // any request
  BAD_NUMBER(400, "%s must be a non-negative integer, got '%s'"),
  REPEATED_HEADER(400, "%s was sent more than once with different values"),
  // PATCH
  PATCH_CONTENT_TYPE(415, "PATCH requests must have Content-Type: %s"),
  PATCH_WITHOUT_OFFSET(400, "PATCH requests must carry an Upload-Offset header"),
  PATCH_ON_FINAL(403, "A final concatenation takes no PATCH; its parts do"),
  PATCH_ON_DIRECT(409, "This upload's bytes go straight to %s through its signed URL"),
  CHUNKS_AHEAD(409, "Chunks after offset %s are already stored; finish with upload-chunk"),
  LENGTH_FIXED(400, "Upload-Length is already %s and cannot change"),
  LENGTH_BELOW_OFFSET(400, "Upload-Length %s is below the current offset %s"),
  BODY_PAST_END(413, "A body of %s bytes at offset %s runs past the upload's %s%s"),
  BODY_TOO_LARGE(413, "The request body is larger than the upload's remaining length"),
  BODY_PAST_DEFERRED_CAP(
      413,
      "The request body would take the upload past what it may hold (the maximum upload size, or the room left in your storage quota)"),
  BYTES_MISSING(409, "The upload's stored bytes end at %s; ask HEAD for the offset and resume from there"),
  SUPERSEDED(409, "Upload %s was taken over by another request; ask HEAD for its offset and resume"),
  CONTENT_MISMATCH(415, "The upload's first bytes are not %s; the upload has failed"),
  DIGEST_MISMATCH(400, "Repr-Digest %s does not match the representation received"),
  // GET
  NOT_FINISHED(409, "The upload is not finished yet: %s bytes stored"),
  RANGE_NOT_SATISFIABLE(416, "Range not satisfiable for %s bytes"),
  STORAGE_NOT_CONFIGURED(500, "The upload's storage is not configured");

  private final int status;
  private final String message;

  TusError(int status, String message) {
    this.status = status;
    this.message = message;
  }

  public int status() {
    return status;
  }

  /** The text body, with {@code details} in place of the message's {@code %s}. */
  public String message(Object... details) {
    return details.length == 0 ? message : String.format(message, details);
  }

  /** The exception tus-java-server answers with this status and message. */
  public TusException exception(Object... details) {
    return new TusException(status, message(details));
  }
}
