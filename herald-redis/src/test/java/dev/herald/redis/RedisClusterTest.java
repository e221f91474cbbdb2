package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.hub.Update;
import dev.herald.redis.testing.RedisServerExtension;
import dev.herald.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several hub instances on one real Redis: delivery everywhere, once, in one order; resume. */
class RedisClusterTest {
  private static final String TOPIC = "https://example.com/books/1";

  @RegisterExtension final RedisServerExtension redis = RedisServerExtension.inMemory();

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private HubInstance instance() {
    HubInstance instance = HubInstance.start(redis.uri());
    toClose.add(instance);
    return instance;
  }

  @Test
  void racingPublishersOnEveryInstanceReachEverySubscriberOnceInOneOrder() throws Exception {
    List<HubInstance> instances = List.of(instance(), instance(), instance());
    List<SseRecorder> clients = new ArrayList<>();
    for (HubInstance instance : instances) {
      clients.add(instance.subscribe(TOPIC, null));
      clients.add(instance.subscribe("https://example.com/books/{id}", null));
    }
    for (SseRecorder client : clients) {
      assertThat(client.status()).isEqualTo(200);
    }
    int publishers = 4;
    int perPublisher = 50;
    Map<Integer, List<String>> acked = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        int publisher = p;
        done.add(
            pool.submit(
                () -> {
                  List<String> mine = new CopyOnWriteArrayList<>();
                  acked.put(publisher, mine);
                  for (int i = 0; i < perPublisher; i++) {
                    HubInstance on = instances.get((publisher + i) % instances.size());
                    if (i % 2 == 0) {
                      mine.add(on.publish(TOPIC, publisher + "/" + i));
                    } else {
                      mine.add(
                          on.hub()
                              .publish(Update.builder(TOPIC).data(publisher + "/" + i).build())
                              .id());
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int total = publishers * perPublisher;
    List<String> first = HubInstance.ids(clients.get(0), total);
    assertThat(new HashSet<>(first)).hasSize(total);
    List<String> all = new ArrayList<>();
    acked.values().forEach(all::addAll);
    assertThat(first).containsExactlyInAnyOrderElementsOf(all);
    for (List<String> mine : acked.values()) {
      // Each publisher waited for each answer: its updates keep its order.
      assertThat(first.stream().filter(mine::contains).toList()).containsExactlyElementsOf(mine);
    }
    for (SseRecorder client : clients.subList(1, clients.size())) {
      assertThat(HubInstance.ids(client, total)).containsExactlyElementsOf(first);
    }
    // Nothing more arrives: exactly once.
    String marker = instances.get(0).publish(TOPIC, "marker");
    for (SseRecorder client : clients) {
      assertThat(client.next().id()).isEqualTo(marker);
      assertThat(client.eventsReceived()).isEqualTo(total + 1);
    }
  }

  @Test
  void aClientResumesOnAnotherInstanceWithExactlyTheUpdatesItMissed() throws Exception {
    HubInstance a = instance();
    HubInstance b = instance();
    SseRecorder onA = a.subscribe(TOPIC, null);
    assertThat(onA.status()).isEqualTo(200);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      seen.add(a.publish(TOPIC, "before " + i));
    }
    assertThat(HubInstance.ids(onA, 5)).containsExactlyElementsOf(seen);
    onA.close();

    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      missed.add((i % 2 == 0 ? a : b).publish(TOPIC, "missed " + i));
    }
    SseRecorder onB = b.subscribe(TOPIC, seen.get(4));
    assertThat(onB.headers().firstValue("Last-Event-ID")).hasValue(seen.get(4));
    assertThat(HubInstance.ids(onB, 7)).containsExactlyElementsOf(missed);
    String live = a.publish(TOPIC, "live");
    assertThat(onB.next().id()).isEqualTo(live);
    assertThat(onB.eventsReceived()).isEqualTo(8);
  }

  @Test
  void aResumeRightAfterPublishingElsewhereIsNeverAnsweredWithEarliest() throws Exception {
    HubInstance a = instance();
    HubInstance b = instance();
    for (int i = 0; i < 30; i++) {
      String id = a.publish(TOPIC, "update " + i);
      // B may not have read it yet: it must look the id up in Redis and wait, not replay all.
      SseRecorder onB = b.subscribe(TOPIC, id);
      assertThat(onB.status()).isEqualTo(200);
      assertThat(onB.headers().firstValue("Last-Event-ID")).hasValue(id);
      String next = a.publish(TOPIC, "next " + i);
      assertThat(onB.next().id()).isEqualTo(next);
      onB.close();
    }
  }

  @Test
  void anIdPublishedTwiceOnTwoInstancesIsDeliveredOnce() throws Exception {
    HubInstance a = instance();
    HubInstance b = instance();
    SseRecorder onA = a.subscribe(TOPIC, null);
    SseRecorder onB = b.subscribe(TOPIC, null);
    assertThat(onA.status()).isEqualTo(200);
    assertThat(onB.status()).isEqualTo(200);
    HttpResponse<String> first = a.post(TOPIC, "once", "urn:example:1");
    HttpResponse<String> again = b.post(TOPIC, "once", "urn:example:1");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo("urn:example:1");
    String marker = b.publish(TOPIC, "marker");
    for (SseRecorder client : List.of(onA, onB)) {
      assertThat(HubInstance.ids(client, 2)).containsExactly("urn:example:1", marker);
    }
  }

  @Test
  void anInstanceStartedLaterHoldsTheHistoryForResume() throws Exception {
    HubInstance a = instance();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(a.publish(TOPIC, "update " + i));
    }
    HubInstance late = instance();
    SseRecorder client = late.subscribe(TOPIC, ids.get(2));
    assertThat(client.headers().firstValue("Last-Event-ID")).hasValue(ids.get(2));
    assertThat(HubInstance.ids(client, 7)).containsExactlyElementsOf(ids.subList(3, 10));
    SseRecorder everything = late.subscribe(TOPIC, "earliest");
    assertThat(HubInstance.ids(everything, 10)).containsExactlyElementsOf(ids);
    await().atMost(HubInstance.TIMEOUT).until(() -> late.hub().ready());
  }
}
