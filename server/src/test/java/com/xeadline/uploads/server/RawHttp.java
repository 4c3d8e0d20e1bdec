package com.xeadline.uploads.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 exchange on a plain socket that reads interim (1xx) responses as well as the final
 * one, which java.net.http cannot. The test decides when each part of the body goes out, so it can
 * wait for a 104 first, stall, or cut the connection mid-body.
 */
final class RawHttp implements AutoCloseable {
  /** One response, interim or final; header names are case-insensitive. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    boolean interim() {
      return status >= 100 && status < 200;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String method;

  /** Sends the request head; {@code headerLines} are "Name: value". */
  RawHttp(URI target, String method, String... headerLines) throws IOException {
    this(target, method, new byte[0], headerLines);
  }

  /** Sends the request head and {@code body} in one write, so the whole request arrives at once. */
  static RawHttp inOneWrite(URI target, String method, byte[] body, String... headerLines) throws IOException {
    return new RawHttp(target, method, body, headerLines);
  }

  private RawHttp(URI target, String method, byte[] firstBody, String... headerLines) throws IOException {
    this.method = method;
    socket = new Socket(target.getHost(), target.getPort());
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream());
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target.getRawPath()).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(target.getHost()).append(':').append(target.getPort()).append("\r\n");
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
    request.writeBytes(firstBody);
    out.write(request.toByteArray());
    out.flush();
  }

  /** The whole exchange at once: head, body, then every response up to the final one. */
  static List<Response> exchange(URI target, String method, byte[] body, String... headerLines) throws IOException {
    List<String> lines = new ArrayList<>(List.of(headerLines));
    if (body != null) {
      lines.add("Content-Length: " + body.length);
    }
    try (RawHttp http = new RawHttp(target, method, lines.toArray(String[]::new))) {
      if (body != null) {
        http.send(body, 0, body.length);
      }
      return http.untilFinal();
    }
  }

  /** The final response of an exchange. */
  static Response last(List<Response> responses) {
    return responses.get(responses.size() - 1);
  }

  void send(byte[] source, int from, int length) throws IOException {
    out.write(source, from, length);
    out.flush();
  }

  /** Reads responses until the final one; the list ends with it. */
  List<Response> untilFinal() throws IOException {
    List<Response> responses = new ArrayList<>();
    Response response;
    do {
      response = next();
      responses.add(response);
    } while (response.interim());
    return responses;
  }

  /** Reads the next response (a final one with its body). */
  Response next() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("The connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.merge(line.substring(0, colon).trim(), line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
    }
    String body = "";
    boolean bodyless = status < 200 || status == 204 || status == 304 || method.equals("HEAD");
    if (!bodyless) {
      body = new String(body(headers), StandardCharsets.UTF_8);
    }
    return new Response(status, headers, body);
  }

  private byte[] body(Map<String, String> headers) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
      for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0; size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
        body.write(in.readNBytes(size));
        line();
      }
      line();
    } else if (headers.containsKey("Content-Length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("Content-Length"))));
    }
    return body.toByteArray();
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
