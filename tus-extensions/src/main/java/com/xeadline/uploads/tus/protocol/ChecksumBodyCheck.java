package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.upload.BodyCheck;
import java.util.Map;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.checksum.ChecksumAlgorithm;
import me.desair.tus.server.exception.ChecksumAlgorithmNotSupportedException;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.exception.UploadChecksumMismatchException;
import me.desair.tus.server.util.TusServletRequest;

/**
 * The tus checksum extension for one request body: the Upload-Checksum header, or the same field
 * as an HTTP trailer when the request announced it with {@code Trailer: Upload-Checksum}. The
 * digests are computed by {@link TusServletRequest} while the body streams to disk.
 */
final class ChecksumBodyCheck implements BodyCheck {
  private final TusServletRequest request;
  private final boolean pending;

  ChecksumBodyCheck(TusServletRequest request) {
    this.request = request;
    this.pending = request.hasCalculatedChecksum();
  }

  @Override
  public boolean pending() {
    return pending;
  }

  @Override
  public void verify() throws TusException {
    String header = request.getHeader(HttpHeader.UPLOAD_CHECKSUM);
    if ((header == null || header.isBlank()) && request.isTrailerFieldsReady()) {
      Map<String, String> trailers = request.getTrailerFields();
      header = trailers.get("upload-checksum");
    }
    if (header == null || header.isBlank()) {
      return;
    }
    ChecksumAlgorithm algorithm = ChecksumAlgorithm.forUploadChecksumHeader(header);
    if (algorithm == null) {
      throw new ChecksumAlgorithmNotSupportedException(
          "Upload-Checksum algorithm of '" + TusHeaders.abbreviate(header) + "' is not supported");
    }
    String expected = header.substring(header.indexOf(' ') + 1).trim();
    String actual = request.getCalculatedChecksum(algorithm);
    if (actual == null || !actual.equals(expected)) {
      throw new UploadChecksumMismatchException(
          "Upload-Checksum " + algorithm.getTusName() + " does not match the body received");
    }
  }
}
