package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.rows.UploadRow;
import jakarta.servlet.http.HttpServletRequest;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.RequestValidator;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.upload.UploadType;

/**
 * The PATCH rules tus-java-server checks loosely or not at all: the exact Content-Type (415), a
 * well-formed Upload-Offset (400), no PATCH to a final concatenation (403), an Upload-Length only
 * to fix a deferred length, and no body that could run past the length or the maximum size (413),
 * checked before a byte is read.
 */
final class PatchRequestValidator implements RequestValidator {
  private final UploadService storage;

  PatchRequestValidator(UploadService storage) {
    this.storage = storage;
  }

  @Override
  public boolean supports(HttpMethod method) {
    return HttpMethod.PATCH.equals(method);
  }

  @Override
  public void validate(
      HttpMethod method,
      HttpServletRequest request,
      UploadStorageService uploadStorageService,
      String ownerKey)
      throws TusException {
    if (!TusHeaders.isOffsetOctetStream(request)) {
      throw TusError.PATCH_CONTENT_TYPE.exception(TusHeaders.OFFSET_OCTET_STREAM);
    }
    Long claimedOffset = TusHeaders.nonNegative(request, HttpHeader.UPLOAD_OFFSET);
    if (claimedOffset == null) {
      throw TusError.PATCH_WITHOUT_OFFSET.exception();
    }
    UploadRow row = PatchTarget.row(storage, request, ownerKey);
    if (row == null) {
      return; // the core's id validator answers 404
    }
    if (UploadType.CONCATENATED.name().equals(row.uploadType())) {
      throw TusError.PATCH_ON_FINAL.exception();
    }
    if (row.storageProvider() != null && !row.isFinished()) {
      throw TusError.PATCH_ON_DIRECT.exception(row.storageProvider());
    }
    if (row.isChunked()) {
      long contiguousChunks = row.isFinished() ? row.totalChunks() : row.offset() / row.chunkSize();
      if (row.receivedChunks() > contiguousChunks) {
        throw TusError.CHUNKS_AHEAD.exception(row.offset());
      }
    }
    Long declared = TusHeaders.nonNegative(request, HttpHeader.UPLOAD_LENGTH);
    Long length = row.length();
    if (declared != null) {
      if (length != null && !length.equals(declared)) {
        throw TusError.LENGTH_FIXED.exception(length);
      }
      if (declared > storage.getMaxUploadSize()) {
        throw TusError.LENGTH_OVER_MAX.exception(declared, storage.getMaxUploadSize());
      }
      if (declared < Math.max(row.offset(), claimedOffset)) {
        throw TusError.LENGTH_BELOW_OFFSET.exception(declared, row.offset());
      }
      length = declared;
    }
    long limit = length != null ? length : storage.getMaxUploadSize();
    // Measured from the offset the client claims: when that is stale, the answer is 409, not 413.
    long contentLength = request.getContentLengthLong();
    if (contentLength > 0 && claimedOffset + contentLength > limit) {
      throw TusError.BODY_PAST_END.exception(contentLength, claimedOffset, length != null ? "length " : "maximum size ", limit);
    }
  }
}
