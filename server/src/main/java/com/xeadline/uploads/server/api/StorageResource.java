package com.xeadline.uploads.server.api;

import com.xeadline.uploads.tus.JsonMappers;
import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.server.video.VideoStatus;
import com.xeadline.uploads.storage.ObjectKeys;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.storage.StoredObject;
import com.xeadline.uploads.server.auth.UploadGrants;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.upload.UploadRules;
import com.xeadline.uploads.tus.legacy.ChunkBody;
import com.xeadline.uploads.tus.legacy.LegacyChunkService;
import com.xeadline.uploads.tus.legacy.ApiProblem;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;

/**
 * The old Xeadline JSON upload API under {@code /api/storage}, as a thin translation onto the
 * same uploads as tus ({@link LegacyChunkService}).
 */
@Path("/api/storage")
@Produces(MediaType.APPLICATION_JSON)
public final class StorageResource {
  static final Duration GRANT_VALIDITY = Duration.ofMinutes(15);
  private static final long PROBE_DEFAULT = 100 * 1024;
  private static final long PROBE_MAX = 1024 * 1024;
  private static final long PROBE_UPLOAD_MAX = 8 * 1024 * 1024;
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final Pattern PROBE_SIZE = Pattern.compile("(\\d{1,9})\\s*(kb|mb|b)?", Pattern.CASE_INSENSITIVE);

  private final LegacyChunkService chunked;
  private final StorageProviders providers;
  private final UploadGrants grants;
  private final java.nio.file.Path spillDir;
  private final long maxChunkSize;
  private final VideoStatus videoStatus;
  private final FinalUrls finalUrls;

  public StorageResource(
      LegacyChunkService chunked,
      StorageProviders providers,
      UploadGrants grants,
      java.nio.file.Path spillDir,
      long maxChunkSize,
      VideoStatus videoStatus,
      FinalUrls finalUrls) {
    this.finalUrls = finalUrls;
    this.videoStatus = videoStatus;
    this.chunked = chunked;
    this.providers = providers;
    this.grants = grants;
    this.spillDir = spillDir;
    this.maxChunkSize = maxChunkSize;
  }

  @GET
  @Path("get-direct-upload-url")
  @Operation(summary = "Create an upload the client sends straight to tus (with a 15-minute signed grant in its URL) or to the storage provider")
  public Bodies.DirectUploadUrl directUploadUrl(
      @QueryParam("fileName") String fileName,
      @QueryParam("contentType") String contentType,
      @Context UriInfo uri,
      @Context Request jetty)
      throws ApiProblem, IOException {
    URI base = uri.getBaseUri();
    StorageProvider provider = providers.current();
    if (!provider.name().equals("local")) {
      // The bytes go straight to the provider (a V4 signed PUT URL for GCS).
      String key = ObjectKeys.forUpload(AuthHandler.userOf(jetty), UploadRules.sanitizeFileName(fileName), "upload");
      URI signed;
      try {
        signed = provider.directUploadUrl(key, contentType == null ? "" : contentType.trim(), GRANT_VALIDITY);
      } catch (UnsupportedOperationException cannotSign) {
        throw new ApiProblem(501, "Direct upload unavailable", cannotSign.getMessage(), List.of(), Map.of());
      }
      UploadRow row = chunked.initSigned(AuthHandler.userOf(jetty), fileName, contentType, provider.name(), key);
      return new Bodies.DirectUploadUrl(base.resolve("/files/" + row.id()).toString(), signed.toString());
    }
    UploadRow row = chunked.initDirect(AuthHandler.userOf(jetty), fileName, contentType, null);
    String grant = grants.grant(row.id(), row.userId(), GRANT_VALIDITY);
    return new Bodies.DirectUploadUrl(
        base.resolve("/files/" + row.id()).toString(), base.resolve("/files/" + row.id()) + "?grant=" + grant);
  }

  @POST
  @Path("init-chunked-upload")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Start a chunked upload")
  public Bodies.InitResponse init(Requests.InitRequest request, @Context Request jetty)
      throws ApiProblem, IOException {
    if (request == null) {
      throw ApiProblem.invalid(List.of(new UploadRules.Violation("body", "must be a JSON object")));
    }
    UploadRow row =
        chunked.init(
            AuthHandler.userOf(jetty), request.fileName(), request.fileSize(), request.contentType(), request.totalChunks(), request.chunkSize(), null);
    chunked.describe(row.id(), request.title(), request.description());
    return new Bodies.InitResponse(row.id(), row.expiresAt().toString());
  }

  /**
   * Parts are read in order, straight from Jetty's request content (not through Jersey's entity
   * stream: the chunk goes from the connection's buffers to its file in large writes, as a tus
   * PATCH body does); a chunk that arrives before the uploadId and chunkIndex fields is spilled
   * to a scratch file (bounded by the chunk size limit) and moved to its place after.
   */
  @POST
  @Path("upload-chunk")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      summary = "Send one chunk (any order, in parallel; a retry is not counted twice)",
      requestBody = @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = Bodies.ChunkForm.class))))
  public Bodies.ChunkResponse uploadChunk(
      @Parameter(hidden = true) @HeaderParam("Content-Type") String contentType, @Context Request jetty)
      throws ApiProblem, IOException {
    String user = AuthHandler.userOf(jetty);
    MultipartReader reader = new MultipartReader(jetty, contentType);
    String uploadId = null;
    String chunkIndex = null;
    java.nio.file.Path spilled = null;
    LegacyChunkService.Chunk result = null;
    try {
      for (MultipartReader.Part part; (part = reader.next()) != null; ) {
        switch (part.name()) {
          case "uploadId" -> uploadId = field(part);
          case "chunkIndex" -> chunkIndex = field(part);
          case "chunk" -> {
            if (result != null || spilled != null) {
              throw ApiProblem.invalid(List.of(new UploadRules.Violation("chunk", "must be sent once")));
            }
            if (uploadId != null && chunkIndex != null) {
              result = chunked.receive(user, uploadId, index(chunkIndex), new ChunkBody(part.body()));
            } else {
              spilled = spill(new ChunkBody(part.body()));
            }
          }
          default -> part.body().drain();
        }
      }
      if (result == null) {
        if (uploadId == null || chunkIndex == null || spilled == null) {
          throw ApiProblem.invalid(missing(uploadId, chunkIndex, spilled));
        }
        try (InputStream in = Files.newInputStream(spilled)) {
          result = chunked.receive(user, uploadId, index(chunkIndex), ChunkBody.of(in));
        }
      }
    } finally {
      reader.close();
      if (spilled != null) {
        Files.deleteIfExists(spilled);
      }
    }
    // received: as the old API, the chunk is stored (upload-status lists them all)
    return new Bodies.ChunkResponse(true, result.chunkIndex(), true);
  }

  private static List<UploadRules.Violation> missing(String uploadId, String chunkIndex, java.nio.file.Path chunk) {
    List<UploadRules.Violation> violations = new java.util.ArrayList<>();
    if (uploadId == null) {
      violations.add(new UploadRules.Violation("uploadId", "is required"));
    }
    if (chunkIndex == null) {
      violations.add(new UploadRules.Violation("chunkIndex", "is required"));
    }
    if (chunk == null) {
      violations.add(new UploadRules.Violation("chunk", "is required"));
    }
    return violations;
  }

  private java.nio.file.Path spill(ChunkBody chunk) throws IOException, ApiProblem {
    java.nio.file.Path file = Files.createTempFile(spillDir, "chunk-", ".part");
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      if (chunk.copyTo(out, 0, maxChunkSize + 1) > maxChunkSize) {
        throw ApiProblem.invalid(
            List.of(new UploadRules.Violation("chunk", "must be at most " + maxChunkSize + " bytes")));
      }
    } catch (IOException | ApiProblem | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return file;
  }

  private static String field(MultipartReader.Part part) throws IOException, ApiProblem {
    byte[] value = part.body().read(1024);
    if (value.length > 1024) {
      throw ApiProblem.invalid(List.of(new UploadRules.Violation(part.name(), "is too long")));
    }
    return new String(value, StandardCharsets.UTF_8).trim();
  }

  private static int index(String text) throws ApiProblem {
    if (!text.matches("0|[1-9][0-9]{0,8}")) {
      throw ApiProblem.invalid(List.of(new UploadRules.Violation("chunkIndex", "must be a whole number")));
    }
    return Integer.parseInt(text);
  }

  @POST
  @Path("complete-chunked-upload")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Finish a chunked upload once every chunk is stored")
  public Bodies.CompleteResponse complete(Requests.CompleteRequest request, @Context UriInfo uri, @Context Request jetty)
      throws ApiProblem, IOException {
    if (request == null || request.uploadId() == null) {
      throw ApiProblem.invalid(List.of(new UploadRules.Violation("uploadId", "is required")));
    }
    if (request.title() != null || request.description() != null) {
      chunked.status(AuthHandler.userOf(jetty), request.uploadId()); // the caller's upload, or 403/404
      chunked.describe(request.uploadId(), request.title(), request.description());
    }
    LegacyChunkService.Completed done =
        chunked.complete(AuthHandler.userOf(jetty), request.uploadId(), request.fileName(), request.contentType());
    return new Bodies.CompleteResponse(true, finalUrls.of(uri, done.url(), request.uploadId()), done.contentType(), done.size());
  }

  @GET
  @Path("upload-status")
  @Operation(summary = "An upload's state: chunks stored, final URL, probe result, renditions and jobs")
  public Bodies.UploadStatus status(
      @QueryParam("uploadId") String uploadId, @Context UriInfo uri, @Context Request jetty)
      throws ApiProblem {
    if (uploadId == null || uploadId.isBlank()) {
      throw new ApiProblem(400, "Missing upload ID", "Missing upload ID", List.of(new UploadRules.Violation("uploadId", "is required")), Map.of());
    }
    UploadRow row = chunked.status(AuthHandler.userOf(jetty), uploadId);
    row = completeIfStoredDirectly(row);
    Map<String, Object> video = videoStatus.of(row.id());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> versions = (List<Map<String, Object>>) video.get("transcodedVersions");
    return new Bodies.UploadStatus(
        row.id(),
        row.fileName(),
        row.length(),
        row.contentType(),
        row.status().dbValue(),
        row.totalChunks(),
        chunked.receivedChunks(row),
        text(row.createdAt()),
        text(row.lastActivityAt()),
        text(row.completedAt()),
        row.url() == null ? null : finalUrls.of(uri, row.url(), row.id()),
        row.failureReason(),
        video.get("video") == null ? null : JSON.convertValue(video.get("video"), Bodies.VideoSummary.class),
        versions.stream().map(v -> absolute(v, uri, uploadId)).toList(),
        JSON.convertValue(video.get("jobs"), new TypeReference<List<Bodies.JobEntry>>() {}));
  }

  /** A signed-URL upload completes when its object shows up at the provider. */
  private UploadRow completeIfStoredDirectly(UploadRow row) throws ApiProblem {
    if (row.storageProvider() == null || row.isFinished() || row.status() == com.xeadline.uploads.tus.rows.UploadStatus.FAILED) {
      return row;
    }
    try {
      Optional<StoredObject> stored =
          providers.named(row.storageProvider()).isPresent()
              ? providers.named(row.storageProvider()).get().stat(row.storageKey())
              : Optional.empty();
      return stored.isPresent() ? chunked.completeSigned(row, stored.get().size()) : row;
    } catch (IOException e) {
      throw new ApiProblem(503, "Storage unavailable", e.getMessage(), List.of(), Map.of());
    }
  }

  private Bodies.TranscodedVersion absolute(Map<String, Object> version, UriInfo uri, String uploadId) {
    return Bodies.TranscodedVersion.of(version, finalUrls.of(uri, String.valueOf(version.get("url")), uploadId));
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /** Incompressible bytes for measuring download speed; never cached anywhere. */
  @GET
  @Path("network-test")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @Operation(
      summary = "Incompressible bytes for measuring download speed (size: bytes, or a number with kb or mb; at most 1 MiB)",
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The bytes",
              content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = "string", format = "binary"))))
  public Response downloadProbe(@QueryParam("size") String size) throws ApiProblem {
    long bytes = Math.min(PROBE_MAX, probeSize(size));
    StreamingOutput stream =
        out -> {
          SplittableRandom random = new SplittableRandom();
          byte[] buffer = new byte[16 * 1024];
          long left = bytes;
          while (left > 0) {
            for (int i = 0; i < buffer.length; i += 8) {
              long r = random.nextLong();
              for (int b = 0; b < 8; b++) {
                buffer[i + b] = (byte) (r >>> (8 * b));
              }
            }
            int n = (int) Math.min(buffer.length, left);
            out.write(buffer, 0, n);
            left -= n;
          }
        };
    return Response.ok(stream)
        .header("Content-Length", bytes)
        .header("Cache-Control", "no-store, no-cache, must-revalidate, proxy-revalidate")
        .header("Pragma", "no-cache")
        .header("Expires", "0")
        .build();
  }

  /** The upload direction: how fast the client's bytes arrive, so it can size its chunks. */
  @POST
  @Path("network-test")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Measure how fast the client's bytes arrive (at most 8 MiB)")
  public Bodies.ProbeResponse uploadProbe(
      @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = "string", format = "binary")))
          InputStream body) throws IOException, ApiProblem {
    long start = System.nanoTime();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = body.read(buffer)) >= 0; ) {
      total += n;
      if (total > PROBE_UPLOAD_MAX) {
        throw new ApiProblem(413, "Probe too large", "Send at most " + PROBE_UPLOAD_MAX + " bytes", List.of(), Map.of());
      }
    }
    long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
    return new Bodies.ProbeResponse(total, millis, total * 1000 / millis);
  }

  static long probeSize(String size) throws ApiProblem {
    if (size == null || size.isBlank()) {
      return PROBE_DEFAULT;
    }
    Matcher m = PROBE_SIZE.matcher(size.trim());
    if (!m.matches()) {
      throw ApiProblem.invalid(List.of(new UploadRules.Violation("size", "must be bytes or a number with kb or mb")));
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(java.util.Locale.ROOT);
    return switch (unit) {
      case "kb" -> n * 1024;
      case "mb" -> n * 1024 * 1024;
      default -> n;
    };
  }

}
