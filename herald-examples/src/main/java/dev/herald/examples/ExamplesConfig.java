package dev.herald.examples;

import java.time.Duration;
import java.util.Objects;

/**
 * Configures the examples: the key that signs and checks bearer tokens, and the pace of the demo
 * streams (tests shorten it so they run fast).
 *
 * <p>Instances are immutable and thread-safe. Create one with {@link #builder(byte[])}; derive
 * variants with {@link #toBuilder()}.
 */
public final class ExamplesConfig {
  /** The fewest key bytes HS256 accepts: {@value} (256 bits). */
  public static final int MIN_JWT_KEY_BYTES = 32;

  /** The default period of the interval stream and the demo feed: one second. */
  public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

  /** The default time between two progress steps of a task: one second. */
  public static final Duration DEFAULT_TASK_STEP = Duration.ofSeconds(1);

  /** The default time a finished task's progress stays available: five minutes. */
  public static final Duration DEFAULT_TASK_RETENTION = Duration.ofMinutes(5);

  private final byte[] jwtKey;
  private final Duration tick;
  private final Duration taskStep;
  private final Duration taskRetention;

  private ExamplesConfig(Builder builder) {
    this.jwtKey = builder.jwtKey.clone();
    this.tick = builder.tick;
    this.taskStep = builder.taskStep;
    this.taskRetention = builder.taskRetention;
  }

  /**
   * Returns a builder with the given HS256 key and every other option at its default.
   *
   * @throws IllegalArgumentException if the key is shorter than {@value #MIN_JWT_KEY_BYTES} bytes
   */
  public static Builder builder(byte[] jwtKey) {
    return new Builder(jwtKey);
  }

  /** Returns a builder holding this configuration. */
  public Builder toBuilder() {
    return new Builder(jwtKey).tick(tick).taskStep(taskStep).taskRetention(taskRetention);
  }

  /** Returns a copy of the HS256 key that signs and checks bearer tokens. */
  public byte[] jwtKey() {
    return jwtKey.clone();
  }

  /** Returns the period of the interval stream ({@code /sse}) and of the demo feed. */
  public Duration tick() {
    return tick;
  }

  /** Returns the time between two progress steps of a task. */
  public Duration taskStep() {
    return taskStep;
  }

  /** Returns how long a finished task's progress can still be streamed before it is forgotten. */
  public Duration taskRetention() {
    return taskRetention;
  }

  /** Builds an {@link ExamplesConfig}. Not thread-safe. */
  public static final class Builder {
    private final byte[] jwtKey;
    private Duration tick = DEFAULT_TICK;
    private Duration taskStep = DEFAULT_TASK_STEP;
    private Duration taskRetention = DEFAULT_TASK_RETENTION;

    private Builder(byte[] jwtKey) {
      Objects.requireNonNull(jwtKey, "jwtKey");
      if (jwtKey.length < MIN_JWT_KEY_BYTES) {
        throw new IllegalArgumentException(
            "jwtKey: "
                + jwtKey.length
                + " bytes (expected: at least "
                + MIN_JWT_KEY_BYTES
                + " bytes for HS256)");
      }
      this.jwtKey = jwtKey.clone();
    }

    /**
     * Sets the period of the interval stream and of the demo feed; default {@link #DEFAULT_TICK}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder tick(Duration tick) {
      this.tick = positive("tick", tick);
      return this;
    }

    /**
     * Sets the time between two progress steps of a task; default {@link #DEFAULT_TASK_STEP}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder taskStep(Duration taskStep) {
      this.taskStep = positive("taskStep", taskStep);
      return this;
    }

    /**
     * Sets how long a finished task's progress can still be streamed; default {@link
     * #DEFAULT_TASK_RETENTION}; {@link Duration#ZERO} forgets it as soon as it ends.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder taskRetention(Duration taskRetention) {
      Objects.requireNonNull(taskRetention, "taskRetention");
      if (taskRetention.isNegative()) {
        throw new IllegalArgumentException("taskRetention: " + taskRetention + " (expected: >= 0)");
      }
      this.taskRetention = taskRetention;
      return this;
    }

    /** Returns the configuration. */
    public ExamplesConfig build() {
      return new ExamplesConfig(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
