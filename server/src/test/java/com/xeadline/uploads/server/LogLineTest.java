package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The log lines as the server writes them (JsonLogging): one flat JSON object per event. */
class LogLineTest {
  @Test
  void writesOneFlatEscapedJsonObjectPerEvent() throws Exception {
    LoggerContext context = new LoggerContext();
    LoggingEvent event = new LoggingEvent("test", context.getLogger("http"), Level.INFO, "upload.created", null, null);
    event.setMDCPropertyMap(Map.of("request_id", "r-1"));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("file", "a \"b\"\nc"));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("bytes", 42L));
    event.setTimeStamp(0);

    assertThat(line(context, event))
        .isEqualTo(
            "{\"time\":\"1970-01-01T00:00:00.000Z\",\"level\":\"INFO\",\"logger\":\"http\","
                + "\"event\":\"upload.created\",\"request_id\":\"r-1\",\"file\":\"a \\\"b\\\"\\nc\",\"bytes\":42}\n");
  }

  @Test
  void carriesTheNodeAndWritesNumbersBooleansNullsAndControlCharactersAsJsonDoes() throws Exception {
    LoggerContext context = new LoggerContext();
    context.putProperty("node", "n1");
    LoggingEvent event = new LoggingEvent("test", context.getLogger("jobs"), Level.WARN, "job.done", null, null);
    event.setMDCPropertyMap(Map.of());
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("ok", true));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("ratio", 0.5));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("nan", Double.NaN));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("none", null));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("raw", "\u0001\\/é"));
    event.setTimeStamp(86_400_123);

    assertThat(line(context, event))
        .isEqualTo(
            "{\"time\":\"1970-01-02T00:00:00.123Z\",\"level\":\"WARN\",\"logger\":\"jobs\",\"node\":\"n1\","
                + "\"event\":\"job.done\",\"ok\":true,\"ratio\":0.5,\"nan\":\"NaN\",\"none\":null,"
                + "\"raw\":\"\\u0001\\\\/é\"}\n");
  }

  @Test
  void anOperatorsOwnConfigurationFileIsLeftAlone() {
    LoggerContext context = new LoggerContext();
    System.setProperty(JsonLogging.OWN_FILE_PROPERTY, "/etc/uploads/logback.xml");
    try {
      JsonLogging.install(context);
      assertThat(context.getLogger("ROOT").getAppender("ASYNC")).isNull();
    } finally {
      System.clearProperty(JsonLogging.OWN_FILE_PROPERTY);
      context.stop();
    }
  }

  @Test
  void anErrorComesWithItsClassMessageAndStack() throws Exception {
    LoggerContext context = new LoggerContext();
    LoggingEvent event =
        new LoggingEvent("test", context.getLogger("api"), Level.ERROR, "api.unhandled_error", new IllegalStateException("boom"), null);
    event.setMDCPropertyMap(Map.of());
    event.setTimeStamp(1_500);

    String line = line(context, event);
    assertThat(line)
        .startsWith("{\"time\":\"1970-01-01T00:00:01.500Z\",\"level\":\"ERROR\",\"logger\":\"api\",\"event\":\"api.unhandled_error\","
            + "\"error\":\"java.lang.IllegalStateException: boom\",\"stack\":\"java.lang.IllegalStateException: boom\\n\\tat ")
        .endsWith("\"}\n");
  }

  @Test
  void linesAreEncodedByOneThreadAndNeverDropped() throws Exception {
    LoggerContext context = new LoggerContext();
    JsonLogging.install(context);
    try {
      // Encoded on each request's virtual thread, every thread kept its own JSON generator and
      // buffers (logstash-logback-encoder holds one per thread): ~60 MiB under 1,000 uploads.
      AsyncAppender async = async(context);
      assertThat(async.getDiscardingThreshold()).isZero();
      assertThat(async.isNeverBlock()).isFalse();
      assertThat(async.getAppender("STDOUT")).isInstanceOf(OutputStreamAppender.class);
    } finally {
      context.stop();
    }
  }

  private static AsyncAppender async(LoggerContext context) {
    return (AsyncAppender) context.getLogger("ROOT").getAppender("ASYNC");
  }

  private static String line(LoggerContext context, ILoggingEvent event) throws Exception {
    JsonLogging.install(context);
    @SuppressWarnings("unchecked")
    Encoder<ILoggingEvent> encoder =
        ((OutputStreamAppender<ILoggingEvent>) async(context).getAppender("STDOUT")).getEncoder();
    try {
      return new String(encoder.encode(event), StandardCharsets.UTF_8);
    } finally {
      context.stop();
    }
  }
}
