package com.xeadline.uploads.tus.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UploadRulesTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "clip.mp4|clip.mp4",
        "../../etc/passwd.mp4|passwd.mp4",
        "..\\\\..\\\\windows\\\\system.ini|system.ini",
        "a..b.mp4|a.b.mp4",
        "  spaced.mp4  |spaced.mp4",
        "ok\u0000name\u0007.mp4|okname.mp4",
        "/|''"
      })
  void namesLoseTheirPathsControlsAndDotDots(String given, String expected) {
    assertThat(UploadRules.sanitizeFileName(given)).isEqualTo(expected.equals("''") ? "" : expected);
  }

  @Test
  void checksEveryRuleAtOnce() {
    UploadRules rules = new UploadRules(100, List.of("video/mp4"));
    assertThat(rules.check("a.mp4", 100L, "VIDEO/MP4")).isEmpty();
    assertThat(rules.check("../", 101L, "text/html").stream().map(UploadRules.Violation::field))
        .containsExactly("fileName", "fileSize", "contentType");
    assertThat(rules.check("x".repeat(256), 0L, null).stream().map(UploadRules.Violation::field))
        .containsExactly("fileName", "fileSize", "contentType");
  }
}
