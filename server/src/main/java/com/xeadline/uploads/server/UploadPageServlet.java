package com.xeadline.uploads.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the upload page built into the binary (classpath {@code web/}): a handful of small files,
 * held in memory with a content hash as ETag. The page's own files only; nothing from a CDN.
 */
final class UploadPageServlet extends HttpServlet {
  private static final List<String> FILES =
      List.of("index.html", "app.js", "app.css", "app.js.LEGAL.txt", "app.css.LEGAL.txt");
  // Uppy sets inline styles and shows thumbnails from blob: URLs; everything else comes from here.
  private static final String PAGE_POLICY =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
          + "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private record Asset(byte[] bytes, String contentType, String etag) {}

  private final Map<String, Asset> assets;

  UploadPageServlet() throws IOException {
    this.assets = load();
  }

  /** True when npm built the real page into this binary (not the page saying how to enable it). */
  boolean hasUploader() {
    return assets.containsKey("/app.js");
  }

  private static Map<String, Asset> load() throws IOException {
    Map<String, Asset> found = new LinkedHashMap<>();
    ClassLoader loader = UploadPageServlet.class.getClassLoader();
    for (String name : FILES) {
      try (InputStream in = loader.getResourceAsStream("web/" + name)) {
        if (in != null) {
          byte[] bytes = in.readAllBytes();
          found.put("/" + name, new Asset(bytes, contentType(name), "\"" + sha256(bytes) + "\""));
        }
      }
    }
    return found;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    serve(request, response, true);
  }

  @Override
  protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
    serve(request, response, false);
  }

  private void serve(HttpServletRequest request, HttpServletResponse response, boolean body) throws IOException {
    String path = request.getRequestURI();
    Asset asset = assets.get(path.equals("/") ? "/index.html" : path);
    if (asset == null) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    response.setHeader("ETag", asset.etag());
    // The page changes with each build of the binary: revalidate, which the ETag makes cheap.
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("X-Content-Type-Options", "nosniff");
    if (asset.contentType().startsWith("text/html")) {
      response.setHeader("Content-Security-Policy", PAGE_POLICY);
      response.setHeader("Referrer-Policy", "no-referrer");
    }
    if (asset.etag().equals(request.getHeader("If-None-Match"))) {
      response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return;
    }
    response.setContentType(asset.contentType());
    response.setContentLength(asset.bytes().length);
    if (body) {
      response.getOutputStream().write(asset.bytes());
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
