package com.xeadline.uploads.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One flat JSON object per log event: time, level, logger, event (the message), then MDC fields
 * (request id) and the event's key/value pairs (upload id, user id, ...), then any error. Flat keys
 * keep the lines easy to grep and to load into a log store.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
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
    StringBuilder json = new StringBuilder(256);
    json.append('{');
    field(json, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    field(json, "level", event.getLevel().toString());
    field(json, "logger", event.getLoggerName());
    String node = event.getLoggerContextVO() == null ? null : event.getLoggerContextVO().getPropertyMap().get("node");
    if (node != null) {
      field(json, "node", node);
    }
    field(json, "event", event.getFormattedMessage());
    for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
      field(json, entry.getKey(), entry.getValue());
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        field(json, pair.key, pair.value == null ? null : String.valueOf(pair.value));
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      field(json, "error", error.getClassName() + ": " + error.getMessage());
      field(json, "stack", ThrowableProxyUtil.asString(error));
    }
    json.setLength(json.length() - 1);
    json.append("}\n");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void field(StringBuilder json, String key, String value) {
    quote(json, key);
    json.append(':');
    if (value == null) {
      json.append("null");
    } else {
      quote(json, value);
    }
    json.append(',');
  }

  private static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
