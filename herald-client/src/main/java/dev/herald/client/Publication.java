package dev.herald.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An update to publish to a Mercure hub with a {@link HubPublisher}: its topics, data, and the
 * optional id, type, reconnection time and private flag. Immutable and thread-safe.
 *
 * <pre>{@code
 * Publication p = Publication.builder("https://example.com/books/1")
 *     .data("{\"price\":10}")
 *     .privateUpdate(true)
 *     .build();
 * }</pre>
 */
public final class Publication {
  private final List<String> topics;
  private final String data;
  private final boolean privateUpdate;
  private final @Nullable String id;
  private final @Nullable String type;
  private final @Nullable Duration retry;

  private Publication(Builder b) {
    this.topics = List.copyOf(b.topics);
    this.data = b.data;
    this.privateUpdate = b.privateUpdate;
    this.id = b.id;
    this.type = b.type;
    this.retry = b.retry;
  }

  /** Returns a public update of the topic with the given data and no id. */
  public static Publication of(String topic, String data) {
    return builder(topic).data(data).build();
  }

  /**
   * Returns a builder for an update of the given topics: the first is the canonical one, the others
   * alternates.
   *
   * @throws IllegalArgumentException if a topic is empty
   */
  public static Builder builder(String topic, String... moreTopics) {
    Builder b = new Builder();
    b.topic(topic);
    for (String t : moreTopics) {
      b.topic(t);
    }
    return b;
  }

  /** Returns a builder holding this update's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.topics.addAll(topics);
    b.data = data;
    b.privateUpdate = privateUpdate;
    b.id = id;
    b.type = type;
    b.retry = retry;
    return b;
  }

  /** Returns the topics, the canonical one first; never empty. */
  public List<String> topics() {
    return topics;
  }

  /** Returns the data; empty by default. */
  public String data() {
    return data;
  }

  /** Returns whether only subscribers authorized for one of the topics receive it. */
  public boolean privateUpdate() {
    return privateUpdate;
  }

  /**
   * Returns the id, or null to let the publisher make one ({@code urn:uuid:} and a random UUID).
   */
  public @Nullable String id() {
    return id;
  }

  /** Returns the event type, or null for the default {@code message}. */
  public @Nullable String type() {
    return type;
  }

  /** Returns the reconnection time sent to subscribers, or null for none. */
  public @Nullable Duration retry() {
    return retry;
  }

  /** Returns a copy with the given id; see {@link Builder#id(String)}. */
  public Publication withId(@Nullable String id) {
    return toBuilder().id(id).build();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Publication)) {
      return false;
    }
    Publication that = (Publication) o;
    return privateUpdate == that.privateUpdate
        && topics.equals(that.topics)
        && data.equals(that.data)
        && Objects.equals(id, that.id)
        && Objects.equals(type, that.type)
        && Objects.equals(retry, that.retry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topics, data, privateUpdate, id, type, retry);
  }

  @Override
  public String toString() {
    return "Publication{topics="
        + topics
        + (id == null ? "" : ", id=" + id)
        + (type == null ? "" : ", type=" + type)
        + (privateUpdate ? ", private" : "")
        + ", data="
        + data
        + "}";
  }

  /** Builds a {@link Publication}. Not thread-safe. */
  public static final class Builder {
    private final List<String> topics = new ArrayList<>();
    private String data = "";
    private boolean privateUpdate;
    private @Nullable String id;
    private @Nullable String type;
    private @Nullable Duration retry;

    private Builder() {}

    /**
     * Adds a topic.
     *
     * @throws IllegalArgumentException if it is empty
     */
    public Builder topic(String topic) {
      Objects.requireNonNull(topic, "topic");
      if (topic.isEmpty()) {
        throw new IllegalArgumentException("topic: \"\" (expected: not empty)");
      }
      topics.add(topic);
      return this;
    }

    /** Sets the data; default empty. */
    public Builder data(String data) {
      this.data = Objects.requireNonNull(data, "data");
      return this;
    }

    /** Sets whether the update is private; default false. */
    public Builder privateUpdate(boolean privateUpdate) {
      this.privateUpdate = privateUpdate;
      return this;
    }

    /**
     * Sets the id, or null to let the publisher make one. A retry sends the same id, so a hub that
     * knows it already holds the update can recognise the duplicate.
     *
     * @throws IllegalArgumentException if it is empty, starts with {@code #}, or contains CR, LF or
     *     NUL
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
     * Sets the reconnection time sent to subscribers, or null for none.
     *
     * @throws IllegalArgumentException if it is negative
     */
    public Builder retry(@Nullable Duration retry) {
      if (retry != null && retry.isNegative()) {
        throw new IllegalArgumentException("retry: " + retry + " (expected: >= 0)");
      }
      this.retry = retry;
      return this;
    }

    /** Returns the publication. */
    public Publication build() {
      return new Publication(this);
    }

    private static void checkLine(String name, String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == '\0') {
          throw new IllegalArgumentException(
              name + " contains CR, LF or NUL at index " + i + " (expected: none)");
        }
      }
    }
  }
}
