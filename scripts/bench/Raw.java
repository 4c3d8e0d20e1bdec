import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on one keep-alive socket, for what java.net.http cannot do: drip a
 * body slowly, stream a 1 GiB body from one small buffer with an exact Content-Length, and hold
 * a thousand connections with one virtual thread each.
 */
final class Raw implements AutoCloseable {
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Writes a request body; may sleep between writes. */
  interface Body {
    void writeTo(OutputStream out) throws IOException, InterruptedException;
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String host;

  Raw(URI base) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
    socket.setSoTimeout(120_000);
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    out = socket.getOutputStream();
    host = base.getHost() + ":" + base.getPort();
  }

  Response send(String method, String path, Map<String, String> headers, long length, Body body)
      throws IOException, InterruptedException {
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (length >= 0) {
      head.append("Content-Length: ").append(length).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      body.writeTo(out);
    }
    out.flush();
    return read(method.equals("HEAD"));
  }

  private Response read(boolean head) throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l; (l = line()) != null && !l.isEmpty(); ) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    String body = "";
    if (!head && code != 204 && code != 304) {
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        StringBuilder text = new StringBuilder();
        for (int n; (n = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
          text.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
          line();
        }
        line();
        body = text.toString();
      } else {
        int n = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        body = new String(in.readNBytes(n), StandardCharsets.UTF_8);
      }
    }
    return new Response(code, headers, body);
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0; ) {
      if (c == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      line.append((char) c);
    }
    return line.isEmpty() ? null : line.toString();
  }

  /** A body of {@code length} bytes from {@code buffer} repeated, optionally at {@code bytesPerSecond}. */
  static Body repeating(byte[] buffer, long length, long bytesPerSecond) {
    return out -> {
      long sent = 0;
      long start = System.nanoTime();
      while (sent < length) {
        int n = (int) Math.min(buffer.length, length - sent);
        out.write(buffer, 0, n);
        sent += n;
        if (bytesPerSecond > 0) {
          out.flush();
          long due = start + (long) (sent * 1e9 / bytesPerSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
      }
    };
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
