package com.xeadline.uploads.server.resumable;

import com.xeadline.uploads.tus.upload.BodyCheck;
import com.xeadline.uploads.tus.upload.CreationGate;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.QuotaExceededException;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadMetadata;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.upload.UploadRules;
import com.xeadline.uploads.tus.protocol.PublicUrls;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadId;
import me.desair.tus.server.upload.UploadType;

/**
 * Creates the row for a draft creation request, with the same size, name, type, quota and
 * pre-create hook checks as a tus POST. The representation's name comes from Content-Disposition
 * and its type from Content-Type; a tus-style Upload-Metadata (tus-js-client sends one) counts too.
 */
public final class DraftCreations {
  /** Content types that label the transfer, not the representation. */
  private static final Set<String> TRANSFER_TYPES = Set.of(DraftHeaders.PARTIAL_UPLOAD, "application/offset+octet-stream");

  private final UploadService storage;
  private final UploadRules rules;
  private final PublicUrls urls;

  public DraftCreations(UploadService storage, UploadRules rules, PublicUrls urls) {
    this.storage = storage;
    this.rules = rules;
    this.urls = urls;
  }

  UploadRow create(HttpServletRequest request, String owner, boolean complete) throws IOException, DraftProblem {
    String collection = storage.getUploadUri();
    String uri = request.getRequestURI();
    if (!uri.equals(collection) && !uri.equals(collection + "/")) {
      throw new DraftProblem(405, "Uploads are created with POST " + collection + "/");
    }
    if (request.getHeader(DraftHeaders.OFFSET) != null) {
      throw new DraftProblem(400, "A creation request carries no Upload-Offset");
    }
    Long length = DraftUploads.declaredLength(request, 0, null, complete);
    if (length != null && length > storage.getMaxUploadSize()) {
      throw new DraftProblem(413, "The upload's length " + length + " exceeds the maximum size " + storage.getMaxUploadSize());
    }
    Map<String, String> metadata = metadata(request);
    String encoded =
        metadata.entrySet().stream()
            .map(e -> e.getKey() + " " + Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))
            .collect(Collectors.joining(","));
    NewUpload declared =
        new NewUpload(
            owner,
            length,
            encoded.isEmpty() ? null : encoded,
            metadata,
            request.getRemoteAddr(),
            UploadType.REGULAR.name(),
            null,
            List.of(),
            null,
            null,
            null);
    checkDeclaredFile(declared);
    try {
      return storage.createUpload(declared);
    } catch (QuotaExceededException e) {
      throw new DraftProblem(403, e.getMessage());
    } catch (CreationGate.Refused e) {
      throw new DraftProblem(e.status(), e.getMessage());
    }
  }

  /**
   * A whole upload from a client of an interop version not served here: the draft's fallback is
   * an ordinary upload, so no 104 and no resumption. A broken body leaves nothing behind, since
   * nobody could resume it.
   */
  void createPlain(HttpServletRequest request, HttpServletResponse response, String owner) throws IOException, DraftProblem {
    UploadRow row = create(request, owner, true);
    boolean kept = false;
    try {
      if (hasContent(request)) {
        row = storage.appendBody(row, request.getInputStream(), BodyCheck.NONE);
      }
      if (row.length() == null) {
        row = storage.declareLength(row, row.offset());
      }
      kept = true;
    } catch (TusException e) {
      throw new DraftProblem(e.getStatus(), e.getMessage());
    } catch (QuotaExceededException e) {
      throw new DraftProblem(403, e.getMessage());
    } finally {
      if (!kept) {
        storage.terminateUpload(storage.getUploadInfo(new UploadId(row.id())));
      }
    }
    response.setStatus(HttpServletResponse.SC_CREATED);
    response.setHeader("Location", urls.upload(request, row.id()));
  }

  static boolean hasContent(HttpServletRequest request) {
    return request.getContentLengthLong() > 0
        || "chunked".equalsIgnoreCase(String.valueOf(request.getHeader("Transfer-Encoding")).trim());
  }

  private static Map<String, String> metadata(HttpServletRequest request) throws DraftProblem {
    Map<String, String> metadata;
    try {
      metadata = new LinkedHashMap<>(UploadMetadata.decode(request.getHeader("Upload-Metadata")));
    } catch (IllegalArgumentException e) {
      throw new DraftProblem(400, e.getMessage());
    }
    String type = DraftHeaders.mediaType(request.getContentType());
    if (type != null && !TRANSFER_TYPES.contains(type)) {
      metadata.put("filetype", type);
    }
    String name = DraftHeaders.fileName(request.getHeader("Content-Disposition"));
    if (name != null && !name.isBlank()) {
      metadata.put("filename", name);
    }
    String digest = request.getHeader(ReprDigestCheck.HEADER);
    if (ReprDigestCheck.parse(digest).isPresent()) {
      metadata.put(ReprDigestCheck.METADATA_KEY, digest.trim());
    }
    return metadata;
  }

  /** The same name and type rules as tus and the JSON API. */
  private void checkDeclaredFile(NewUpload declared) throws DraftProblem {
    List<UploadRules.Violation> violations = new ArrayList<>();
    if (declared.fileName() != null) {
      rules.checkName(declared.fileName(), violations);
      if (!violations.isEmpty()) {
        throw new DraftProblem(400, "The file name " + violations.get(0).message());
      }
    }
    if (declared.contentType() != null) {
      rules.checkType(declared.contentType(), violations);
      if (!violations.isEmpty()) {
        throw new DraftProblem(415, "The content type " + violations.get(0).message());
      }
    }
  }
}
