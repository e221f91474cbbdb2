package dev.herald.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks {@code herald token}: in this JVM for the claims, in its own JVM for exit codes. */
class TokenCommandTest {
  @TempDir Path dir;
  private HeraldProcess process;

  @AfterEach
  void stopProcess() {
    if (process != null) {
      process.close();
    }
  }

  private static SignedJWT verified(String token) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
    assertThat(jwt.verify(new MACVerifier(Tokens.KEY))).as("signed with the key").isTrue();
    return jwt;
  }

  @Test
  void claimsHoldTheSelectorsSubjectAndExpiry() throws Exception {
    Instant before = Instant.now();
    String token =
        InProcess.token(
            "--jwt-key",
            Tokens.KEY,
            "--publish",
            "https://example.com/books/{id}",
            "--publish",
            "https://example.com/authors/1",
            "--subscribe",
            "*",
            "--subject",
            "alice",
            "--expires-in",
            "1h");
    Instant after = Instant.now();

    JWTClaimsSet claims = verified(token).getJWTClaimsSet();
    Map<String, Object> mercure = claims.getJSONObjectClaim("mercure");
    assertThat(mercure)
        .containsOnly(
            Map.entry(
                "publish",
                List.of("https://example.com/books/{id}", "https://example.com/authors/1")),
            Map.entry("subscribe", List.of("*")));
    assertThat(claims.getSubject()).isEqualTo("alice");
    Instant expiry = claims.getExpirationTime().toInstant();
    assertThat(expiry)
        .isBetween(
            before.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS),
            after.plus(Duration.ofHours(1)));
  }

  @Test
  void withoutOptionsTheTokenHasNoSubjectNoExpiryAndNoSelectors() throws Exception {
    String token = InProcess.token("--jwt-key", Tokens.KEY);

    JWTClaimsSet claims = verified(token).getJWTClaimsSet();
    assertThat(claims.getSubject()).isNull();
    assertThat(claims.getExpirationTime()).isNull();
    assertThat(claims.getJSONObjectClaim("mercure")).isEmpty();
  }

  @Test
  void expiryAcceptsEveryDurationForm() throws Exception {
    for (Map.Entry<String, Duration> form :
        Map.of(
                "500ms", Duration.ofMillis(500),
                "90s", Duration.ofSeconds(90),
                "2m", Duration.ofMinutes(2),
                "PT3H", Duration.ofHours(3))
            .entrySet()) {
      Instant now = Instant.now();
      String token = InProcess.token("--jwt-key", Tokens.KEY, "--expires-in", form.getKey());
      Instant expiry = verified(token).getJWTClaimsSet().getExpirationTime().toInstant();
      assertThat(expiry)
          .as(form.getKey())
          .isCloseTo(now.plus(form.getValue()), within(5, ChronoUnit.SECONDS));
    }
  }

  @Test
  void printsOnlyTheTokenOnOneLine() {
    InProcess.Result result = InProcess.run("token", "--jwt-key", Tokens.KEY, "--publish", "*");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines())
        .singleElement()
        .asString()
        .matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void readsTheKeyFromTheEnvironment() throws Exception {
    process =
        HeraldProcess.start(Map.of("HERALD_JWT_KEY", Tokens.KEY), "token", "--subscribe", "*");

    assertThat(process.awaitExit()).as("exit code; stderr %s", process.stderr()).isZero();

    assertThat(process.stdout()).hasSize(1);
    JWTClaimsSet claims = verified(process.stdout().get(0)).getJWTClaimsSet();
    assertThat(claims.getJSONObjectClaim("mercure")).containsOnlyKeys("subscribe");
  }

  private Path config(String... lines) throws Exception {
    return Files.write(dir.resolve("herald.conf"), List.of(lines));
  }

  @Test
  void signsWithTheKeyOfTheConfigFileThatServeReads() throws Exception {
    Path file = config("port = 0", "jwt-key = " + Tokens.KEY, "anonymous = true");
    process = HeraldProcess.start(Map.of(), "serve", "--config", file.toString());
    process.awaitListening();

    String token =
        InProcess.run(Map.of(), "token", "--config", file.toString(), "--publish", "*")
            .out()
            .strip();

    verified(token);
    assertThat(process.post(token, "https://example.com/t", "x").statusCode()).isEqualTo(200);
  }

  @Test
  void takesTheKeyFromTheFlagThenTheEnvironmentThenTheFileNamedInHeraldConfig() throws Exception {
    Path file = config("jwt-key = " + Tokens.OTHER_KEY, "history-size = 5");

    String fromFile = InProcess.token(Map.of("HERALD_CONFIG", file.toString()));
    String fromEnv =
        InProcess.token(
            Map.of("HERALD_CONFIG", file.toString(), "HERALD_JWT_KEY", Tokens.KEY),
            "--publish",
            "*");
    String fromFlag =
        InProcess.token(
            Map.of("HERALD_JWT_KEY", Tokens.OTHER_KEY),
            "--config",
            file.toString(),
            "--jwt-key",
            Tokens.KEY);

    assertThat(SignedJWT.parse(fromFile).verify(new MACVerifier(Tokens.OTHER_KEY))).isTrue();
    verified(fromEnv);
    verified(fromFlag);
  }

  @Test
  void takesNothingButTheKeyFromTheEnvironment() throws Exception {
    String token =
        InProcess.token(
            Map.of(
                "HERALD_JWT_KEY", Tokens.KEY,
                "HERALD_SUBJECT", "mallory",
                "HERALD_PUBLISH", "*",
                "HERALD_EXPIRES_IN", "1s"));

    JWTClaimsSet claims = verified(token).getJWTClaimsSet();
    assertThat(claims.getSubject()).isNull();
    assertThat(claims.getExpirationTime()).isNull();
    assertThat(claims.getJSONObjectClaim("mercure")).isEmpty();
  }

  @Test
  void aConfigFileServeWouldRefuseExitsWithTwo() throws Exception {
    Path file = config("jwt-key = " + Tokens.KEY, "prot = 8080");

    InProcess.Result result = InProcess.run(Map.of(), "token", "--config", file.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err().lines())
        .singleElement()
        .asString()
        .startsWith("herald: ")
        .contains("unknown key 'prot'");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void helpNamesTheEnvironmentVariableOfTheKeyOnly() {
    InProcess.Result result = InProcess.run(Map.of(), "token", "--help");

    assertThat(result.out())
        .contains("--config=FILE", "env HERALD_JWT_KEY", "env HERALD_CONFIG")
        .doesNotContain("HERALD_SUBJECT", "HERALD_PUBLISH");
  }

  @Test
  void missingKeyExitsWithTwo() throws Exception {
    process = HeraldProcess.start("token", "--publish", "*");

    assertThat(process.awaitExit()).isEqualTo(2);

    assertThat(process.stderr())
        .singleElement()
        .asString()
        .startsWith("herald: ")
        .contains("--jwt-key");
    assertThat(process.stdout()).isEmpty();
  }

  @Test
  void emptyKeyExitsWithTwo() throws Exception {
    process = HeraldProcess.start("token", "--jwt-key", "");

    assertThat(process.awaitExit()).isEqualTo(2);

    assertThat(process.stderr()).singleElement().asString().startsWith("herald: ");
  }

  @Test
  void invalidExpiryExitsWithTwo() throws Exception {
    process = HeraldProcess.start("token", "--jwt-key", Tokens.KEY, "--expires-in", "5x");

    assertThat(process.awaitExit()).isEqualTo(2);

    assertThat(process.stderr()).singleElement().asString().startsWith("herald: ");
    assertThat(process.stdout()).isEmpty();
  }

  @Test
  void keyTooShortForTheHubExitsWithTwo() throws Exception {
    process = HeraldProcess.start("token", "--jwt-key", "short");

    int code = process.awaitExit();

    assertThat(process.stderr())
        .as("one line, no stack trace")
        .singleElement()
        .asString()
        .startsWith("herald: ");
    assertThat(code).isEqualTo(2);
    assertThat(process.stdout()).isEmpty();
  }
}
