package com.xeadline.uploads.server;

import com.xeadline.uploads.server.http.JsonText;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One flat JSON object per event, on one line: {@code time} (UTC, milliseconds), {@code level},
 * {@code logger}, the context's properties ({@code node}), {@code event} (the message), the MDC
 * ({@code request_id}), the event's key/value pairs (numbers and booleans as JSON's own), then for
 * a failure {@code error} ("class: message") and {@code stack}. Written by hand: a JSON library's
 * set-up (an ObjectMapper) cost a tenth of a second on the way to the bound port, and the lines
 * are always this one shape.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(256);
    line.append('{');
    field(line, "time", TIME.format(Instant.ofEpochMilli(event.getTimeStamp())));
    field(line, "level", event.getLevel().toString());
    field(line, "logger", event.getLoggerName());
    if (event.getLoggerContextVO() != null) {
      event.getLoggerContextVO().getPropertyMap().forEach((key, value) -> field(line, key, value));
    }
    field(line, "event", event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach((key, value) -> field(line, key, value));
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        field(line, pair.key, pair.value);
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      field(line, "error", error.getClassName() + ": " + error.getMessage());
      field(line, "stack", ThrowableProxyUtil.asString(error));
    }
    line.append("}\n");
    return line.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void field(StringBuilder line, String key, Object value) {
    if (line.length() > 1) {
      line.append(',');
    }
    JsonText.appendQuoted(line, key);
    line.append(':');
    if (value == null) {
      line.append("null");
    } else if (value instanceof Boolean || isFinite(value)) {
      line.append(value);
    } else {
      JsonText.appendQuoted(line, value.toString());
    }
  }

  /** Numbers as JSON numbers, except NaN and the infinities, which JSON cannot carry (written as strings). */
  private static boolean isFinite(Object value) {
    if (value instanceof Double d) {
      return Double.isFinite(d);
    }
    if (value instanceof Float f) {
      return Float.isFinite(f);
    }
    return value instanceof Number;
  }
}
