package com.xeadline.uploads.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table must list every option with its environment name. */
class ReadmeTableTest {
  @Test
  void readmeDocumentsEveryOption() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (ConfigOption option : ConfigOption.ALL) {
      assertThat(readme).contains("| `" + option.key() + "` | `" + option.env() + "` |");
    }
  }

  @Test
  void readmeListsEveryVariableOfTheOldServiceAndWhatBecomesOfIt() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (ConfigOption option : OldEnvironment.HONOURED) {
      assertThat(readme).contains("| `" + option.env() + "` | read, as `" + option.key() + "` |");
    }
    for (OldEnvironment.Ignored old : OldEnvironment.ignored()) {
      assertThat(readme).contains("| `" + old.variable() + "` | ignored (a warning at start): " + old.replacement() + " |");
    }
  }
}
