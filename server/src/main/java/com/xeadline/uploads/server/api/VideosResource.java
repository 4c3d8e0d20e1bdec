package com.xeadline.uploads.server.api;

import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.server.video.VideoMetadataStore;
import com.xeadline.uploads.server.video.VideoPipeline;
import com.xeadline.uploads.server.video.VideoRow;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.storage.StoredObject;
import com.xeadline.uploads.tus.legacy.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/** The caller's videos (probe results), newest first by keyset, and their renditions. */
@Path("/api/videos")
@Produces(MediaType.APPLICATION_JSON)
public final class VideosResource {
  private final VideoMetadataStore videos;
  private final StorageProviders providers;

  private final FinalUrls finalUrls;

  public VideosResource(VideoMetadataStore videos, StorageProviders providers, FinalUrls finalUrls) {
    this.finalUrls = finalUrls;
    this.videos = videos;
    this.providers = providers;
  }

  @GET
  @Operation(summary = "The caller's videos (probe results and renditions), newest first")
  public Bodies.VideoPage list(
      @QueryParam("limit") @DefaultValue("20") int limit,
      @QueryParam("cursor") String cursor,
      @Context UriInfo uri,
      @Context Request jetty)
      throws ApiProblem {
    KeysetCursor.checkLimit(limit, UploadsResource.MAX_LIMIT);
    KeysetCursor after = KeysetCursor.parse(cursor);
    List<VideoRow> rows =
        videos.page(AuthHandler.userOf(jetty), after == null ? null : after.at(), after == null ? null : after.id(), limit + 1);
    KeysetCursor.Page<Bodies.Video> page =
        KeysetCursor.page(rows, limit, row -> shown(row, uri), row -> new KeysetCursor(row.createdAt(), row.storageId()));
    return new Bodies.VideoPage(page.items(), page.nextCursor());
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One of the caller's videos")
  public Bodies.Video one(@PathParam("id") String id, @Context UriInfo uri, @Context Request jetty)
      throws ApiProblem {
    return shown(owned(id, jetty), uri);
  }

  /** A rendition's bytes (whole, or one byte range). */
  @GET
  @Path("{id}/renditions/{name}")
  @Produces("video/mp4")
  @Operation(
      summary = "A rendition's bytes, whole or one byte range",
      responses = {
        @ApiResponse(responseCode = "200", description = "The whole file", content = @Content(mediaType = "video/mp4", schema = @Schema(type = "string", format = "binary"))),
        @ApiResponse(responseCode = "206", description = "One range", content = @Content(mediaType = "video/mp4", schema = @Schema(type = "string", format = "binary"))),
        @ApiResponse(responseCode = "416", description = "Range not satisfiable")
      })
  public Response rendition(
      @PathParam("id") String id,
      @PathParam("name") String name,
      @jakarta.ws.rs.HeaderParam("Range") String range,
      @Context Request jetty)
      throws ApiProblem, IOException {
    VideoRow video = owned(id, jetty);
    Map<String, Object> version =
        video.transcodedVersions().stream()
            .filter(v -> name.equals(v.get("format")))
            .findFirst()
            .orElseThrow(() -> new ApiProblem(404, "Rendition not found", "No rendition " + name, List.of(), Map.of()));
    StorageProvider provider =
        providers.named(String.valueOf(version.get("provider")))
            .orElseThrow(() -> new ApiProblem(503, "Storage unavailable", "unknown provider", List.of(), Map.of()));
    String key = String.valueOf(version.get("storageKey"));
    StoredObject stored =
        provider.stat(key).orElseThrow(() -> new ApiProblem(404, "Rendition not found", "Its file is gone", List.of(), Map.of()));
    long[] span = span(range, stored.size());
    if (span == null) {
      return Response.status(416).header("Content-Range", "bytes */" + stored.size()).build();
    }
    int status = isSingleRange(range) ? 206 : 200;
    long from = span[0];
    long count = span[1];
    StreamingOutput body =
        out -> {
          try (InputStream in = provider.openRange(key, from, count)) {
            in.transferTo(out);
          }
        };
    Response.ResponseBuilder response =
        Response.status(status)
            .entity(body)
            .type("video/mp4")
            .header("Content-Length", count)
            .header("Accept-Ranges", "bytes")
            .header("Content-Disposition", "inline")
            .header("Cache-Control", finalUrls.arePublic() ? "public, max-age=86400" : "private, max-age=0, must-revalidate");
    if (status == 206) {
      response.header("Content-Range", "bytes " + from + "-" + (from + count - 1) + "/" + stored.size());
    }
    return response.build();
  }

  private static boolean isSingleRange(String range) {
    return range != null && range.startsWith("bytes=") && !range.contains(",");
  }

  /** {start, length} of a single {@code bytes=} range (the whole file without one), or null: 416. */
  private static long[] span(String range, long size) {
    if (!isSingleRange(range)) {
      return new long[] {0, size};
    }
    String[] bounds = range.substring(6).split("-", -1);
    long start;
    long length;
    try {
      if (!bounds[0].isEmpty()) {
        start = Long.parseLong(bounds[0]);
        long end = bounds[1].isEmpty() ? size - 1 : Math.min(Long.parseLong(bounds[1]), size - 1);
        length = end - start + 1;
      } else {
        length = Math.min(Long.parseLong(bounds[1]), size);
        start = size - length;
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return start < 0 || length <= 0 || start >= size ? null : new long[] {start, length};
  }

  private VideoRow owned(String id, Request jetty) throws ApiProblem {
    Optional<VideoRow> video = videos.find(id);
    if (video.isEmpty() || !Objects.equals(video.get().userId(), AuthHandler.userOf(jetty))) {
      throw new ApiProblem(404, "Video not found", "No video " + id, List.of(), Map.of());
    }
    return video.get();
  }

  private Bodies.Video shown(VideoRow row, UriInfo uri) {
    List<Bodies.TranscodedVersion> versions =
        VideoPipeline.publicVersions(row).stream()
            .map(v -> Bodies.TranscodedVersion.of(v, finalUrls.of(uri, String.valueOf(v.get("url")), row.storageId())))
            .toList();
    return new Bodies.Video(
        row.storageId(),
        row.title(),
        row.description(),
        row.durationSeconds(),
        row.width(),
        row.height(),
        row.fileSize(),
        row.format(),
        row.codec(),
        row.bitrate(),
        row.framerate(),
        versions,
        row.createdAt().toString(),
        row.updatedAt().toString(),
        finalUrls.of(uri, "/files/" + row.storageId(), row.storageId()));
  }
}
