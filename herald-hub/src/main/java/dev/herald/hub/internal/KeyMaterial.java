package dev.herald.hub.internal;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import dev.herald.hub.JwtKey;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Holds what a {@link JwtKey} verifies with: the JWS algorithms it accepts and the Nimbus selector
 * that finds candidate keys for a token's header.
 *
 * <p>{@code JwtKey} keeps this out of its public API; it hands internal code a way to read it once,
 * from its static initializer, through {@link #installAccess} (the JDK's {@code SharedSecrets}
 * pattern). Immutable and thread-safe.
 *
 * @param algorithms the accepted algorithms; a token with any other {@code alg} is refused
 * @param keySelector selects the verification keys for a token's header
 */
public record KeyMaterial(
    Set<JWSAlgorithm> algorithms, JWSKeySelector<SecurityContext> keySelector) {
  private static final AtomicReference<Function<JwtKey, KeyMaterial>> ACCESS =
      new AtomicReference<>();

  /** Creates key material, copying the algorithms. */
  public KeyMaterial {
    algorithms = Set.copyOf(algorithms);
    Objects.requireNonNull(keySelector, "keySelector");
  }

  /**
   * Installs the function that reads a key's material; called once, by {@code JwtKey}.
   *
   * @throws IllegalStateException if it was installed already
   */
  public static void installAccess(Function<JwtKey, KeyMaterial> access) {
    Objects.requireNonNull(access, "access");
    if (!ACCESS.compareAndSet(null, access)) {
      throw new IllegalStateException("JwtKey access is already installed");
    }
  }

  /** Returns the material behind a key. */
  public static KeyMaterial of(JwtKey key) {
    Objects.requireNonNull(key, "key");
    // Holding an instance means JwtKey's static initializer has run, so access is installed.
    return Objects.requireNonNull(ACCESS.get(), "access").apply(key);
  }
}
