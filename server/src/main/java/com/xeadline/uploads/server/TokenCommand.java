package com.xeadline.uploads.server;

import com.xeadline.uploads.config.ConfigException;
import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.ConfigValues;
import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.server.auth.TokenMinter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code token --user ID [--ttl 1h] [server options]}: prints an HS256 token the server with the
 * same options accepts (its secret is the configured one, or the one in the data directory).
 */
final class TokenCommand {
  private TokenCommand() {}

  static int run(List<String> arguments, Map<String, String> env) throws Exception {
    String user = null;
    Duration ttl = Duration.ofHours(1);
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < arguments.size(); i++) {
      String a = arguments.get(i);
      if ((a.equals("--user") || a.equals("--ttl")) && i + 1 < arguments.size()) {
        String value = arguments.get(++i);
        if (a.equals("--user")) {
          user = value;
        } else {
          ttl = ConfigValues.parseDuration(value);
        }
      } else if (a.startsWith("--user=")) {
        user = a.substring("--user=".length());
      } else if (a.startsWith("--ttl=")) {
        ttl = ConfigValues.parseDuration(a.substring("--ttl=".length()));
      } else {
        rest.add(a);
      }
    }
    if (user == null || user.isBlank()) {
      System.err.println("Usage: java -jar xeadline-uploads.jar token --user ID [--ttl 1h] [server options]");
      return 2;
    }
    UploadsConfig config;
    try {
      config = new ConfigLoader(env).load(rest);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    if (config.auth().jwksFile() != null) {
      System.err.println("With auth.jwks-file set, tokens come from the identity provider that holds the private key.");
      return 2;
    }
    java.nio.file.Files.createDirectories(config.storage().dataDir());
    TokenMinter minter =
        new TokenMinter(UploadsApp.hmacSecret(config), config.auth().issuer(), config.auth().audience(), Clock.systemUTC());
    System.out.println(minter.mint(user, ttl));
    return 0;
  }
}
