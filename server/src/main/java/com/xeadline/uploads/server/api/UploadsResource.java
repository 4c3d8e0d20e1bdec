package com.xeadline.uploads.server.api;

import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.tus.UploadRow;
import com.xeadline.uploads.tus.UploadSessions;
import com.xeadline.uploads.tus.legacy.LegacyApiException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;

/** The caller's finished uploads, newest first, a page at a time (for the upload page and clients). */
@Path("/api/uploads")
@Produces(MediaType.APPLICATION_JSON)
public final class UploadsResource {
  static final int MAX_LIMIT = 100;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final UploadSessions sessions;

  public UploadsResource(UploadSessions sessions) {
    this.sessions = sessions;
  }

  @GET
  public Map<String, Object> list(
      @QueryParam("limit") @DefaultValue("20") int limit,
      @QueryParam("cursor") String cursor,
      @Context UriInfo uri,
      @Context Request jetty)
      throws LegacyApiException {
    KeysetCursor.checkLimit(limit, MAX_LIMIT);
    KeysetCursor after = KeysetCursor.parse(cursor);
    String user = AuthHandler.userOf(jetty);
    List<UploadRow> rows =
        sessions.findCompleted(user, after == null ? null : after.at(), after == null ? null : after.id(), limit + 1);
    return KeysetCursor.page(rows, limit, row -> item(row, uri), row -> new KeysetCursor(row.completedAt(), row.id()));
  }

  private static Map<String, Object> item(UploadRow row, UriInfo uri) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("uploadId", row.id());
    item.put("fileName", row.fileName());
    item.put("fileSize", row.length());
    item.put("contentType", row.contentType());
    item.put("createdAt", row.createdAt().toString());
    item.put("completedAt", row.completedAt().toString());
    item.put("url", row.url() == null ? null : uri.getBaseUri().resolve(row.url()).toString());
    item.put("title", row.metadata().get("title"));
    item.put("description", row.metadata().get("description"));
    item.put("video", video(row.metadata().get("video")));
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
