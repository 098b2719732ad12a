package dev.bedrockchat.function.store;

import static dev.bedrockchat.function.store.Turns.person;
import static dev.bedrockchat.function.store.Turns.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.S3ProxyServer;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.chat.Artifact;
import dev.bedrockchat.function.chat.ArtifactRecorder;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationQuery;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.chat.Usage;
import dev.bedrockchat.function.log.JsonLog;
import dev.bedrockchat.function.store.s3.S3ArtifactStore;
import dev.bedrockchat.function.store.s3.S3ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 adapters against an S3-compatible server (s3proxy, whose conditional writes are made atomic as S3's are),
 * through the real SDK: conditional writes keep every turn, and a storage that fails is StorageUnavailable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3StoresTest extends ConversationStoreContract {
    private static final String BUCKET = "chat-artifacts";
    private final ObjectMapper mapper = new ObjectMapper();
    private final ConversationCodec codec = new ConversationCodec(mapper);
    private S3ProxyServer s3proxy;
    private S3Client s3;
    private S3ObjectStore objects;

    @BeforeAll
    void start() throws Exception {
        s3proxy = S3ProxyServer.start();
        s3 = client(null);
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    void stop() throws Exception {
        s3.close();
        s3proxy.close();
    }

    /** A bucket of its own for each test. */
    @BeforeEach
    void freshBucket() {
        String bucket = "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        s3.createBucket(b -> b.bucket(bucket));
        objects = new S3ObjectStore(s3, bucket);
        s3proxy.heal();
    }

    /** A client set up as the function sets it up (CRT HTTP client, path-style), with an optional interceptor. */
    private S3Client client(ExecutionInterceptor interceptor) {
        var builder = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .httpClient(AwsCrtHttpClient.create())
                .endpointOverride(s3proxy.endpoint())
                .forcePathStyle(true);
        if (interceptor != null) {
            builder.overrideConfiguration(o -> o.addExecutionInterceptor(interceptor));
        }
        return builder.build();
    }

    @Override
    ObjectStore objects() {
        return objects;
    }

    private ConversationStore store(S3Client client) {
        return new ObjectConversationStore("s3", new S3ObjectStore(client, BUCKET), codec, Clock.systemUTC());
    }

    private static boolean isDocument(Object request, String id) {
        return request instanceof PutObjectRequest put && put.key().endsWith("/" + id + ".json");
    }

    /**
     * A read names the version this process already has: S3 answers 304 without the document (which is not decoded
     * again) until another writer changes it; then the new version comes in full.
     */
    @Test
    void aDocumentThisProcessHasIsNotSentAgainUntilAnotherWriterChangesIt() {
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        var statuses = new CopyOnWriteArrayList<Integer>();
        S3Client watched = client(new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest get
                        && get.key().endsWith("/" + id + ".json")) {
                    statuses.add(context.httpResponse().statusCode());
                }
            }
        });
        ConversationStore mine = store(watched);

        Conversation written = mine.append(ada, id, turn("first"), true, soon());
        Conversation found = mine.find(ada, id).orElseThrow();
        Conversation theirs = store(s3).append(ada, id, turn("theirs"), false, soon());
        Conversation changed = mine.find(ada, id).orElseThrow();
        Conversation again = mine.find(ada, id).orElseThrow();

        assertThat(statuses)
                .as("GET of the document: none yet, mine, theirs, theirs")
                .containsExactly(404, 304, 200, 304);
        assertThat(found).isEqualTo(written);
        assertThat(changed).isEqualTo(theirs).isEqualTo(again);
        assertThat(changed.messages())
                .extracting(StoredMessage::content)
                .containsExactly("first", "re: first", "theirs", "re: theirs");
        watched.close();
    }

    @Test
    void aTurnThatLosesTheRaceIsRetriedFromAFreshReadAndBothAreKept() {
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        var other = store(s3);
        other.append(ada, id, turn("first"), true, soon());
        var conflicts = new AtomicInteger();
        var raced = new AtomicBoolean();
        // Just before this store's conditional write leaves, another writer updates the document: the ETag is stale.
        S3Client racing = client(new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (isDocument(context.request(), id) && raced.compareAndSet(false, true)) {
                    other.append(ada, id, turn("concurrent"), false, soon());
                }
            }

            @Override
            public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
                if (isDocument(context.request(), id)
                        && context.exception() instanceof S3Exception e
                        && e.statusCode() == 412) {
                    conflicts.incrementAndGet();
                }
            }
        });

        Conversation result = store(racing).append(ada, id, turn("mine"), false, soon());

        assertThat(raced).isTrue();
        assertThat(conflicts.get()).isEqualTo(1);
        // "mine" arrived before "concurrent" (its turn was made first), so it comes first though written last.
        assertThat(result.messages())
                .extracting(StoredMessage::content)
                .containsExactly("first", "re: first", "mine", "re: mine", "concurrent", "re: concurrent");
        assertThat(store(s3).find(ada, id).orElseThrow()).isEqualTo(result);
        racing.close();
    }

    /**
     * S3 stores the write but its reply is lost (here: turned into a 500): the SDK sends the same conditional PUT
     * again, which now fails its condition (412). The fresh read finds the turn already there.
     */
    @ParameterizedTest(name = "existing document: {0}")
    @ValueSource(booleans = {true, false})
    void aWriteWhoseReplyWasLostIsNotRepeatedByTheRetry(boolean existing) {
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        if (existing) {
            store(s3).append(ada, id, turn("first"), true, soon());
        }
        var puts = new AtomicInteger();
        var conflicts = new AtomicInteger();
        var replyLost = new AtomicBoolean();
        S3Client lossy = client(new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (isDocument(context.request(), id)) {
                    puts.incrementAndGet();
                }
            }

            @Override
            public SdkHttpResponse modifyHttpResponse(
                    Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
                if (isDocument(context.request(), id)
                        && context.httpResponse().isSuccessful()
                        && replyLost.compareAndSet(false, true)) {
                    return context.httpResponse().toBuilder().statusCode(500).build();
                }
                return context.httpResponse();
            }

            @Override
            public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
                if (isDocument(context.request(), id)
                        && context.exception() instanceof S3Exception e
                        && e.statusCode() == 412) {
                    conflicts.incrementAndGet();
                }
            }
        });
        List<StoredMessage> mine = turn("mine");

        Conversation result = store(lossy).append(ada, id, mine, !existing, soon());

        assertThat(replyLost).isTrue();
        assertThat(puts.get()).as("the SDK repeated the PUT").isEqualTo(2);
        assertThat(conflicts.get()).isEqualTo(1);
        List<String> expected =
                existing ? List.of("first", "re: first", "mine", "re: mine") : List.of("mine", "re: mine");
        assertThat(result.messages()).extracting(StoredMessage::content).containsExactlyElementsOf(expected);
        assertThat(store(s3).find(ada, id).orElseThrow().messages())
                .extracting(StoredMessage::content)
                .containsExactlyElementsOf(expected);
        assertThat(store(s3).list(ada, ConversationQuery.firstPage()).conversations())
                .singleElement()
                .satisfies(summary -> assertThat(summary.messageCount()).isEqualTo(expected.size()));
        lossy.close();
    }

    @Test
    void aConflictThatNeverClearsGivesUpAtTheDeadlineAsStorageUnavailable() {
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        var other = store(s3);
        other.append(ada, id, turn("first"), true, soon());
        var attempts = new AtomicInteger();
        S3Client alwaysRaced = client(new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (isDocument(context.request(), id)) {
                    attempts.incrementAndGet();
                    other.append(ada, id, turn("interloper"), false, soon());
                }
            }
        });
        ConversationStore store = store(alwaysRaced);

        assertThatThrownBy(() -> store.append(ada, id, turn("never"), false, Deadline.in(Duration.ofSeconds(1))))
                .isInstanceOfSatisfying(ChatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                    assertThat(e.retryAfterSeconds()).isPresent();
                    assertThat(e.diagnostics()).containsKey("storeAttempts");
                });
        assertThat(attempts.get()).isGreaterThan(1);
        assertThat(store(s3).find(ada, id).orElseThrow().messages())
                .extracting(StoredMessage::content)
                .doesNotContain("never");
        alwaysRaced.close();
    }

    @ParameterizedTest(name = "S3 answers {0}")
    @ValueSource(ints = {500, 503})
    void aStorageAnsweringWithErrorsIsStorageUnavailableWithItsAwsDiagnostics(int status) {
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        ConversationStore store = store();
        store.append(ada, id, turn("kept"), true, soon());
        s3proxy.failWith(status);
        try {
            assertThatThrownBy(() -> store.find(ada, id)).isInstanceOfSatisfying(ChatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                assertThat(e.diagnostics())
                        .containsEntry("errorCause", S3Exception.class.getName())
                        .containsKey("awsRequestId");
            });
            assertThatThrownBy(() -> store.list(ada, ConversationQuery.firstPage()))
                    .isInstanceOfSatisfying(
                            ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
        } finally {
            s3proxy.heal();
        }
        assertThat(store.find(ada, id)).isPresent();
    }

    @Test
    void aStorageThatIsTooSlowIsStorageUnavailableWithinItsTimeouts() {
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        var impatient = new ObjectConversationStore(
                "s3",
                new S3ObjectStore(s3, BUCKET, Duration.ofMillis(800), Duration.ofMillis(300)),
                codec,
                Clock.systemUTC());
        s3proxy.delay(Duration.ofSeconds(3));
        long start = System.nanoTime();
        try {
            assertThatThrownBy(() -> impatient.find(ada, id)).isInstanceOfSatisfying(ChatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                assertThat(e.diagnostics().get("errorCause")).contains("Timeout");
            });
        } finally {
            s3proxy.heal();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aStorageThatIsDownIsStorageUnavailable() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (S3Client down = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .httpClient(AwsCrtHttpClient.create())
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .forcePathStyle(true)
                .build()) {
            var store = new ObjectConversationStore("s3", new S3ObjectStore(down, BUCKET), codec, Clock.systemUTC());

            assertThatThrownBy(() -> store.find(person(), UUID.randomUUID().toString()))
                    .isInstanceOfSatisfying(ChatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                        assertThat(e.diagnostics())
                                .containsEntry("httpClientError", "AWS_IO_SOCKET_CONNECTION_REFUSED");
                    });
        }
    }

    @Test
    void artifactsAreWrittenUnderTheirDatedKey() throws Exception {
        var log = new ByteArrayOutputStream();
        var recorder = new ArtifactRecorder(
                new S3ArtifactStore(s3, BUCKET),
                mapper,
                new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), mapper, Clock.systemUTC()));
        Artifact artifact = artifact("req-s3-artifact-1", Instant.parse("2025-03-04T05:06:07.089Z"));

        recorder.record(artifact);

        JsonNode stored = mapper.readTree(s3.getObjectAsBytes(
                        b -> b.bucket(BUCKET).key("artifacts/date=2025-03-04/050607.089Z-req-s3-artifact-1.json"))
                .asByteArray());
        assertThat(stored.path("message").asText()).isEqualTo("the question");
        assertThat(stored.path("reply").asText()).isEqualTo("the answer");
        assertThat(recorder.failures()).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anArtifactThatCannotBeStoredGoesWholeToTheLogAndIsCounted() throws Exception {
        var log = new ByteArrayOutputStream();
        var recorder = new ArtifactRecorder(
                new S3ArtifactStore(s3, "no-such-bucket"),
                mapper,
                new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), mapper, Clock.systemUTC()),
                List.of(Duration.ofMillis(1), Duration.ofMillis(2)));

        recorder.record(artifact("req-lost-000001", Instant.now()));
        recorder.record(artifact("req-lost-000002", Instant.now()));

        assertThat(recorder.failures()).isEqualTo(2);
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode line = mapper.readTree(lines.get(1));
        assertThat(line.path("type").asText()).isEqualTo("artifact_fallback");
        assertThat(line.path("level").asText()).isEqualTo("error");
        assertThat(line.path("artifactWriteFailures").asInt()).isEqualTo(2);
        assertThat(line.path("artifact").path("requestId").asText()).isEqualTo("req-lost-000002");
        assertThat(line.path("artifact").path("message").asText()).isEqualTo("the question");
        assertThat(line.path("artifact").path("reply").asText()).isEqualTo("the answer");
        assertThat(line.path("reason").asText()).contains("NoSuchBucket");
    }

    @Test
    void anArtifactStoreThatDoesNotAnswerIsLeftWithinTheBudgetAndTheArtifactIsLogged() throws Exception {
        // A listening socket that never accepts: the connection is made, the request sent, and no reply ever comes.
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                S3Client client = S3Client.builder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                        .httpClient(AwsCrtHttpClient.create())
                        .endpointOverride(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                        .forcePathStyle(true)
                        .build()) {
            var log = new ByteArrayOutputStream();
            var recorder = new ArtifactRecorder(
                    new S3ArtifactStore(client, BUCKET, Duration.ofMillis(400)),
                    mapper,
                    new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), mapper, Clock.systemUTC()),
                    List.of(Duration.ofMillis(50)),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5));
            long start = System.nanoTime();

            recorder.record(artifact("req-silent-00001", Instant.now()));

            // Both attempts end by the store's own call timeout, long before the recorder's limits.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(recorder.failures()).isEqualTo(1);
            JsonNode line = mapper.readTree(log.toString(StandardCharsets.UTF_8));
            assertThat(line.path("type").asText()).isEqualTo("artifact_fallback");
            assertThat(line.path("reason").asText()).contains("ApiCallTimeoutException");
            assertThat(line.path("artifact").path("requestId").asText()).isEqualTo("req-silent-00001");
        }
    }

    private static Artifact artifact(String requestId, Instant time) {
        return new Artifact(
                requestId,
                time.toString(),
                "test",
                "bedrock",
                UUID.randomUUID().toString(),
                Principal.ANONYMOUS,
                "amazon.nova-lite-v1:0",
                false,
                "the question",
                "the answer",
                "end_turn",
                new Usage(3, 4),
                120,
                null,
                null,
                true,
                null,
                null);
    }
}
