package dev.herald.app;

import dev.herald.hub.JwtKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code herald token}: mints a JWT for development, signed with the key given, or else the one
 * {@code herald serve} would take from the environment or its configuration file.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Mints an HS256 JWT for publishers and subscribers (for development).")
final class TokenCommand implements Callable<Integer> {
  @Option(
      names = "--jwt-key",
      description = "HS256 key to sign with; by default the one herald serve would use.")
  String key;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file of herald serve, whose jwt-key to sign with.")
  Path config;

  @Option(
      names = "--publish",
      description = "Topic selector the token may publish to (repeatable; * for all).")
  List<String> publish = new ArrayList<>();

  @Option(
      names = "--subscribe",
      description = "Topic selector the token may receive private updates of (repeatable).")
  List<String> subscribe = new ArrayList<>();

  @Option(names = "--subject", description = "The token's subject (sub claim).")
  String subject;

  @Option(
      names = "--expires-in",
      converter = DurationConverter.class,
      description = "Lifetime, e.g. 1h; default: no expiry.")
  Duration expiresIn;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (key == null || key.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "--jwt-key (or HERALD_JWT_KEY, or jwt-key in the --config file) is required");
    }
    try {
      JwtKey.hmac(key); // the hub's own rules for a key: refuse here what it would refuse
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--jwt-key: " + e.getMessage());
    }
    System.out.println(DevTokens.mint(key, publish, subscribe, subject, expiresIn));
    return 0;
  }
}
