package dev.bedrockchat.function.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.chat.DailyQuota;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ModelPrices;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.RequestMeasurement;
import dev.bedrockchat.function.chat.Usage;
import dev.bedrockchat.function.chat.UsageMeter;
import dev.bedrockchat.function.chat.UsageStore;
import dev.bedrockchat.function.chat.UsageTotals;
import dev.bedrockchat.function.log.JsonLog;
import dev.bedrockchat.function.store.local.LocalObjectStore;
import dev.bedrockchat.function.store.s3.S3ObjectStore;
import dev.bedrockchat.function.testing.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The usage counters on S3 through the real SDK: against moto, an answer is one PutObject of the person's month (its
 * day's totals inside), and a write that loses a race is retried and counts both; an answer added twice counts once; concurrent writers
 * all count; and a bucket that cannot be reached leaves the
 * chat going, with a log line and the request's metric.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageStoreTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String BUCKET = "chat-artifacts";
    private static final LocalDate DAY = LocalDate.parse("2026-12-01");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final ObjectMapper mapper = new ObjectMapper();
    private S3Client moto;

    @BeforeAll
    void start() {
        moto = client(MOTO.endpoint(), null);
        moto.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    void stop() {
        moto.close();
    }

    private static S3Client client(URI endpoint, ExecutionInterceptor interceptor) {
        var builder = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .httpClient(AwsCrtHttpClient.create())
                .endpointOverride(endpoint)
                .forcePathStyle(true);
        if (interceptor != null) {
            builder.overrideConfiguration(o -> o.addExecutionInterceptor(interceptor));
        }
        return builder.build();
    }

    private ObjectUsageStore store(S3Client s3) {
        return new ObjectUsageStore(new S3ObjectStore(s3, BUCKET), mapper, CLOCK);
    }

    private static Principal person(String name) {
        return new Principal("oidc", name + "-" + System.nanoTime());
    }

    private static UsageTotals answer(int input, int output, String cost) {
        return UsageTotals.ofAnswer(new Usage(input, output), new BigDecimal(cost));
    }

    private static Deadline soon() {
        return Deadline.in(Duration.ofSeconds(5));
    }

    @Test
    void anAnswerIsOneWriteOfThePersonsMonthWithItsDayInside() throws Exception {
        Principal ada = person("ada");
        ObjectUsageStore store = store(moto);
        store.add(ada, "req-00000001", DAY, answer(100, 50, "0.000018"), soon());
        store.add(ada, "req-00000011", DAY.plusDays(1), answer(1, 2, "0.000001"), soon());

        String key = "usage/" + ada.key() + "/2026-12.json";
        assertThat(ObjectUsageStore.key(ada, YearMonth.of(2026, 12))).isEqualTo(key);
        assertThat(moto.listObjectsV2(r -> r.bucket(BUCKET).prefix("usage/" + ada.key() + "/"))
                        .contents())
                .extracting(S3Object::key)
                .containsExactly(key);
        assertThat(moto.getObjectTagging(r -> r.bucket(BUCKET).key(key)).tagSet())
                .isEmpty();
        assertThat(moto.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String())
                .isEqualTo("{\"period\":\"2026-12\",\"inputTokens\":101,\"outputTokens\":52,\"cacheReadTokens\":0,"
                        + "\"cacheWriteTokens\":0,\"costUsd\":0.000019,\"requests\":2,\"days\":{"
                        + "\"2026-12-01\":{\"inputTokens\":100,\"outputTokens\":50,\"cacheReadTokens\":0,"
                        + "\"cacheWriteTokens\":0,\"costUsd\":0.000018,\"requests\":1},"
                        + "\"2026-12-02\":{\"inputTokens\":1,\"outputTokens\":2,\"cacheReadTokens\":0,"
                        + "\"cacheWriteTokens\":0,\"costUsd\":0.000001,\"requests\":1}},"
                        + "\"requestIds\":[\"req-00000001\",\"req-00000011\"],\"updatedAt\":\"2026-12-01T10:00:00Z\"}");
        assertThat(store(moto).counted(ada, DAY))
                .isEqualTo(new UsageStore.Counted(
                        new UsageTotals(100, 50, 0, 0, new BigDecimal("0.000018"), 1),
                        new UsageTotals(101, 52, 0, 0, new BigDecimal("0.000019"), 2)));
        assertThat(store(moto).counted(ada, DAY.plusMonths(1))).isEqualTo(UsageStore.Counted.NONE);
    }

    @Test
    void anAnswerAddedTwiceCountsOnce() {
        Principal bob = person("bob");
        ObjectUsageStore store = store(moto);
        store.add(bob, "req-00000002", DAY, answer(10, 5, "0.000002"), soon());
        store.add(bob, "req-00000002", DAY, answer(10, 5, "0.000002"), soon());
        store.add(bob, "req-00000003", DAY, answer(1, 1, "0.000001"), soon());

        assertThat(store.counted(bob, DAY).day())
                .isEqualTo(new UsageTotals(11, 6, 0, 0, new BigDecimal("0.000003"), 2));
        assertThat(store.counted(bob, DAY).month().requests()).isEqualTo(2);
        assertThat(store.counted(bob, DAY.plusDays(1)).day()).isEqualTo(UsageTotals.ZERO);
        assertThat(store.counted(bob, DAY.plusDays(1)).month().requests()).isEqualTo(2);
    }

    @Test
    void aWriteThatLosesTheRaceIsReadAgainAndBothAnswersCount() {
        Principal cy = person("cy");
        String key = ObjectUsageStore.key(cy, YearMonth.from(DAY));
        ObjectUsageStore other = store(moto);
        var interfered = new AtomicBoolean();
        List<String> conditions = new CopyOnWriteArrayList<>();
        ExecutionInterceptor rival = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put
                        && put.key().equals(key)) {
                    conditions.add(put.ifNoneMatch() != null ? "If-None-Match" : "If-Match");
                    if (interfered.compareAndSet(false, true)) {
                        // Another request of the same person is counted between this one's read and its write.
                        other.add(cy, "req-rival-001", DAY, answer(7, 3, "0.000001"), soon());
                    }
                }
            }
        };
        try (S3Client racing = client(MOTO.endpoint(), rival)) {
            store(racing).add(cy, "req-00000004", DAY, answer(20, 10, "0.000004"), soon());
        }

        assertThat(conditions).containsExactly("If-None-Match", "If-Match");
        assertThat(store(moto).counted(cy, DAY).day())
                .isEqualTo(new UsageTotals(27, 13, 0, 0, new BigDecimal("0.000005"), 2));
    }

    /**
     * Two processes count one person: each starts its write from the version it last wrote (the other's write in
     * between fails that condition, and the counter is read afresh), and a read names the version it has (S3 answers
     * 304 while it is still that one).
     */
    @Test
    void twoProcessesCountingOnePersonEachStartFromTheirLastVersionAndBothCount() {
        Principal eve = person("eve");
        String key = ObjectUsageStore.key(eve, YearMonth.from(DAY));
        List<String> requests = new CopyOnWriteArrayList<>();
        ExecutionInterceptor watch = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                String status = Integer.toString(context.httpResponse().statusCode());
                if (context.request() instanceof PutObjectRequest put
                        && put.key().equals(key)) {
                    requests.add("PUT " + (put.ifNoneMatch() != null ? "If-None-Match" : "If-Match") + " " + status);
                } else if (context.request() instanceof GetObjectRequest get
                        && get.key().equals(key)) {
                    requests.add("GET " + (get.ifNoneMatch() != null ? "If-None-Match" : "") + " " + status);
                }
            }
        };
        try (S3Client watched = client(MOTO.endpoint(), watch)) {
            ObjectUsageStore mine = store(watched);
            ObjectUsageStore other = store(moto);

            mine.add(eve, "req-eve-0001", DAY, answer(1, 1, "0.000001"), soon());
            UsageTotals afterMine = mine.counted(eve, DAY).day();
            other.add(eve, "req-eve-0002", DAY, answer(2, 2, "0.000002"), soon());
            mine.add(eve, "req-eve-0003", DAY, answer(4, 4, "0.000004"), soon());
            UsageTotals afterAll = mine.counted(eve, DAY).day();

            assertThat(afterMine).isEqualTo(new UsageTotals(1, 1, 0, 0, new BigDecimal("0.000001"), 1));
            assertThat(afterAll).isEqualTo(new UsageTotals(7, 7, 0, 0, new BigDecimal("0.000007"), 3));
            assertThat(other.counted(eve, DAY).day()).isEqualTo(afterAll);
        }
        assertThat(requests)
                .containsExactly(
                        "GET  404", // nothing counted yet
                        "PUT If-None-Match 200",
                        "GET If-None-Match 304", // the day's totals: still the version written
                        "PUT If-Match 412", // from the version written, which the other process replaced
                        "GET  200",
                        "PUT If-Match 200",
                        "GET If-None-Match 304");
    }

    /**
     * Concurrent writers on the local folder, whose conditional writes are atomic as S3's are (moto checks
     * conditions apart from its write).
     */
    @Test
    void concurrentWritersOfOnePersonAreAllCounted() throws Exception {
        var dir = java.nio.file.Files.createTempDirectory("usage");
        var store = new ObjectUsageStore(new LocalObjectStore(dir), mapper, CLOCK);
        Principal dee = person("dee");
        try (var pool = Executors.newFixedThreadPool(6)) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 6; i++) {
                String id = "req-concurrent-" + i;
                futures.add(pool.submit(() -> store.add(dee, id, DAY, answer(10, 10, "0.000001"), soon())));
            }
            for (var future : futures) {
                future.get();
            }
        }
        assertThat(store.counted(dee, DAY))
                .isEqualTo(new UsageStore.Counted(
                        new UsageTotals(60, 60, 0, 0, new BigDecimal("0.000006"), 6),
                        new UsageTotals(60, 60, 0, 0, new BigDecimal("0.000006"), 6)));
    }

    @Test
    void aBucketThatCannotBeReachedLetsTheChatGoOnAndSaysSo() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var out = new ByteArrayOutputStream();
        var log = new JsonLog(new PrintStream(out, true, StandardCharsets.UTF_8), mapper, CLOCK);
        var measured = new CopyOnWriteArrayList<RequestMeasurement>();
        try (S3Client down = client(URI.create("http://127.0.0.1:" + closedPort), null)) {
            var meter = new UsageMeter(
                    Optional.of(new ObjectUsageStore(
                            new S3ObjectStore(down, BUCKET, Duration.ofMillis(500), Duration.ofMillis(200)),
                            mapper,
                            CLOCK)),
                    ModelPrices.NONE,
                    new DailyQuota(OptionalLong.of(1), Optional.empty()),
                    measured::add,
                    log,
                    CLOCK);
            Principal eve = person("eve");

            UsageMeter.Admission admission = meter.check(eve, "req-00000005");
            meter.record(new UsageMeter.Metered(
                    "req-00000005", "chat", eve, "amazon.nova-lite-v1:0", new Usage(5, 5), null, 10L, 20, admission));

            assertThat(admission.storeFailed()).isTrue();
            assertThat(measured).singleElement().satisfies(m -> {
                assertThat(m.usageStoreFailed()).isTrue();
                assertThat(m.errorCode()).isEmpty();
            });
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                lines.add(mapper.readTree(line));
            }
            assertThat(lines)
                    .extracting(line -> line.path("type").asText() + ":"
                            + line.path("operation").asText())
                    .containsExactly("usage_store_unavailable:check", "usage_store_unavailable:record");
            assertThat(lines.getFirst().path("level").asText()).isEqualTo("warn");
            assertThat(lines.getFirst().path("requestId").asText()).isEqualTo("req-00000005");
        }
    }

    @Test
    void theLocalFolderKeepsTheSameCounters() throws Exception {
        var dir = java.nio.file.Files.createTempDirectory("usage");
        var store = new ObjectUsageStore(new LocalObjectStore(dir), mapper, CLOCK);
        Principal fay = person("fay");
        store.add(fay, "req-00000006", DAY, answer(3, 4, "0.000001"), soon());
        store.add(fay, "req-00000006", DAY, answer(3, 4, "0.000001"), soon());

        try (var files = java.nio.file.Files.list(dir.resolve("usage/" + fay.key()))) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("2026-12.json");
        }
        assertThat(store.counted(fay, DAY).day()).isEqualTo(new UsageTotals(3, 4, 0, 0, new BigDecimal("0.000001"), 1));
    }

    @Test
    void aCounterWithFieldsThatAreNotNumbersReadsThemAsZeroAndTheNextAnswerReplacesThem() throws Exception {
        var dir = java.nio.file.Files.createTempDirectory("usage");
        var objects = new LocalObjectStore(dir);
        var store = new ObjectUsageStore(objects, mapper, CLOCK);
        Principal gus = person("gus");
        String key = ObjectUsageStore.key(gus, YearMonth.from(DAY));
        objects.put(
                key,
                ("{\"period\":\"2026-12\",\"inputTokens\":5,\"costUsd\":\"x\",\"requests\":1,"
                                + "\"days\":{\"2026-12-01\":{\"inputTokens\":5,\"costUsd\":{},\"requests\":1},"
                                + "\"2026-12-02\":7},\"requestIds\":[\"req-old-0001\"]}")
                        .getBytes(StandardCharsets.UTF_8),
                ObjectStore.Condition.ifAbsent());

        assertThat(store.counted(gus, DAY))
                .isEqualTo(new UsageStore.Counted(
                        new UsageTotals(5, 0, 0, 0, BigDecimal.ZERO, 1),
                        new UsageTotals(5, 0, 0, 0, BigDecimal.ZERO, 1)));
        store.add(gus, "req-00000012", DAY, answer(1, 1, "0.000001"), soon());

        JsonNode written = mapper.readTree(java.nio.file.Files.readAllBytes(dir.resolve(key)));
        assertThat(written.path("costUsd").decimalValue()).isEqualByComparingTo("0.000001");
        assertThat(written.at("/days/2026-12-01/costUsd").decimalValue()).isEqualByComparingTo("0.000001");
        assertThat(written.at("/days/2026-12-02/requests").asLong()).isZero();
        assertThat(store.counted(gus, DAY).day()).isEqualTo(new UsageTotals(6, 1, 0, 0, new BigDecimal("0.000001"), 2));
    }

    @Test
    void theFunctionOnABucketCountsEachAnswerInThePersonsMonth() throws Exception {
        try (var stub = dev.bedrockchat.function.testing.BedrockRuntimeStub.start();
                TestApp app = TestApp.againstStub(
                        stub.endpoint(),
                        Map.of(
                                "ARTIFACT_BUCKET",
                                BUCKET,
                                "AWS_ENDPOINT_URL_S3",
                                MOTO.endpoint().toString(),
                                "USER_DAILY_TOKEN_QUOTA",
                                "1000000"))) {
            var response = app.postJson("/api/chat", "{\"message\":\"[cached] on S3\"}");
            assertThat(response.statusCode()).isEqualTo(200);

            Principal client = new Principal("ip", "127.0.0.1");
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            JsonNode counter = mapper.readTree(moto.getObjectAsBytes(
                            r -> r.bucket(BUCKET).key(ObjectUsageStore.key(client, YearMonth.from(today))))
                    .asByteArray());
            assertThat(counter.at("/days/" + today + "/requests").asLong()).isEqualTo(1);
            assertThat(counter.path("requests").asLong()).isGreaterThanOrEqualTo(1);
            JsonNode usage = TestApp.json(app.get("/api/usage"));
            assertThat(usage.path("today").path("totalTokens").asLong()).isEqualTo(1500);
            assertThat(app.logLines())
                    .noneMatch(line -> line.path("type").asText().equals("usage_store_unavailable"));
        }
    }
}
