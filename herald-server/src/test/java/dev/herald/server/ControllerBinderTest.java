package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.server.internal.ControllerBinder;
import dev.herald.server.internal.Route;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.api.ListAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ControllerBinderTest {
  private final ControllerBinder binder = new ControllerBinder(Map.of());

  // --- Routes ---

  @Controller("notifications")
  static final class NotificationsController {
    @Sse("stream")
    Flow.Publisher<String> stream() {
      return new SubmissionPublisher<>();
    }

    @Get(":id")
    String find(@Param("id") String id) {
      return "found " + id;
    }

    @Post
    String create() {
      return "created";
    }

    @Put(":id")
    String replace(@Param("id") String id) {
      return "replaced " + id;
    }

    @Delete(":id")
    String remove(@Param("id") String id) {
      return "removed " + id;
    }
  }

  @Test
  void bindsEachAnnotatedMethodToARouteUnderTheControllerPrefix() {
    List<Route> routes = binder.bind(new NotificationsController());

    assertThat(routes)
        .extracting(Route::method, route -> route.template().toString(), Route::isSse)
        .containsExactlyInAnyOrder(
            tuple("GET", "/notifications/stream", true),
            tuple("GET", "/notifications/:id", false),
            tuple("POST", "/notifications", false),
            tuple("PUT", "/notifications/:id", false),
            tuple("DELETE", "/notifications/:id", false));
  }

  @Test
  void routesCallTheirOwnMethod() throws Exception {
    List<Route> routes = binder.bind(new NotificationsController());
    FakeRequest request = new FakeRequest().withParam("id", "7");

    assertThat(handle(route(routes, "PUT", "/notifications/:id"), request)).isEqualTo("replaced 7");
    assertThat(handle(route(routes, "DELETE", "/notifications/:id"), request))
        .isEqualTo("removed 7");
    assertThat(handle(route(routes, "POST", "/notifications"), request)).isEqualTo("created");
  }

  @Controller("/api//jobs/")
  static final class SlashyController {
    @Get("/:id/events/")
    void events(@Param("id") String id) {}
  }

  @Controller
  static final class RootController {
    @Get
    String root() {
      return "root";
    }

    @Get("health")
    String health() {
      return "ok";
    }
  }

  @Test
  void normalisesSlashesBetweenPrefixAndSubPath() {
    assertThat(binder.bind(new SlashyController()))
        .extracting(route -> route.template().toString())
        .containsExactly("/api/jobs/:id/events");
    assertThat(binder.bind(new RootController()))
        .extracting(route -> route.template().toString())
        .containsExactly("/health", "/");
  }

  // --- Arguments ---

  enum State {
    RUNNING,
    DONE
  }

  @Controller("jobs")
  static final class ConvertingController {
    @Get(":id")
    List<@Nullable Object> find(
        @Param("id") long id,
        @Query("page") int page,
        @Query("verbose") @Nullable Boolean verbose,
        @Query("ratio") double ratio,
        @Header("X-Trace") @Nullable UUID trace,
        @Query("state") @Nullable State state,
        @Query("name") @Nullable String name,
        @Query("limit") @Nullable Integer limit,
        @Query("offset") @Nullable Long offset) {
      return Arrays.asList(id, page, verbose, ratio, trace, state, name, limit, offset);
    }

    @Get("flags")
    boolean flag(@Query("on") boolean on) {
      return on;
    }
  }

  @Test
  void convertsPathQueryAndHeaderValuesToTheParameterTypes() throws Exception {
    Route route = binder.bind(new ConvertingController()).get(0);
    UUID trace = UUID.randomUUID();
    FakeRequest request =
        new FakeRequest()
            .withParam("id", "42")
            .withQuery("page", "3")
            .withQuery("page", "9")
            .withQuery("verbose", "TRUE")
            .withQuery("ratio", "0.5")
            .withHeader("x-trace", trace.toString())
            .withQuery("state", "DONE")
            .withQuery("name", "build")
            .withQuery("limit", "-1")
            .withQuery("offset", "10000000000");

    assertList(handle(route, request))
        .containsExactly(42L, 3, true, 0.5, trace, State.DONE, "build", -1, 10_000_000_000L);
  }

  @Test
  void absentQueryAndHeaderValuesAreNullForReferenceTypes() throws Exception {
    Route route = binder.bind(new ConvertingController()).get(0);
    FakeRequest request =
        new FakeRequest().withParam("id", "1").withQuery("page", "1").withQuery("ratio", "1");

    assertList(handle(route, request))
        .containsExactly(1L, 1, null, 1.0, null, null, null, null, null);
  }

  @Test
  void anAbsentValueForAPrimitiveParameterIsABadRequest() {
    Route route = binder.bind(new ConvertingController()).get(0);
    FakeRequest request = new FakeRequest().withParam("id", "1").withQuery("ratio", "1");

    assertStatus(() -> handle(route, request), 400, "missing query parameter page");
  }

  static Stream<Arguments> unconvertibleValues() {
    return Stream.of(
        Arguments.of("id", "abc", "invalid path parameter id: abc (expected: a long)"),
        Arguments.of("page", "1.5", "invalid query parameter page: 1.5 (expected: an int)"),
        Arguments.of(
            "verbose",
            "yes",
            "invalid query parameter verbose: yes (expected: true or" + " false)"),
        Arguments.of("ratio", "half", "invalid query parameter ratio: half (expected: a double)"),
        Arguments.of("X-Trace", "t-1", "invalid header X-Trace: t-1 (expected: a UUID)"),
        Arguments.of(
            "state",
            "paused",
            "invalid query parameter state: paused (expected: one of RUNNING," + " DONE)"),
        Arguments.of("limit", "", "invalid query parameter limit:  (expected: an int)"),
        Arguments.of(
            "offset",
            "9".repeat(70),
            "invalid query parameter offset: " + "9".repeat(64) + "… (expected: a long)"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("unconvertibleValues")
  void aValueThatCannotBeConvertedIsABadRequestNamingTheParameterAndType(
      String name, String value, String message) {
    Route route = binder.bind(new ConvertingController()).get(0);
    FakeRequest request =
        new FakeRequest().withParam("id", "1").withQuery("page", "1").withQuery("ratio", "1");
    if (name.equals("id")) {
      request.withParam(name, value);
    } else if (name.startsWith("X-")) {
      request.withHeader(name, value);
    } else {
      request.query.remove(name);
      request.withQuery(name, value);
    }

    assertStatus(() -> handle(route, request), 400, message);
  }

  @Test
  void enumsAndBooleansMatchIgnoringCase() throws Exception {
    List<Route> routes = binder.bind(new ConvertingController());
    FakeRequest request =
        new FakeRequest()
            .withParam("id", "1")
            .withQuery("page", "1")
            .withQuery("ratio", "1")
            .withQuery("state", "running")
            .withQuery("on", "False");

    assertList(handle(route(routes, "GET", "/jobs/:id"), request)).contains(State.RUNNING);
    assertThat(handle(route(routes, "GET", "/jobs/flags"), request)).isEqualTo(false);
  }

  record JobRequest(String name, int priority) {}

  @Controller("bodies")
  static final class BodyController {
    @Post("text")
    String text(@Body String body) {
      return "text:" + body;
    }

    @Post("bytes")
    int bytes(@Body byte[] body) {
      return body.length;
    }

    @Post("json")
    String json(@Body JobRequest body) {
      return body.name() + "@" + body.priority();
    }

    @Post("number")
    long number(@Body long body) {
      return body + 1;
    }
  }

  @Test
  void bodyBindsAsTextBytesOrJsonByParameterType() throws Exception {
    List<Route> routes = binder.bind(new BodyController());

    assertThat(handle(route(routes, "POST", "/bodies/text"), new FakeRequest().withBody("héllo")))
        .isEqualTo("text:héllo");
    assertThat(handle(route(routes, "POST", "/bodies/bytes"), new FakeRequest().withBody("héllo")))
        .isEqualTo(6);
    assertThat(
            handle(
                route(routes, "POST", "/bodies/json"),
                new FakeRequest().withBody("{\"name\":\"build\",\"priority\":2}")))
        .isEqualTo("build@2");
    assertThat(handle(route(routes, "POST", "/bodies/number"), new FakeRequest().withBody("41")))
        .isEqualTo(42L);
  }

  @Test
  void aJsonNullBodyForAPrimitiveParameterIsABadRequest() {
    Route route = route(binder.bind(new BodyController()), "POST", "/bodies/number");

    assertStatus(
        () -> handle(route, new FakeRequest().withBody("null")),
        400,
        "missing body (expected: long)");
  }

  @Test
  void aBodyThatIsNotJsonForTheTypeIsABadRequestFromTheRequest() {
    Route route = route(binder.bind(new BodyController()), "POST", "/bodies/json");

    assertStatus(
        () -> handle(route, new FakeRequest().withBody("{\"name\":")), 400, "invalid JSON body");
  }

  static final class User {
    final String name;

    User(String name) {
      this.name = name;
    }
  }

  @Controller("me")
  static final class PrincipalController {
    @Get
    String me(@Principal User user) {
      return user.name;
    }

    @Get("any")
    String any(@Principal @Nullable Object principal) {
      return String.valueOf(principal);
    }

    @Sse("events")
    CompletionStage<Flow.Publisher<String>> events(
        @LastEventId @Nullable String lastEventId, Request request) {
      return CompletableFuture.completedFuture(new SubmissionPublisher<>());
    }

    @Get("resume")
    List<@Nullable Object> resume(@LastEventId @Nullable String lastEventId, Request request) {
      return Arrays.asList(lastEventId, request);
    }
  }

  @Test
  void principalIsPassedWhenItHasTheParameterType() throws Exception {
    List<Route> routes = binder.bind(new PrincipalController());
    FakeRequest request = new FakeRequest().withPrincipal(new User("ada"));

    assertThat(handle(route(routes, "GET", "/me"), request)).isEqualTo("ada");
  }

  @Test
  void aMissingPrincipalIsUnauthenticated() {
    Route route = route(binder.bind(new PrincipalController()), "GET", "/me");

    assertStatus(() -> handle(route, new FakeRequest()), 401, "unauthenticated");
  }

  @Test
  void aPrincipalOfAnotherTypeIsUnauthenticated() {
    Route route = route(binder.bind(new PrincipalController()), "GET", "/me");

    assertStatus(
        () -> handle(route, new FakeRequest().withPrincipal("not a user")), 401, "unauthenticated");
  }

  @Test
  void anObjectPrincipalParameterMayBeNull() throws Exception {
    Route route = route(binder.bind(new PrincipalController()), "GET", "/me/any");

    assertThat(handle(route, new FakeRequest())).isEqualTo("null");
    assertThat(handle(route, new FakeRequest().withPrincipal(7))).isEqualTo("7");
  }

  @Test
  void lastEventIdAndTheRequestItselfAreInjected() throws Exception {
    Route route = route(binder.bind(new PrincipalController()), "GET", "/me/resume");
    FakeRequest request = new FakeRequest().withLastEventId("e-17");

    assertList(handle(route, request)).containsExactly("e-17", request);
    assertList(handle(route, new FakeRequest())).first().isNull();
  }

  // --- Return values and exceptions ---

  @Controller("results")
  static final class ResultController {
    final AtomicInteger calls = new AtomicInteger();

    @Post("void")
    void nothing() {
      calls.incrementAndGet();
    }

    @Get("missing")
    String missing() {
      throw HttpStatusException.notFound("no such job");
    }

    @Get("io")
    String io() throws IOException {
      throw new IOException("disk");
    }

    @Sse("flow")
    Flow.Publisher<String> flow() {
      return FLOW;
    }

    @Sse("reactive")
    org.reactivestreams.Publisher<String> reactive() {
      return REACTIVE;
    }

    @Sse("object")
    Object object() {
      return "checked by the engine";
    }

    @Get("static")
    static String shared() {
      return "static";
    }
  }

  static final Flow.Publisher<String> FLOW = new SubmissionPublisher<>();
  static final org.reactivestreams.Publisher<String> REACTIVE = subscriber -> {};

  @Test
  void aVoidMethodReturnsNull() throws Exception {
    ResultController controller = new ResultController();
    Route route = route(binder.bind(controller), "POST", "/results/void");

    assertThat(handle(route, new FakeRequest())).isNull();
    assertThat(controller.calls).hasValue(1);
  }

  @Test
  void sseRoutesReturnWhatTheMethodReturns() throws Exception {
    List<Route> routes = binder.bind(new ResultController());

    assertThat(handle(route(routes, "GET", "/results/flow"), new FakeRequest())).isSameAs(FLOW);
    assertThat(handle(route(routes, "GET", "/results/reactive"), new FakeRequest()))
        .isSameAs(REACTIVE);
    assertThat(handle(route(routes, "GET", "/results/object"), new FakeRequest()))
        .isEqualTo("checked by the engine");
    assertThat(handle(route(routes, "GET", "/results/static"), new FakeRequest()))
        .isEqualTo("static");
  }

  @Test
  void exceptionsFromTheMethodReachTheCallerUnwrapped() {
    List<Route> routes = binder.bind(new ResultController());

    assertStatus(
        () -> handle(route(routes, "GET", "/results/missing"), new FakeRequest()),
        404,
        "no such job");
    assertThatThrownBy(() -> handle(route(routes, "GET", "/results/io"), new FakeRequest()))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("disk");
  }

  @Controller("base")
  static class BaseController {
    @Get
    String hello() {
      return "base";
    }
  }

  @Controller("derived")
  static final class DerivedController extends BaseController {
    @Override
    String hello() {
      return "derived";
    }
  }

  @Test
  void inheritedRouteMethodsCallTheOverride() throws Exception {
    List<Route> routes = binder.bind(new DerivedController());

    assertThat(routes).extracting(route -> route.template().toString()).containsExactly("/derived");
    assertThat(handle(routes.get(0), new FakeRequest())).isEqualTo("derived");
  }

  // --- Guards ---

  /** A guard created by the binder with its public no-argument constructor. */
  public static final class ClassGuard implements Guard {
    @Override
    public @Nullable Object check(Request request) {
      return null;
    }
  }

  /** Another created guard. */
  public static final class AuditGuard implements Guard {
    @Override
    public @Nullable Object check(Request request) {
      return null;
    }
  }

  /** A guard that needs configuration, so it must be registered. */
  public static class TokenGuard implements Guard {
    final String token;

    public TokenGuard(String token) {
      this.token = token;
    }

    @Override
    public @Nullable Object check(Request request) {
      return token;
    }
  }

  @Controller("guarded")
  @UseGuards(ClassGuard.class)
  static final class GuardedController {
    @Get("open")
    String open() {
      return "open";
    }

    @Get("closed")
    @UseGuards({TokenGuard.class, AuditGuard.class})
    String closed() {
      return "closed";
    }
  }

  @Controller("other")
  static final class OtherGuardedController {
    @Get
    @UseGuards(ClassGuard.class)
    String other() {
      return "other";
    }
  }

  @Test
  void classGuardsRunBeforeMethodGuardsInTheOrderGiven() {
    TokenGuard token = new TokenGuard("secret");
    List<Route> routes =
        new ControllerBinder(Map.of(TokenGuard.class, token)).bind(new GuardedController());

    assertThat(route(routes, "GET", "/guarded/open").guards())
        .extracting(Object::getClass)
        .containsExactly(ClassGuard.class);
    assertThat(route(routes, "GET", "/guarded/closed").guards())
        .extracting(Object::getClass)
        .containsExactly(ClassGuard.class, TokenGuard.class, AuditGuard.class);
  }

  @Test
  void aRegisteredGuardIsUsedAsItIs() {
    TokenGuard token = new TokenGuard("secret");
    List<Route> routes =
        new ControllerBinder(Map.of(TokenGuard.class, token)).bind(new GuardedController());

    assertThat(route(routes, "GET", "/guarded/closed").guards().get(1)).isSameAs(token);
  }

  @Test
  void aRegisteredGuardOfASubclassIsFoundByItsSuperclass() {
    TokenGuard token = new TokenGuard("secret") {};
    List<Route> routes =
        new ControllerBinder(Map.of(token.getClass(), token)).bind(new GuardedController());

    assertThat(route(routes, "GET", "/guarded/closed").guards().get(1)).isSameAs(token);
  }

  @Test
  void anUnregisteredGuardIsCreatedOnceForTheBinder() {
    ControllerBinder binder =
        new ControllerBinder(Map.of(TokenGuard.class, new TokenGuard("secret")));

    List<Route> routes = new ArrayList<>(binder.bind(new GuardedController()));
    routes.addAll(binder.bind(new OtherGuardedController()));

    Guard first = routes.get(0).guards().get(0);
    assertThat(first).isInstanceOf(ClassGuard.class);
    assertThat(routes)
        .hasSize(3)
        .allSatisfy(route -> assertThat(route.guards().get(0)).isSameAs(first));
  }

  // --- Bind-time errors ---

  static final class NotAController {
    @Get
    void get() {}
  }

  @Controller
  static final class EmptyController {
    void helper() {}
  }

  @Controller
  static final class TwoRoutesController {
    @Get
    @Sse("stream")
    Flow.Publisher<String> stream() {
      return FLOW;
    }
  }

  @Controller("jobs")
  static final class UnannotatedParameterController {
    @Sse(":id/events")
    Flow.Publisher<String> events(String id) {
      return FLOW;
    }
  }

  @Controller("jobs")
  static final class DoubleAnnotatedParameterController {
    @Get(":id")
    String find(@Param("id") @Query("id") String id) {
      return id;
    }
  }

  @Controller("jobs")
  static final class UnknownPathParameterController {
    @Get(":id")
    String find(@Param("job") String job) {
      return job;
    }
  }

  @Controller("jobs")
  static final class UnsupportedTypeController {
    @Get
    String find(@Query("ids") List<String> ids) {
      return ids.toString();
    }
  }

  @Controller("jobs")
  static final class LongLastEventIdController {
    @Sse
    Flow.Publisher<String> events(@LastEventId long last) {
      return FLOW;
    }
  }

  @Controller("jobs")
  static final class PrimitivePrincipalController {
    @Get
    String find(@Principal int user) {
      return "" + user;
    }
  }

  @Controller("jobs")
  static final class StringSseController {
    @Sse
    String events() {
      return "nope";
    }
  }

  @Controller("jobs")
  static final class VoidSseController {
    @Sse
    void events() {}
  }

  @Controller("jobs")
  static final class ClashingController {
    @Get(":id")
    String a(@Param("id") String id) {
      return id;
    }

    @Get(":name")
    String b(@Param("name") String name) {
      return name;
    }
  }

  @Controller("jobs")
  static final class BadPathController {
    @Get(":id/:id")
    String find(@Param("id") String id) {
      return id;
    }
  }

  @Controller
  @UseGuards(TokenGuard.class)
  static final class UnregisteredGuardController {
    @Get
    String get() {
      return "";
    }
  }

  /** A guard the binder cannot create. */
  public abstract static class AbstractGuard implements Guard {}

  @Controller
  static final class AbstractGuardController {
    @Get
    @UseGuards(AbstractGuard.class)
    String get() {
      return "";
    }
  }

  /** A guard whose constructor fails. */
  public static final class FailingGuard implements Guard {
    public FailingGuard() {
      throw new IllegalStateException("no key");
    }

    @Override
    public @Nullable Object check(Request request) {
      return null;
    }
  }

  @Controller
  static final class FailingGuardController {
    @Get
    @UseGuards(FailingGuard.class)
    String get() {
      return "";
    }
  }

  static Stream<Arguments> unbindableControllers() {
    return Stream.of(
        Arguments.of(new NotAController(), "NotAController: not annotated with @Controller"),
        Arguments.of(
            new EmptyController(),
            "EmptyController: no method annotated with @Get, @Post, @Put, @Delete or @Sse"),
        Arguments.of(
            new TwoRoutesController(),
            "TwoRoutesController.stream(): more than one route annotation: @Get, @Sse"),
        Arguments.of(
            new UnannotatedParameterController(),
            "UnannotatedParameterController.events(String): parameter 0 has no"
                + " @Param/@Query/@Header/@Body/@Principal/@LastEventId annotation and is not a"
                + " Request"),
        Arguments.of(
            new DoubleAnnotatedParameterController(),
            "DoubleAnnotatedParameterController.find(String): parameter 0 has more than one of"
                + " @Param/@Query/@Header/@Body/@Principal/@LastEventId"),
        Arguments.of(
            new UnknownPathParameterController(),
            "UnknownPathParameterController.find(String): parameter 0: @Param(\"job\") is not a"
                + " parameter of the path /jobs/:id"),
        Arguments.of(
            new UnsupportedTypeController(),
            "UnsupportedTypeController.find(List): parameter 0: @Query(\"ids\") List (expected:"
                + " String, int, long, boolean, double, their wrapper types, UUID or an enum)"),
        Arguments.of(
            new LongLastEventIdController(),
            "LongLastEventIdController.events(long): parameter 0: @LastEventId long (expected:"
                + " String)"),
        Arguments.of(
            new PrimitivePrincipalController(),
            "PrimitivePrincipalController.find(int): parameter 0: @Principal int (expected: a"
                + " reference type)"),
        Arguments.of(
            new StringSseController(),
            "StringSseController.events(): @Sse method returns String (expected: a Flow.Publisher,"
                + " an org.reactivestreams.Publisher, a CompletionStage or Object)"),
        Arguments.of(
            new VoidSseController(),
            "VoidSseController.events(): @Sse method returns void (expected: a Flow.Publisher, an"
                + " org.reactivestreams.Publisher, a CompletionStage or Object)"),
        Arguments.of(
            new ClashingController(),
            "ClashingController.b(String): GET /jobs/:name clashes with ClashingController.a(String)"),
        Arguments.of(
            new BadPathController(),
            "BadPathController.find(String): path: /jobs/:id/:id (expected: distinct, non-empty"
                + " parameter names)"),
        Arguments.of(
            new UnregisteredGuardController(),
            "UnregisteredGuardController: guard TokenGuard: not registered with"
                + " HeraldServer.Builder.guard(Guard), and no public no-argument constructor"),
        Arguments.of(
            new AbstractGuardController(),
            "AbstractGuardController.get(): guard AbstractGuard: not registered with"
                + " HeraldServer.Builder.guard(Guard), and abstract"),
        Arguments.of(
            new FailingGuardController(),
            "FailingGuardController.get(): guard FailingGuard: not registered with"
                + " HeraldServer.Builder.guard(Guard), and its constructor failed:"
                + " java.lang.IllegalStateException: no key"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unbindableControllers")
  void aControllerThatCannotBeBoundFailsNamingTheCulprit(Object controller, String message) {
    assertThatThrownBy(() -> binder.bind(controller))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void twoRegisteredInstancesOfAGuardClassAreAmbiguous() {
    TokenGuard a = new TokenGuard("a") {};
    TokenGuard b = new TokenGuard("b") {};
    Map<Class<?>, Guard> guards = new LinkedHashMap<>();
    guards.put(a.getClass(), a);
    guards.put(b.getClass(), b);

    assertThatThrownBy(() -> new ControllerBinder(guards).bind(new GuardedController()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "GuardedController.closed(): guard TokenGuard: 2 registered guards are instances of it"
                + " (expected: one, or one of this exact class)");
  }

  // --- Helpers ---

  private static Route route(List<Route> routes, String method, String path) {
    return routes.stream()
        .filter(r -> r.method().equals(method) && r.template().toString().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route " + method + " " + path + ": " + routes));
  }

  private static @Nullable Object handle(Route route, Request request) throws Exception {
    Handler handler = route.handler();
    if (handler != null) {
      return handler.handle(request);
    }
    SseHandler sseHandler = route.sseHandler();
    assertThat(sseHandler).isNotNull();
    return sseHandler.stream(request);
  }

  private static ListAssert<Object> assertList(@Nullable Object value) {
    return assertThat(value).asInstanceOf(InstanceOfAssertFactories.list(Object.class));
  }

  private static void assertStatus(ThrowingCallable call, int status, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(status))
        .hasMessage(message);
  }

  /** A request with only the parts a test sets; enough to exercise argument binding. */
  private static final class FakeRequest implements Request {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Map<String, String> pathParams = new LinkedHashMap<>();
    private final Map<String, List<String>> query = new LinkedHashMap<>();
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private byte[] body = new byte[0];
    private @Nullable String lastEventId;
    private @Nullable Object principal;

    FakeRequest withParam(String name, String value) {
      pathParams.put(name, value);
      return this;
    }

    FakeRequest withQuery(String name, String value) {
      query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      return this;
    }

    FakeRequest withHeader(String name, String value) {
      headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      return this;
    }

    FakeRequest withBody(String text) {
      body = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    FakeRequest withLastEventId(String id) {
      lastEventId = id;
      return this;
    }

    FakeRequest withPrincipal(Object value) {
      principal = value;
      return this;
    }

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String path() {
      return "/";
    }

    @Override
    public String uri() {
      return "/";
    }

    @Override
    public @Nullable String pathParam(String name) {
      return pathParams.get(name);
    }

    @Override
    public Map<String, String> pathParams() {
      return pathParams;
    }

    @Override
    public @Nullable String query(String name) {
      List<String> values = query.get(name);
      return values == null ? null : values.get(0);
    }

    @Override
    public List<String> queryAll(String name) {
      return query.getOrDefault(name, List.of());
    }

    @Override
    public Map<String, List<String>> queryParams() {
      return query;
    }

    @Override
    public @Nullable String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.get(0);
    }

    @Override
    public List<String> headers(String name) {
      return headers.getOrDefault(name, List.of());
    }

    @Override
    public @Nullable String cookie(String name) {
      return null;
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    @Override
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public <T> T bodyJson(Class<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new HttpStatusException(400, "invalid JSON body", e);
      }
    }

    @Override
    public @Nullable String lastEventId() {
      return lastEventId;
    }

    @Override
    public @Nullable Object principal() {
      return principal;
    }

    @Override
    public <T> T principal(Class<T> type) {
      if (principal == null) {
        throw HttpStatusException.unauthorized("unauthenticated");
      }
      return type.cast(principal);
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return InetSocketAddress.createUnresolved("localhost", 40000);
    }
  }
}
