package com.xeadline.uploads.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsGiveAWorkingZeroConfigurationServer() {
    UploadsConfig config = new ConfigLoader(Map.of()).load(List.of());
    assertThat(config.server().port()).isEqualTo(1080);
    assertThat(config.server().trustProxy()).isFalse();
    assertThat(config.tus().maxSize()).isEqualTo(500L * 1024 * 1024);
    assertThat(config.tus().expiration()).isEqualTo(Duration.ofHours(24));
    assertThat(config.storage().dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
    assertThat(config.storage().uploadDir()).isEqualTo(Path.of("data", "uploads").toAbsolutePath());
    assertThat(config.storage().fsync()).isTrue();
    assertThat(config.database().url())
        .isEqualTo("jdbc:h2:file:" + Path.of("data").toAbsolutePath() + "/db/uploads;WRITE_DELAY=0");
    assertThat(config.database().isPostgres()).isFalse();
    assertThat(config.cors().anyOrigin()).isTrue();
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
    Path file = dir.resolve("uploads.properties");
    Files.writeString(file, "server.port=2000\ntus.max-size=1GiB\ntus.expiration=2h\n");
    Map<String, String> env =
        Map.of("UPLOADS_CONFIG", file.toString(), "UPLOADS_PORT", "3000", "UPLOADS_EXPIRATION", "3h");
    UploadsConfig config = new ConfigLoader(env).load(List.of("--tus.expiration=4h"));
    assertThat(config.tus().maxSize()).isEqualTo(1L << 30); // file
    assertThat(config.server().port()).isEqualTo(3000); // environment over file
    assertThat(config.tus().expiration()).isEqualTo(Duration.ofHours(4)); // flag over environment
  }

  @Test
  void seedEnvironmentNamesAreHonoured() {
    Map<String, String> env =
        Map.of(
            "DATABASE_URL", "jdbc:postgresql://db.internal/uploads",
            "UPLOAD_TMP_DIR", dir.resolve("tmp").toString());
    UploadsConfig config = new ConfigLoader(env).load(List.of());
    assertThat(config.database().isPostgres()).isTrue();
    assertThat(config.storage().uploadDir()).isEqualTo(dir.resolve("tmp"));
  }

  @Test
  void aPostgresUrlInTheCommonFormBecomesJdbcWithItsCredentials() {
    UploadsConfig config =
        new ConfigLoader(Map.of("DATABASE_URL", "postgres://app:s%40cret@db.internal:6432/uploads?sslmode=require"))
            .load(List.of("--storage.data-dir=" + dir));
    assertThat(config.database().url()).isEqualTo("jdbc:postgresql://db.internal:6432/uploads?sslmode=require");
    assertThat(config.database().user()).isEqualTo("app");
    assertThat(config.database().password().value()).isEqualTo("s@cret");
    assertThat(config.database().isPostgres()).isTrue();
    assertThat(config.cluster().nodeId()).startsWith("node-");
  }

  @Test
  void aPrismaUrlLosesPrismasOwnParametersAndTheSchemaIsOurs() {
    UploadsConfig config =
        new ConfigLoader(Map.of("DATABASE_URL", "postgresql://app:pw@db.internal/app?schema=public&connection_limit=5&sslmode=require"))
            .load(List.of("--storage.data-dir=" + dir));
    assertThat(config.database().url()).isEqualTo("jdbc:postgresql://db.internal/app?sslmode=require");
    assertThat(config.database().user()).isEqualTo("app");
    assertThat(config.database().schema()).isEqualTo("xeadline_uploads");
    assertThat(new ConfigLoader(Map.of("UPLOADS_DATABASE_SCHEMA", "uploads")).load(List.of()).database().schema()).isEqualTo("uploads");
  }

  @Test
  void flagsMayBeSeparateFromTheirValue() {
    UploadsConfig config = new ConfigLoader(Map.of()).load(List.of("--server.port", "8080"));
    assertThat(config.server().port()).isEqualTo(8080);
  }

  @Test
  void everyProblemIsReportedAtOnceNamingKeyAndValue() {
    Map<String, String> env = Map.of("UPLOADS_PORT", "99999", "DATABASE_PASSWORD", "hunter2");
    assertThatThrownBy(
            () ->
                new ConfigLoader(env)
                    .load(
                        List.of(
                            "--tus.max-size=lots",
                            "--tus.expiration=0s",
                            "--database.url=mysql://x",
                            "--database.pool-size=0",
                            "--cors.allowed-origins=not an origin",
                            "--no.such-option=1")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              List<String> problems = ((ConfigException) e).problems();
              assertThat(problems).hasSize(7);
              assertThat(String.join("\n", problems))
                  .contains("server.port (UPLOADS_PORT) = '99999'")
                  .contains("tus.max-size (UPLOADS_MAX_SIZE) = 'lots'")
                  .contains("tus.expiration (UPLOADS_EXPIRATION) = '0s': must be positive")
                  .contains("database.url = 'mysql://x'")
                  .contains("database.pool-size (DATABASE_POOL_SIZE) = '0'")
                  .contains("'not an origin' is not an origin")
                  .contains("unknown option --no.such-option")
                  .doesNotContain("hunter2");
            });
  }

  @Test
  void aGcsEndpointIsAnHttpHostOrNothing() {
    UploadsConfig config =
        new ConfigLoader(Map.of()).load(List.of("--storage.provider=gcs", "--gcs.bucket=b", "--gcs.endpoint=http://127.0.0.1:4443"));
    assertThat(config.storage().gcs().endpoint()).isEqualTo("http://127.0.0.1:4443");
    assertThat(new ConfigLoader(Map.of()).load(List.of("--storage.provider=gcs", "--gcs.bucket=b")).storage().gcs().endpoint()).isNull();
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(List.of("--storage.provider=gcs", "--gcs.bucket=b", "--gcs.endpoint=127.0.0.1:4443")))
        .hasMessageContaining("gcs.endpoint");
  }

  @Test
  void unfinishedUploadsInGcsNeedTheGcsProvider() {
    assertThat(new ConfigLoader(Map.of()).load(List.of()).storage().gcs()).isNull();
    assertThat(new ConfigLoader(Map.of()).load(List.of("--storage.provider=gcs", "--gcs.bucket=b")).storage().gcs().inProgress()).isFalse();
    UploadsConfig parts =
        new ConfigLoader(Map.of("UPLOADS_IN_PROGRESS", "gcs")).load(List.of("--storage.provider=gcs", "--gcs.bucket=b"));
    assertThat(parts.storage().gcs().inProgress()).isTrue();
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(List.of("--storage.in-progress=gcs")))
        .hasMessageContaining("storage.in-progress (UPLOADS_IN_PROGRESS)")
        .hasMessageContaining("needs storage.provider=gcs");
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(List.of("--storage.in-progress=s3")))
        .hasMessageContaining("storage.in-progress (UPLOADS_IN_PROGRESS) = 's3': must be local or gcs");
  }

  @Test
  void aNonNumberSaysSo() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(List.of("--server.port=abc")))
        .hasMessageContaining("server.port (UPLOADS_PORT) = 'abc': not a whole number");
  }

  @Test
  void anUnreadableOrUnknownFileKeyIsAProblem() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "server.prot=1\n");
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(List.of("--config=" + file)))
        .hasMessageContaining("unknown key 'server.prot'");
    assertThatThrownBy(
            () -> new ConfigLoader(Map.of()).load(List.of("--config=" + dir.resolve("missing"))))
        .hasMessageContaining("cannot be read");
  }

  @Test
  void secretsAreMaskedWhenPrinted() {
    UploadsConfig config =
        new ConfigLoader(Map.of("DATABASE_PASSWORD", "hunter2")).load(List.of());
    assertThat(config.database().password().value()).isEqualTo("hunter2");
    assertThat(config.toString()).doesNotContain("hunter2");
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentNameAndDefault() {
    String help = HelpText.options();
    for (ConfigOption option : ConfigOption.ALL) {
      assertThat(help).contains("--" + option.key()).contains(option.env());
    }
    assertThat(help).contains("500MiB").contains("1080");
  }

  @Test
  void helpListsTheOldServicesVariablesAndTheHonouredOnesAreRead() {
    String help = HelpText.options();
    for (ConfigOption option : OldEnvironment.HONOURED) {
      assertThat(help).containsPattern(option.env() + " +read, as --" + option.key());
    }
    for (OldEnvironment.Ignored old : OldEnvironment.ignored()) {
      assertThat(help).containsPattern(old.variable() + " +ignored");
    }
    UploadsConfig config =
        new ConfigLoader(Map.of("UPLOAD_TMP_DIR", "/srv/tmp-uploads", "DATABASE_URL", "jdbc:h2:mem:old", "NEXTAUTH_SECRET", "s".repeat(32)))
            .load(List.of());
    assertThat(config.storage().uploadDir().toString()).isEqualTo("/srv/tmp-uploads");
    assertThat(config.database().url()).isEqualTo("jdbc:h2:mem:old");
    assertThat(config.auth().nextAuthSecret().value()).isEqualTo("s".repeat(32));
  }
}
