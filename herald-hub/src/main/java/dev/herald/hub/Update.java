package dev.herald.hub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One update published to the hub: its topics (the first is canonical, the rest alternates), its
 * data, and optionally an id, an event type, a reconnection time, and whether it is private.
 *
 * <p>Immutable and thread-safe. An update without an id gets one from the hub when it is published:
 * {@code urn:uuid:} followed by a time-ordered UUID (version 7).
 */
public final class Update {
  private final List<String> topics;
  private final String data;
  private final boolean isPrivate;
  private final @Nullable String id;
  private final @Nullable String type;
  private final @Nullable Duration retry;

  private Update(Builder b) {
    this.topics = List.copyOf(b.topics);
    this.data = b.data;
    this.isPrivate = b.isPrivate;
    this.id = b.id;
    this.type = b.type;
    this.retry = b.retry;
  }

  /**
   * Returns a builder for an update to the given topics; the first is the canonical one.
   *
   * @throws IllegalArgumentException if no topic is given
   */
  public static Builder builder(List<String> topics) {
    return new Builder(topics);
  }

  /** Returns a builder for an update to one topic. */
  public static Builder builder(String topic) {
    return new Builder(List.of(topic));
  }

  /** Returns a builder holding this update's fields. */
  public Builder toBuilder() {
    Builder b = new Builder(topics);
    b.data = data;
    b.isPrivate = isPrivate;
    b.id = id;
    b.type = type;
    b.retry = retry;
    return b;
  }

  /** Returns the topics: the canonical one first, then the alternates. */
  public List<String> topics() {
    return topics;
  }

  /** Returns the canonical topic. */
  public String topic() {
    return topics.get(0);
  }

  /** Returns the data; empty when the publisher sent none. */
  public String data() {
    return data;
  }

  /** Returns whether only subscribers authorized for one of its topics may receive it. */
  public boolean isPrivate() {
    return isPrivate;
  }

  /** Returns the id, or null before the hub assigns one. */
  public @Nullable String id() {
    return id;
  }

  /** Returns the event type, or null for the default type. */
  public @Nullable String type() {
    return type;
  }

  /** Returns the reconnection time sent with the update, or null for none. */
  public @Nullable Duration retry() {
    return retry;
  }

  /** Returns a copy with the given id. */
  public Update withId(String id) {
    return toBuilder().id(id).build();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Update)) {
      return false;
    }
    Update u = (Update) o;
    return isPrivate == u.isPrivate
        && topics.equals(u.topics)
        && data.equals(u.data)
        && Objects.equals(id, u.id)
        && Objects.equals(type, u.type)
        && Objects.equals(retry, u.retry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topics, data, isPrivate, id, type, retry);
  }

  @Override
  public String toString() {
    return "Update{id="
        + id
        + ", topics="
        + topics
        + (isPrivate ? ", private" : "")
        + (type != null ? ", type=" + type : "")
        + ", data="
        + data.length()
        + " chars}";
  }

  /** Builds an {@link Update}. Not thread-safe. */
  public static final class Builder {
    private final List<String> topics;
    private String data = "";
    private boolean isPrivate;
    private @Nullable String id;
    private @Nullable String type;
    private @Nullable Duration retry;

    private Builder(List<String> topics) {
      Objects.requireNonNull(topics, "topics");
      if (topics.isEmpty()) {
        throw new IllegalArgumentException("topics: none (expected: at least one)");
      }
      for (String topic : topics) {
        Objects.requireNonNull(topic, "topic");
      }
      this.topics = List.copyOf(topics);
    }

    /** Sets the data; default empty. */
    public Builder data(String data) {
      this.data = Objects.requireNonNull(data, "data");
      return this;
    }

    /** Makes the update private; default public. */
    public Builder privateUpdate(boolean isPrivate) {
      this.isPrivate = isPrivate;
      return this;
    }

    /**
     * Sets the id, or null to let the hub generate one.
     *
     * @throws IllegalArgumentException if the id is empty, starts with {@code #}, or contains CR,
     *     LF or NUL
     */
    public Builder id(@Nullable String id) {
      if (id != null) {
        if (id.isEmpty() || id.startsWith("#")) {
          throw new IllegalArgumentException(
              "id: " + id + " (expected: not empty and not starting with #)");
        }
        checkLine("id", id);
      }
      this.id = id;
      return this;
    }

    /**
     * Sets the event type, or null (or empty) for the default.
     *
     * @throws IllegalArgumentException if it contains CR, LF or NUL
     */
    public Builder type(@Nullable String type) {
      if (type != null) {
        checkLine("type", type);
      }
      this.type = type == null || type.isEmpty() ? null : type;
      return this;
    }

    /**
     * Sets the reconnection time, or null for none.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder retry(@Nullable Duration retry) {
      if (retry != null && retry.isNegative()) {
        throw new IllegalArgumentException("retry: " + retry + " (expected: >= 0)");
      }
      this.retry = retry;
      return this;
    }

    /** Returns the update. */
    public Update build() {
      return new Update(this);
    }

    private static void checkLine(String name, String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == '\0') {
          throw new IllegalArgumentException(
              name + " contains a line break or NUL (expected: a single line)");
        }
      }
    }
  }
}
