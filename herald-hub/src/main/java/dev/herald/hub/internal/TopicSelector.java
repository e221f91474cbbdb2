package dev.herald.hub.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Mercure topic selector (draft §3), compiled once, matching exactly as the reference hub's
 * {@code topic_selector.go} does. Immutable and thread-safe.
 *
 * <p>A topic matches when, in this order:
 *
 * <ol>
 *   <li>the selector is {@code *};
 *   <li>the topic equals the selector (byte for byte: no case folding, percent-decoding or URL
 *       resolution), which also lets a template match its own text;
 *   <li>the selector contains a <code>&#123;</code>, is a URI template that {@code
 *       yosida95/uritemplate/v3} accepts, and the topic matches the regex that library builds (see
 *       {@link UriTemplateRegex}).
 * </ol>
 *
 * Otherwise it does not match. An invalid template is not an error: it is compared as plain text.
 */
public final class TopicSelector {
  /** The selector that matches every topic. */
  public static final String WILDCARD = "*";

  private final String text;
  private final @Nullable UriTemplateMatcher template;

  private TopicSelector(String text, @Nullable UriTemplateMatcher template) {
    this.text = text;
    this.template = template;
  }

  /**
   * Returns the compiled form of {@code selector}. Never fails: a selector that is not a valid
   * template matches only itself.
   */
  public static TopicSelector of(String selector) {
    Objects.requireNonNull(selector, "selector");
    if (selector.equals(WILDCARD) || selector.indexOf('{') < 0) {
      return new TopicSelector(selector, null);
    }
    try {
      return new TopicSelector(selector, UriTemplateMatcher.compile(UriTemplate.parse(selector)));
    } catch (InvalidUriTemplateException e) {
      return new TopicSelector(selector, null);
    }
  }

  /** Returns the selector as given. */
  public String text() {
    return text;
  }

  /** Returns whether this is {@code *}, which matches every topic. */
  public boolean isWildcard() {
    return text.equals(WILDCARD);
  }

  /**
   * Returns whether only a topic equal to {@link #text()} matches: the selector is not {@code *}
   * and either contains no <code>&#123;</code> or is not a valid URI template.
   */
  public boolean isExact() {
    return template == null && !isWildcard();
  }

  /** Returns whether {@code topic} matches this selector. */
  public boolean matches(String topic) {
    Objects.requireNonNull(topic, "topic");
    if (isWildcard() || text.equals(topic)) {
      return true;
    }
    return template != null && template.matches(topic);
  }

  /** Returns whether another selector has the same text. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TopicSelector other && text.equals(other.text);
  }

  /** Returns the hash of the text. */
  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** Returns the text. */
  @Override
  public String toString() {
    return text;
  }
}
