package com.xeadline.uploads.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValuesTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1048576, 1048576",
    "512KiB, 524288",
    "16m, 16777216",
    "500MiB, 524288000",
    "1GiB, 1073741824",
    "2 GB, 2147483648"
  })
  void parsesSizes(String text, long bytes) {
    assertThat(ConfigValues.parseSize(text)).isEqualTo(bytes);
  }

  @Test
  void rejectsBadSizes() {
    assertThatThrownBy(() -> ConfigValues.parseSize("-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigValues.parseSize("1.5GiB")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigValues.parseSize("99999999999TiB")).hasMessageContaining("too large");
  }

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "24h, PT24H", "7d, PT168H", "PT2S, PT2S"})
  void parsesDurations(String text, String iso) {
    assertThat(ConfigValues.parseDuration(text)).isEqualTo(Duration.parse(iso));
  }

  @Test
  void rejectsBadDurationsBooleansAndPorts() {
    assertThatThrownBy(() -> ConfigValues.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigValues.parseBoolean("maybe")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigValues.parsePort("70000")).isInstanceOf(IllegalArgumentException.class);
    assertThat(ConfigValues.parseBoolean("on")).isTrue();
    assertThat(ConfigValues.parseBoolean("false")).isFalse();
  }
}
