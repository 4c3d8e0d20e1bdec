package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {
  @Test
  void writesOneFlatEscapedJsonObjectPerEvent() {
    LoggerContext context = new LoggerContext();
    LoggingEvent event =
        new LoggingEvent("test", context.getLogger("http"), Level.INFO, "upload.created", null, null);
    event.setMDCPropertyMap(Map.of("request_id", "r-1"));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("file", "a \"b\"\nc"));
    event.setTimeStamp(0);

    String line = new String(new JsonLineEncoder().encode(event), StandardCharsets.UTF_8);

    assertThat(line)
        .isEqualTo(
            "{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"INFO\",\"logger\":\"http\","
                + "\"event\":\"upload.created\",\"request_id\":\"r-1\",\"file\":\"a \\\"b\\\"\\nc\"}\n");
  }
}
