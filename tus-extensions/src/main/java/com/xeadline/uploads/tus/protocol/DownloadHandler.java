package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.upload.FileConcatenation;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.rows.UploadRow;
import jakarta.servlet.http.HttpServletResponse;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.exception.UploadNotFoundException;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.util.AbstractRequestHandler;
import me.desair.tus.server.util.TusServletRequest;
import me.desair.tus.server.util.TusServletResponse;

/**
 * GET of a finished upload: its declared media type (when well-formed), always as an attachment
 * (so an uploaded page never renders on our origin), with ETag, Last-Modified and single-range
 * requests (206 / 416, If-Range honoured).
 */
final class DownloadHandler extends AbstractRequestHandler {
  private static final Pattern MEDIA_TYPE = Pattern.compile("[\\w.+-]{1,64}/[\\w.+-]{1,128}");
  private static final Pattern UNSAFE_NAME = Pattern.compile("[\\p{Cntrl}\"\\\\/]");

  private final boolean publicFinals;
  private final UploadService storage;
  private final FileConcatenation concatenation;
  private final StorageProviders providers;

  DownloadHandler(UploadService storage, FileConcatenation concatenation, StorageProviders providers, boolean publicFinals) {
    this.publicFinals = publicFinals;
    this.storage = storage;
    this.concatenation = concatenation;
    this.providers = providers;
  }

  @Override
  public boolean supports(HttpMethod method) {
    return HttpMethod.GET.equals(method);
  }

  @Override
  public void process(
      HttpMethod method,
      TusServletRequest request,
      TusServletResponse response,
      UploadStorageService uploadStorageService,
      String ownerKey)
      throws IOException, TusException {
    UploadRow row = PatchTarget.row(storage, request, ownerKey);
    if (row == null) {
      throw new UploadNotFoundException("The upload " + request.getRequestURI() + " was not found");
    }
    row = concatenation.tryComplete(row);
    if (!row.isFinished()) {
      throw TusError.NOT_FINISHED.exception(row.offset());
    }
    long length = row.length();
    String etag = "\"" + row.id() + "\"";
    describe(response, row, etag);
    if (etag.equals(request.getHeader("If-None-Match"))) {
      response.setHeader("Content-Length", null);
      response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return;
    }
    String ifRange = request.getHeader("If-Range");
    String range = ifRange == null || ifRange.equals(etag) ? request.getHeader("Range") : null;
    ByteRange.Request wanted = ByteRange.parse(range, length);
    long first = 0;
    long count = length;
    switch (wanted) {
      case ByteRange.Unsatisfiable u -> {
        response.setHeader("Content-Range", "bytes */" + length);
        throw TusError.RANGE_NOT_SATISFIABLE.exception(length);
      }
      case ByteRange.Partial p -> {
        first = p.range().first();
        count = p.range().length();
        response.setStatus(206);
        response.setHeader(
            "Content-Range", "bytes " + first + "-" + p.range().last() + "/" + length);
      }
      case ByteRange.Whole w -> response.setStatus(HttpServletResponse.SC_OK);
    }
    response.setHeader("Content-Length", Long.toString(count));
    send(response, row, first, count);
  }

  /** The headers every answer about a finished upload carries. */
  private void describe(TusServletResponse response, UploadRow row, String etag) {
    response.setHeader("ETag", etag);
    response.setHeader("Accept-Ranges", "bytes");
    // Public finals are what the old service's public blobs were: cacheable by browsers and CDNs
    // (an id's bytes never change). Private ones are revalidated on every use.
    response.setHeader("Cache-Control", publicFinals ? "public, max-age=86400" : "private, max-age=0, must-revalidate");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Type", mediaType(row.contentType()));
    response.setHeader("Content-Disposition", contentDisposition(row));
    if (row.completedAt() != null) {
      response.setHeader(
          "Last-Modified",
          DateTimeFormatter.RFC_1123_DATE_TIME.format(row.completedAt().atOffset(ZoneOffset.UTC)));
    }
  }

  /** {@code count} bytes from {@code first}, from the provider that holds the final or from the local file. */
  private void send(TusServletResponse response, UploadRow row, long first, long count) throws IOException, TusException {
    if (row.storageProvider() != null) {
      StorageProvider provider =
          providers
              .named(row.storageProvider())
              .orElseThrow(() -> TusError.STORAGE_NOT_CONFIGURED.exception());
      try (InputStream in = provider.openRange(row.storageKey(), first, count)) {
        in.transferTo(response.getOutputStream());
      }
      return;
    }
    if (storage.bytes().inBucket()) {
      try (InputStream in = storage.bytes().open(row.id(), first, count)) {
        in.transferTo(response.getOutputStream());
      }
      return;
    }
    try (FileChannel file = storage.files().openForRead(row.id())) {
      WritableByteChannel out = Channels.newChannel(response.getOutputStream());
      long sent = 0;
      while (sent < count) {
        sent += file.transferTo(first + sent, count - sent, out);
      }
    }
  }

  private static String mediaType(String declared) {
    return declared != null && MEDIA_TYPE.matcher(declared.trim()).matches()
        ? declared.trim()
        : "application/octet-stream";
  }

  /** Videos play in place ({@code <video src>}); anything else is a download, never rendered here. */
  private static String contentDisposition(UploadRow row) {
    String name = row.fileName() == null || row.fileName().isBlank() ? row.id() : row.fileName();
    String safe = UNSAFE_NAME.matcher(name).replaceAll("_");
    String ascii = safe.replaceAll("[^\\x20-\\x7e]", "_");
    String encoded = URLEncoder.encode(safe, StandardCharsets.UTF_8).replace("+", "%20");
    String kind = mediaType(row.contentType()).startsWith("video/") ? "inline" : "attachment";
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
