package com.xeadline.uploads.server;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/** A multipart/form-data body for tests, streamed so large chunks need no memory. */
final class Multipart {
  static final String BOUNDARY = "----xeadline-test-boundary-7d93";
  private final List<Supplier<InputStream>> pieces = new ArrayList<>();

  Multipart field(String name, String value) {
    text("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    return this;
  }

  Multipart file(String name, Supplier<InputStream> content) {
    text("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"blob\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n");
    pieces.add(content);
    text("\r\n");
    return this;
  }

  Multipart file(String name, byte[] content) {
    return file(name, () -> new ByteArrayInputStream(content));
  }

  private void text(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    pieces.add(() -> new ByteArrayInputStream(bytes));
  }

  HttpRequest.BodyPublisher publisher() {
    List<Supplier<InputStream>> all = new ArrayList<>(pieces);
    byte[] end = ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    all.add(() -> new ByteArrayInputStream(end));
    return HttpRequest.BodyPublishers.ofInputStream(
        () -> new SequenceInputStream(Collections.enumeration(all.stream().map(Supplier::get).toList())));
  }

  static String contentType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }
}
