package com.xeadline.uploads.server;

import com.xeadline.uploads.tus.rows.UploadRow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A direct-upload URL also takes the whole file in one {@code PUT} with its {@code Content-Type}
 * (as Vercel Blob's URLs did for the old client). The PUT is handed to tus as the PATCH it
 * amounts to: offset 0, the length declared by Content-Length, so the same code stores, checks
 * and completes it, and the upload completes when the body ends.
 */
final class WholeBodyPut extends HttpServletRequestWrapper {
  private final Map<String, String> replaced = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  private WholeBodyPut(HttpServletRequest request, UploadRow row) {
    super(request);
    replaced.put("Tus-Resumable", "1.0.0");
    replaced.put("Upload-Offset", "0");
    replaced.put("Content-Type", "application/offset+octet-stream");
    if (row.length() == null) {
      replaced.put("Upload-Length", Long.toString(request.getContentLengthLong()));
    }
  }

  /** Why the PUT cannot be taken (status and text), or null when it can. */
  static String[] refusal(HttpServletRequest request, UploadRow row) {
    if (request.getContentLengthLong() < 0) {
      return new String[] {"411", "A PUT needs Content-Length: the whole file in one body"};
    }
    if (row.isFinished() || row.offset() > 0) {
      return new String[] {"409", "This upload already has bytes; continue it with tus PATCH"};
    }
    if (row.length() != null && row.length() != request.getContentLengthLong()) {
      return new String[] {"409", "The upload is " + row.length() + " bytes; the body is " + request.getContentLengthLong()};
    }
    String type = request.getContentType();
    if (type != null && row.contentType() != null && !bare(type).equals(bare(row.contentType()))) {
      return new String[] {"415", "The body is " + bare(type) + "; the upload was declared as " + row.contentType()};
    }
    return null;
  }

  static HttpServletRequest asPatch(HttpServletRequest request, UploadRow row) {
    return new WholeBodyPut(request, row);
  }

  private static String bare(String type) {
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public String getMethod() {
    return "PATCH";
  }

  @Override
  public String getContentType() {
    return replaced.get("Content-Type");
  }

  @Override
  public String getHeader(String name) {
    if (name.equalsIgnoreCase("X-HTTP-Method-Override")) {
      return null;
    }
    return replaced.containsKey(name) ? replaced.get(name) : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    String value = getHeader(name);
    return value == null ? Collections.emptyEnumeration() : Collections.enumeration(Set.of(value));
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    Set<String> names = new LinkedHashSet<>(Collections.list(super.getHeaderNames()));
    names.addAll(replaced.keySet());
    return Collections.enumeration(names);
  }
}
