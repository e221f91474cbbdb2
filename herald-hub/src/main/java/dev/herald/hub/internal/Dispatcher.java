package dev.herald.hub.internal;

import dev.herald.hub.Update;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the subscribers of each update and offers them the same encoded frame.
 *
 * <p>Index: subscribers are grouped by selector text. Exact selectors (no template) are looked up
 * by topic in a hash map; templates and {@code *} are checked once per distinct selector, however
 * many subscribers share it. Registration and removal may run on any thread, concurrently with
 * dispatch (concurrent maps and sets); dispatch itself runs under the hub's publish lock.
 */
final class Dispatcher {
  private final Map<String, Set<HubSubscriber>> exact = new ConcurrentHashMap<>();
  private final Map<String, Group> patterns = new ConcurrentHashMap<>();

  /** The subscribers that share one template selector. */
  private record Group(TopicSelector selector, Set<HubSubscriber> subscribers) {}

  private final Set<HubSubscriber> all = ConcurrentHashMap.newKeySet();

  void register(HubSubscriber subscriber) {
    all.add(subscriber);
    for (TopicSelector selector : subscriber.selectors()) {
      if (selector.isExact()) {
        exact.compute(
            selector.text(),
            (k, set) -> {
              Set<HubSubscriber> s = set == null ? ConcurrentHashMap.newKeySet() : set;
              s.add(subscriber);
              return s;
            });
      } else {
        patterns.compute(
            selector.text(),
            (k, group) -> {
              Group g = group == null ? new Group(selector, ConcurrentHashMap.newKeySet()) : group;
              g.subscribers().add(subscriber);
              return g;
            });
      }
    }
  }

  void unregister(HubSubscriber subscriber) {
    all.remove(subscriber);
    for (TopicSelector selector : subscriber.selectors()) {
      if (selector.isExact()) {
        removeFrom(exact, selector.text(), subscriber);
      } else {
        patterns.computeIfPresent(
            selector.text(),
            (k, group) -> {
              group.subscribers().remove(subscriber);
              return group.subscribers().isEmpty() ? null : group;
            });
      }
    }
  }

  private static void removeFrom(
      Map<String, Set<HubSubscriber>> index, String key, HubSubscriber s) {
    index.computeIfPresent(
        key,
        (k, set) -> {
          set.remove(s);
          return set.isEmpty() ? null : set;
        });
  }

  /** Offers the delivery to every subscriber that accepts it, each once. */
  void dispatch(HubSubscriber.Delivery delivery) {
    Update update = delivery.update();
    // Most updates match one group (one exact topic, or one template): offer to it directly. Only
    // when several groups match can one subscriber be in more than one, and need de-duplicating.
    Set<HubSubscriber> single = null;
    Set<HubSubscriber> merged = null;
    for (String topic : update.topics()) {
      Set<HubSubscriber> set = exact.get(topic);
      if (set != null) {
        if (single == null) {
          single = set;
        } else {
          merged = merge(merged, single, set);
        }
      }
    }
    for (Group group : patterns.values()) {
      if (matchesAny(group.selector(), update.topics())) {
        if (single == null) {
          single = group.subscribers();
        } else {
          merged = merge(merged, single, group.subscribers());
        }
      }
    }
    Set<HubSubscriber> targets = merged != null ? merged : single;
    if (targets == null) {
      return;
    }
    for (HubSubscriber subscriber : targets) {
      if (!update.isPrivate() || subscriber.accepts(update)) {
        subscriber.offer(delivery);
      }
    }
  }

  private static Set<HubSubscriber> merge(
      Set<HubSubscriber> merged, Set<HubSubscriber> first, Set<HubSubscriber> more) {
    if (merged == null) {
      merged = Collections.newSetFromMap(new IdentityHashMap<>());
      merged.addAll(first);
    }
    merged.addAll(more);
    return merged;
  }

  private static boolean matchesAny(TopicSelector selector, List<String> topics) {
    for (String topic : topics) {
      if (selector.matches(topic)) {
        return true;
      }
    }
    return false;
  }

  /** Returns the subscribers connected now. */
  Collection<HubSubscriber> subscribers() {
    return Collections.unmodifiableSet(all);
  }

  int subscriberCount() {
    return all.size();
  }
}
