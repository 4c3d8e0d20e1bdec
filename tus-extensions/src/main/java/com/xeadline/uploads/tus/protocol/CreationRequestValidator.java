package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadMetadata;
import com.xeadline.uploads.tus.rows.UploadRow;
import jakarta.servlet.http.HttpServletRequest;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.upload.UploadRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import me.desair.tus.server.HttpHeader;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.RequestValidator;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.upload.UploadType;

/**
 * POST (creation, creation-defer-length, creation-with-upload, concatenation): the collection URI
 * with or without its trailing slash, exactly one of Upload-Length / Upload-Defer-Length: 1
 * (none for a final concatenation), a length within Tus-Max-Size (413), well-formed metadata,
 * partial uploads of the caller behind Upload-Concat: final, and a body only as
 * application/offset+octet-stream.
 */
final class CreationRequestValidator implements RequestValidator {
  private final UploadService storage;
  private final UploadRules rules;

  CreationRequestValidator(UploadService storage, UploadRules rules) {
    this.storage = storage;
    this.rules = rules;
  }

  @Override
  public boolean supports(HttpMethod method) {
    return HttpMethod.POST.equals(method);
  }

  @Override
  public void validate(
      HttpMethod method,
      HttpServletRequest request,
      UploadStorageService uploadStorageService,
      String ownerKey)
      throws TusException {
    String collection = storage.getUploadUri();
    String uri = request.getRequestURI();
    if (!uri.equals(collection) && !uri.equals(collection + "/")) {
      throw TusError.CREATE_WITH_POST.exception(collection);
    }
    Concat concat = Concat.parse(request.getHeader(HttpHeader.UPLOAD_CONCAT));
    Long length = TusHeaders.nonNegative(request, HttpHeader.UPLOAD_LENGTH);
    String defer = request.getHeader(HttpHeader.UPLOAD_DEFER_LENGTH);
    if (defer != null && !defer.trim().equals("1")) {
      throw TusError.DEFER_LENGTH_NOT_ONE.exception();
    }
    if (concat.type() == UploadType.CONCATENATED) {
      if (length != null || defer != null) {
        throw TusError.FINAL_WITH_LENGTH.exception();
      }
      if (TusHeaders.hasBody(request)) {
        throw TusError.FINAL_WITH_BODY.exception();
      }
      checkParts(concat.partIds(storage), ownerKey);
    } else if ((length == null) == (defer == null)) {
      throw TusError.LENGTH_OR_DEFER.exception();
    }
    if (length != null && length > storage.getMaxUploadSize()) {
      throw TusError.LENGTH_OVER_MAX.exception(length, storage.getMaxUploadSize());
    }
    Map<String, String> metadata;
    try {
      metadata = UploadMetadata.decode(request.getHeader(HttpHeader.UPLOAD_METADATA));
    } catch (IllegalArgumentException e) {
      throw TusError.BAD_METADATA.exception(e.getMessage());
    }
    checkDeclaredFile(metadata);
    if (TusHeaders.hasBody(request)) {
      if (!TusHeaders.isOffsetOctetStream(request)) {
        throw TusError.CREATION_BODY_TYPE.exception(TusHeaders.OFFSET_OCTET_STREAM);
      }
      long limit = length != null ? length : storage.getMaxUploadSize();
      if (request.getContentLengthLong() > limit) {
        throw TusError.CREATION_BODY_TOO_LARGE.exception(limit);
      }
    }
  }

  /** The same name and type rules as the JSON API, for what a tus client declares. */
  private void checkDeclaredFile(Map<String, String> metadata) throws TusException {
    NewUpload declared = new NewUpload(null, null, null, metadata, null, null, null, List.of(), null, null, null);
    List<UploadRules.Violation> violations = new ArrayList<>();
    if (declared.fileName() != null) {
      rules.checkName(declared.fileName(), violations);
    }
    if (!violations.isEmpty()) {
      throw TusError.BAD_FILENAME.exception(violations.get(0).message());
    }
    if (declared.contentType() != null) {
      rules.checkType(declared.contentType(), violations);
      if (!violations.isEmpty()) {
        throw TusError.BAD_FILETYPE.exception(violations.get(0).message());
      }
    }
  }

  private void checkParts(List<String> partIds, String ownerKey) throws TusException {
    if (partIds.isEmpty()) {
      throw TusError.FINAL_WITHOUT_PARTS.exception();
    }
    for (String id : partIds) {
      UploadRow part = id == null ? null : storage.findOwned(id, ownerKey).orElse(null);
      if (part == null) {
        throw TusError.FINAL_UNKNOWN_PART.exception();
      }
      if (!UploadType.PARTIAL.name().equals(part.uploadType())) {
        throw TusError.FINAL_NON_PARTIAL.exception();
      }
    }
  }
}
