package com.xeadline.uploads.server.api;

import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.legacy.LegacyChunkService;
import com.xeadline.uploads.tus.legacy.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
  @Operation(
      summary = "The caller's uploads, newest first: completed ones (default) or in-progress ones with where to resume",
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "One page",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(oneOf = {Bodies.CompletedPage.class, Bodies.UnfinishedPage.class}))))
  public Object list(
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
      case "completed" -> {
        KeysetCursor.Page<Bodies.CompletedUpload> page =
            KeysetCursor.page(
                sessions.findCompleted(user, at, id, limit + 1),
                limit,
                row -> completedItem(row, uri),
                row -> new KeysetCursor(row.completedAt(), row.id()));
        yield new Bodies.CompletedPage(page.items(), page.nextCursor());
      }
      case "in-progress" -> {
        KeysetCursor.Page<Bodies.UnfinishedUpload> page =
            KeysetCursor.page(
                sessions.findInProgress(user, at, id, limit + 1),
                limit,
                row -> inProgressItem(row, uri),
                row -> new KeysetCursor(row.createdAt(), row.id()));
        yield new Bodies.UnfinishedPage(page.items(), page.nextCursor());
      }
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
  @Operation(summary = "Remove one of the caller's uploads, finished or not", responses = @ApiResponse(responseCode = "204", description = "Removed"))
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

  private Bodies.CompletedUpload completedItem(UploadRow row, UriInfo uri) {
    return new Bodies.CompletedUpload(
        row.id(),
        row.fileName(),
        row.length(),
        row.contentType(),
        row.createdAt().toString(),
        row.completedAt().toString(),
        row.url() == null ? null : finalUrls.of(uri, row.url(), row.id()),
        row.metadata().get("title"),
        row.metadata().get("description"),
        video(row.metadata().get("video")));
  }

  /** Where to resume: the tus URL and offset, and for a chunked upload its chunks. */
  private Bodies.UnfinishedUpload inProgressItem(UploadRow row, UriInfo uri) {
    return new Bodies.UnfinishedUpload(
        row.id(),
        row.fileName(),
        row.length(),
        row.contentType(),
        row.createdAt().toString(),
        row.offset(),
        row.expiresAt() == null ? null : row.expiresAt().toString(),
        uri.getBaseUri().resolve("files/" + row.id()).toString(),
        row.isChunked() ? row.totalChunks() : null,
        row.isChunked() ? chunked.receivedChunks(row) : null);
  }

  /** The probe summary the video pipeline keeps in the row's metadata, as JSON. */
  private static com.fasterxml.jackson.databind.JsonNode video(String json) {
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
