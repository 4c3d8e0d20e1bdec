package com.xeadline.uploads.server.api;

import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.legacy.LegacyChunkService;
import com.xeadline.uploads.tus.legacy.ApiProblem;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import me.desair.tus.server.upload.UploadId;
import org.eclipse.jetty.server.Request;

/**
 * The caller's uploads, newest first, a page at a time: finished ones (for the upload page and
 * clients) or unfinished ones with what is received (so a UI can offer to resume them); and
 * deleting one of them.
 */
@Path("/api/uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class UploadsResource {
  static final int MAX_LIMIT = 100;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final UploadSessions sessions;
  private final LegacyChunkService chunked;
  private final UploadService storage;
  private final UploadLocks locks;
  private final Duration lockWait;
  private final FinalUrls finalUrls;

  public UploadsResource(
      UploadSessions sessions,
      LegacyChunkService chunked,
      UploadService storage,
      UploadLocks locks,
      Duration lockWait,
      FinalUrls finalUrls) {
    this.finalUrls = finalUrls;
    this.sessions = sessions;
    this.chunked = chunked;
    this.storage = storage;
    this.locks = locks;
    this.lockWait = lockWait;
  }

  @GET
  public Map<String, Object> list(
      @QueryParam("status") @DefaultValue("completed") String status,
      @QueryParam("limit") @DefaultValue("20") int limit,
      @QueryParam("cursor") String cursor,
      @Context UriInfo uri,
      @Context Request jetty)
      throws ApiProblem {
    KeysetCursor.checkLimit(limit, MAX_LIMIT);
    KeysetCursor after = KeysetCursor.parse(cursor);
    String user = AuthHandler.userOf(jetty);
    java.time.Instant at = after == null ? null : after.at();
    String id = after == null ? null : after.id();
    return switch (status) {
      case "completed" ->
          KeysetCursor.page(
              sessions.findCompleted(user, at, id, limit + 1),
              limit,
              row -> completedItem(row, uri),
              row -> new KeysetCursor(row.completedAt(), row.id()));
      case "in-progress" ->
          KeysetCursor.page(
              sessions.findInProgress(user, at, id, limit + 1),
              limit,
              row -> inProgressItem(row, uri),
              row -> new KeysetCursor(row.createdAt(), row.id()));
      default ->
          throw new ApiProblem(
              400, "Invalid request", "status must be completed or in-progress", List.of(), Map.of());
    };
  }

  /**
   * Removes one of the caller's uploads, finished or not: its row, its bytes and whatever it
   * published (as a tus DELETE does). A request still writing it is asked to let go first.
   */
  @DELETE
  @Path("/{id}")
  public Response delete(@PathParam("id") String id, @Context Request jetty) throws ApiProblem, IOException {
    String user = AuthHandler.userOf(jetty);
    owned(id, user);
    try (UploadLocks.Lease lease = locks.acquire(id, lockWait, () -> {})) {
      owned(id, user);
      storage.terminateUpload(storage.getUploadInfo(new UploadId(id)));
    } catch (UploadAlreadyLockedException e) {
      throw new ApiProblem(409, "Upload busy", e.getMessage(), List.of(), Map.of());
    }
    return Response.noContent().build();
  }

  private UploadRow owned(String id, String user) throws ApiProblem {
    return sessions.find(id)
        .filter(row -> Objects.equals(row.userId(), user))
        .orElseThrow(() -> new ApiProblem(404, "Upload not found", "No upload " + id + " of yours", List.of(), Map.of()));
  }

  private Map<String, Object> completedItem(UploadRow row, UriInfo uri) {
    Map<String, Object> item = common(row);
    item.put("completedAt", row.completedAt().toString());
    item.put("url", row.url() == null ? null : finalUrls.of(uri, row.url(), row.id()));
    item.put("title", row.metadata().get("title"));
    item.put("description", row.metadata().get("description"));
    item.put("video", video(row.metadata().get("video")));
    return item;
  }

  /** Where to resume: the tus URL and offset, and for a chunked upload its chunks. */
  private Map<String, Object> inProgressItem(UploadRow row, UriInfo uri) {
    Map<String, Object> item = common(row);
    item.put("uploadOffset", row.offset());
    item.put("expiresAt", row.expiresAt() == null ? null : row.expiresAt().toString());
    item.put("location", uri.getBaseUri().resolve("files/" + row.id()).toString());
    if (row.isChunked()) {
      item.put("totalChunks", row.totalChunks());
      item.put("receivedChunks", chunked.receivedChunks(row));
    }
    return item;
  }

  private static Map<String, Object> common(UploadRow row) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("uploadId", row.id());
    item.put("fileName", row.fileName());
    item.put("fileSize", row.length());
    item.put("contentType", row.contentType());
    item.put("createdAt", row.createdAt().toString());
    return item;
  }

  /** The probe summary the video pipeline keeps in the row's metadata, as JSON. */
  private static Object video(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
