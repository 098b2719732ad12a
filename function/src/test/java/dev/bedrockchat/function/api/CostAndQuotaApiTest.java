package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.MutableClock;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cost, quotas and usage through the API, against the Bedrock stand-in: each answer's estimated cost (prompt-cache
 * tokens included) in the JSON answer, the {@code done} event and the artifact; the daily quota's 429 before the model
 * is called; {@code GET /api/usage}; answers cut short still counted; concurrent requests of one person all counted;
 * the person is the client's address where nobody signs in; and a usage store that fails lets the chat go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CostAndQuotaApiTest {
    /** Nova Lite's table entry, with a cache-write price added so that every term of the cost counts. */
    private static final String PRICES = "{\"amazon.nova-lite-v1:0\":{\"inputPer1k\":0.00006,\"outputPer1k\":0.00024,"
            + "\"cacheReadPer1k\":0.000015,\"cacheWritePer1k\":0.000075}}";
    /** 1000 × 0.00006 + 500 × 0.00024 + 2000 × 0.000015 + 400 × 0.000075, per 1,000 tokens. */
    private static final BigDecimal CACHED_COST = new BigDecimal("0.000240");

    private static final Instant NOW = Instant.parse("2026-12-01T22:00:00Z");
    private static final String MIDNIGHT = "2026-12-02T00:00:00Z";

    private BedrockRuntimeStub stub;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
    }

    @AfterAll
    void stop() {
        stub.close();
    }

    private TestApp app(Map<String, String> environment) {
        var env = new HashMap<String, String>();
        env.put("MODEL_PRICES", PRICES);
        env.put("MODEL_PRICES_TAKEN_ON", "2026-12-01");
        env.put("ENVIRONMENT_NAME", "test");
        env.putAll(environment);
        var clock = new MutableClock(NOW);
        return TestApp.againstStub(stub.endpoint(), env, builder -> builder.clock(clock));
    }

    /** The EMF line of a request. */
    private static JsonNode metricsLine(TestApp app, String requestId) {
        return app.awaitLogLine(
                line -> line.has("_aws") && line.path("requestId").asText().equals(requestId));
    }

    @Test
    void aCachedAnswerCostsWhatThePriceTableSaysInTheAnswerTheArtifactAndTheMetrics() {
        try (TestApp app = app(Map.of())) {
            HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"[cached] hello\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = TestApp.json(response);
            assertThat(body.path("costUsd").decimalValue()).isEqualByComparingTo(CACHED_COST);
            assertThat(body.path("usage").toString())
                    .isEqualTo("{\"inputTokens\":1000,\"outputTokens\":500,\"cacheReadTokens\":2000,"
                            + "\"cacheWriteTokens\":400}");

            String requestId = TestApp.requestId(response);
            JsonNode artifact = app.awaitArtifact(requestId);
            assertThat(artifact.path("costUsd").decimalValue()).isEqualByComparingTo(CACHED_COST);
            assertThat(artifact.path("usage").path("cacheReadTokens").asInt()).isEqualTo(2000);
            assertThat(artifact.path("usage").path("cacheWriteTokens").asInt()).isEqualTo(400);
            assertThat(artifact.path("usageEstimated").asBoolean(true)).isFalse();

            JsonNode emf = metricsLine(app, requestId);
            assertThat(emf.path("Model").asText()).isEqualTo("amazon.nova-lite-v1:0");
            assertThat(emf.path("Environment").asText()).isEqualTo("test");
            assertThat(emf.path("Api").asText()).isEqualTo("chat");
            assertThat(emf.path("InputTokens").asInt()).isEqualTo(1000);
            assertThat(emf.path("OutputTokens").asInt()).isEqualTo(500);
            assertThat(emf.path("CacheReadTokens").asInt()).isEqualTo(2000);
            assertThat(emf.path("CacheWriteTokens").asInt()).isEqualTo(400);
            assertThat(emf.path("EstimatedCostUsd").decimalValue()).isEqualByComparingTo(CACHED_COST);
            assertThat(emf.path("_aws")
                            .path("CloudWatchMetrics")
                            .get(0)
                            .path("Namespace")
                            .asText())
                    .isEqualTo("BedrockChat/test");
            assertThat(emf.path("_aws").path("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        }
    }

    @Test
    void theDoneEventCarriesTheCostAndAModelWithoutAPriceHasNone() {
        try (TestApp app = app(Map.of("ALLOWED_MODEL_IDS", "amazon.nova-lite-v1:0,amazon.nova-micro-v1:0"))) {
            List<Sse.Event> events =
                    Sse.parse(app.chatStream("{\"message\":\"[cached] hi\"}").body());
            JsonNode done = events.stream()
                    .filter(event -> "done".equals(event.name()))
                    .findFirst()
                    .orElseThrow()
                    .json();
            assertThat(done.path("costUsd").decimalValue()).isEqualByComparingTo(CACHED_COST);

            HttpResponse<String> unpriced =
                    app.postJson("/api/chat", "{\"message\":\"[cached] hi\",\"modelId\":\"amazon.nova-micro-v1:0\"}");
            assertThat(unpriced.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(unpriced).has("costUsd")).isTrue();
            assertThat(TestApp.json(unpriced).path("costUsd").isNull()).isTrue();
            assertThat(metricsLine(app, TestApp.requestId(unpriced)).has("EstimatedCostUsd"))
                    .isFalse();

            // One start-up line names every allowed model without a price.
            JsonNode warning =
                    app.awaitLogLine(line -> line.path("type").asText().equals("startup_models_without_price"));
            assertThat(warning.path("level").asText()).isEqualTo("warn");
            assertThat(warning.path("models").toString()).isEqualTo("[\"amazon.nova-micro-v1:0\"]");
        }
    }

    @Test
    void theOpenAiApiIsMeteredLikeTheChatItsCostInTheArtifactAndMetricsLineAndTheSameQuotaIn429s() {
        String completion = "{\"model\":\"amazon.nova-lite-v1:0\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"[cached] one\"}]}";
        try (TestApp app = app(Map.of("USER_DAILY_TOKEN_QUOTA", "1500"))) {
            HttpResponse<String> answered = app.postJson("/v1/chat/completions", completion);

            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(TestApp.json(answered)
                            .path("usage")
                            .path("prompt_tokens")
                            .asInt())
                    .isEqualTo(1000);
            String requestId = TestApp.requestId(answered);
            JsonNode artifact = app.awaitArtifact(requestId);
            assertThat(artifact.path("api").asText()).isEqualTo("openai");
            assertThat(artifact.path("costUsd").decimalValue()).isEqualByComparingTo(CACHED_COST);
            assertThat(artifact.path("usageEstimated").asBoolean(true)).isFalse();
            JsonNode emf = metricsLine(app, requestId);
            assertThat(emf.path("Api").asText()).isEqualTo("openai");
            assertThat(emf.path("Model").asText()).isEqualTo("amazon.nova-lite-v1:0");
            assertThat(emf.path("Requests").asInt()).isEqualTo(1);
            assertThat(emf.path("InputTokens").asInt()).isEqualTo(1000);
            assertThat(emf.path("OutputTokens").asInt()).isEqualTo(500);
            assertThat(emf.path("EstimatedCostUsd").decimalValue()).isEqualByComparingTo(CACHED_COST);
            int calls = stub.requests().size();

            // The person's day is one, whichever API spent it.
            assertThat(app.postJson("/api/chat", "{\"message\":\"two\"}").statusCode())
                    .isEqualTo(429);
            HttpResponse<String> refused = app.postJson("/v1/chat/completions", completion);

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("7200");
            JsonNode error = TestApp.json(refused).path("error");
            assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
            assertThat(error.path("message").asText())
                    .isEqualTo("You have used your daily quota of 1500 tokens (1500 used today); it resets at "
                            + "midnight UTC (" + MIDNIGHT + ")");
            assertThat(stub.requests()).hasSize(calls);
            JsonNode refusal = metricsLine(app, TestApp.requestId(refused));
            assertThat(refusal.path("Api").asText()).isEqualTo("openai");
            assertThat(refusal.path("QuotaRejections").asInt()).isEqualTo(1);
            assertThat(refusal.path("ErrorCode").asText()).isEqualTo("QuotaExceeded");
        }
    }

    @Test
    void aPersonAtTheTokenQuotaGets429BeforeTheModelIsCalledAndUsageShowsTheDay() {
        try (TestApp app = app(Map.of("USER_DAILY_TOKEN_QUOTA", "1500"))) {
            assertThat(app.postJson("/api/chat", "{\"message\":\"[cached] one\"}")
                            .statusCode())
                    .isEqualTo(200);
            int calls = stub.requests().size();

            HttpResponse<String> refused = app.postJson("/api/chat", "{\"message\":\"two\"}");

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("7200");
            JsonNode error = TestApp.json(refused).path("error");
            assertThat(error.path("code").asText()).isEqualTo("QuotaExceeded");
            assertThat(error.path("resetsAt").asText()).isEqualTo(MIDNIGHT);
            assertThat(error.path("retryAfterSeconds").asInt()).isEqualTo(7200);
            assertThat(error.path("message").asText())
                    .isEqualTo("You have used your daily quota of 1500 tokens (1500 used today); it resets at "
                            + "midnight UTC (" + MIDNIGHT + ")");
            assertThat(stub.requests()).hasSize(calls);

            JsonNode emf = metricsLine(app, TestApp.requestId(refused));
            assertThat(emf.path("QuotaRejections").asInt()).isEqualTo(1);
            assertThat(emf.path("Errors").asInt()).isEqualTo(1);
            assertThat(emf.path("ErrorCode").asText()).isEqualTo("QuotaExceeded");
            assertThat(emf.has("InputTokens")).isFalse();

            assertThat(app.get("/api/usage").body())
                    .isEqualTo("{\"principal\":{\"kind\":\"ip\"},"
                            + "\"today\":{\"inputTokens\":1000,\"outputTokens\":500,\"totalTokens\":1500,"
                            + "\"costUsd\":0.000240,\"requests\":1},"
                            + "\"month\":{\"inputTokens\":1000,\"outputTokens\":500,\"totalTokens\":1500,"
                            + "\"costUsd\":0.000240,\"requests\":1},"
                            + "\"quota\":{\"dailyTokens\":1500,\"dailyUsd\":null,\"remainingTokens\":0,"
                            + "\"remainingUsd\":null,\"resetsAt\":\"" + MIDNIGHT + "\"}}");
        }
    }

    @Test
    void theDollarQuotaCountsTheEstimatedCost() {
        try (TestApp app = app(Map.of("USER_DAILY_USD_QUOTA", "0.0002"))) {
            assertThat(app.postJson("/api/chat", "{\"message\":\"[cached] one\"}")
                            .statusCode())
                    .isEqualTo(200);
            JsonNode usage = TestApp.json(app.get("/api/usage")).path("quota");
            assertThat(usage.path("dailyUsd").decimalValue()).isEqualByComparingTo("0.0002");
            assertThat(usage.path("remainingUsd").decimalValue()).isEqualByComparingTo("0");
            assertThat(usage.path("dailyTokens").isNull()).isTrue();

            HttpResponse<String> refused = app.chatStream("{\"message\":\"two\"}");

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(TestApp.json(refused).path("error").path("message").asText())
                    .isEqualTo("You have used your daily quota of US$0.0002 (an estimated US$0.00024 used today); it "
                            + "resets at midnight UTC (" + MIDNIGHT + ")");
        }
    }

    @Test
    void aStreamTheClientStoppedIsCountedWithAnEstimateOfWhatWasStreamed() throws Exception {
        try (TestApp app = app(Map.of())) {
            HttpRequest request = HttpRequest.newBuilder(app.uri("/api/chat"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"[slow] long answer\"}"))
                    .build();
            HttpResponse<InputStream> response = app.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body();
                    var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null && !line.startsWith("data: {\"content\"")) {
                    // up to the first delta, then leave
                }
            }
            String requestId = TestApp.requestId(response);
            JsonNode artifact = app.awaitArtifact(requestId);
            String streamed = artifact.path("reply").asText();
            assertThat(streamed).startsWith("Slow part 1.");
            assertThat(artifact.path("usageEstimated").asBoolean()).isTrue();
            int outputTokens = artifact.path("usage").path("outputTokens").asInt();
            assertThat(outputTokens).isEqualTo((streamed.length() + 3) / 4);

            JsonNode emf = metricsLine(app, requestId);
            assertThat(emf.path("OutputTokens").asInt()).isEqualTo(outputTokens);
            assertThat(emf.path("Errors").asInt())
                    .as("a client leaving is not an error")
                    .isZero();

            JsonNode today = TestApp.json(app.get("/api/usage")).path("today");
            assertThat(today.path("requests").asInt()).isEqualTo(1);
            assertThat(today.path("outputTokens").asInt()).isEqualTo(outputTokens);
            assertThat(today.path("inputTokens").asInt())
                    .isEqualTo(artifact.path("usage").path("inputTokens").asInt())
                    .isPositive();
        }
    }

    @Test
    void concurrentRequestsOfOnePersonAreAllAdmittedAndAllCountedOnce() throws Exception {
        try (TestApp app = app(Map.of("USER_DAILY_TOKEN_QUOTA", "1"))) {
            List<Future<HttpResponse<String>>> running = new ArrayList<>();
            try (var pool = Executors.newFixedThreadPool(3)) {
                for (int i = 0; i < 3; i++) {
                    String message = "{\"message\":\"[together:3] question " + i + "\"}";
                    running.add(pool.submit((Callable<HttpResponse<String>>) () -> app.postJson("/api/chat", message)));
                }
            }
            long tokens = 0;
            for (Future<HttpResponse<String>> future : running) {
                HttpResponse<String> response = future.get();
                // Each passed the check before any of them was counted: the quota is exceeded by what was running.
                assertThat(response.statusCode()).isEqualTo(200);
                JsonNode usage = TestApp.json(response).path("usage");
                tokens += usage.path("inputTokens").asLong()
                        + usage.path("outputTokens").asLong();
            }

            JsonNode today = TestApp.json(app.get("/api/usage")).path("today");
            assertThat(today.path("requests").asInt()).isEqualTo(3);
            assertThat(today.path("totalTokens").asLong()).isEqualTo(tokens);
            assertThat(app.postJson("/api/chat", "{\"message\":\"one more\"}").statusCode())
                    .isEqualTo(429);
        }
    }

    @Test
    void withoutSignInEachClientAddressHasItsOwnQuota() {
        Map<String, String> env = Map.of(
                "USER_DAILY_TOKEN_QUOTA", "1500",
                "AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap",
                "AWS_LAMBDA_FUNCTION_NAME", "chat-test");
        try (TestApp app = app(env)) {
            String first = "{\"requestId\":\"r-first-0001\",\"identity\":{\"sourceIp\":\"198.51.100.7\"}}";
            String second = "{\"requestId\":\"r-second-001\",\"identity\":{\"sourceIp\":\"203.0.113.9\"}}";
            assertThat(app.postJson("/api/chat", "{\"message\":\"[cached] a\"}", "x-amzn-request-context", first)
                            .statusCode())
                    .isEqualTo(200);

            assertThat(app.postJson("/api/chat", "{\"message\":\"b\"}", "x-amzn-request-context", first)
                            .statusCode())
                    .isEqualTo(429);
            assertThat(app.postJson("/api/chat", "{\"message\":\"c\"}", "x-amzn-request-context", second)
                            .statusCode())
                    .isEqualTo(200);
            JsonNode usage = TestApp.json(app.get("/api/usage", "x-amzn-request-context", second));
            assertThat(usage.path("principal").path("kind").asText()).isEqualTo("ip");
            assertThat(usage.path("today").path("requests").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aSignedInPersonIsMeteredAsTheirPrincipal() {
        try (TestApp app = app(Map.of("AUTH_TOKEN", "s3cret-token-for-tests"))) {
            assertThat(app.postJson(
                                    "/api/chat",
                                    "{\"message\":\"[cached] a\"}",
                                    "X-Chat-Token",
                                    "s3cret-token-for-tests")
                            .statusCode())
                    .isEqualTo(200);
            JsonNode usage = TestApp.json(app.get("/api/usage", "X-Chat-Token", "s3cret-token-for-tests"));
            assertThat(usage.path("principal").toString()).isEqualTo("{\"kind\":\"token\",\"name\":\"Shared token\"}");
            assertThat(usage.path("today").path("requests").asInt()).isEqualTo(1);
            assertThat(app.get("/api/usage").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void whenTheUsageStoreFailsTheChatGoesOnAndSaysSo() throws Exception {
        try (TestApp app = app(Map.of("USER_DAILY_TOKEN_QUOTA", "1"))) {
            // A file where the usage folder should be: every read and write of a counter fails.
            Files.writeString(app.dataDir().resolve("usage"), "not a folder");

            HttpResponse<String> first = app.postJson("/api/chat", "{\"message\":\"[cached] a\"}");
            HttpResponse<String> second = app.postJson("/api/chat", "{\"message\":\"[cached] b\"}");

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode())
                    .as("nothing was counted, so nothing is over")
                    .isEqualTo(200);
            String requestId = TestApp.requestId(first);
            JsonNode warning =
                    app.awaitLogLine(line -> line.path("type").asText().equals("usage_store_unavailable")
                            && line.path("requestId").asText().equals(requestId)
                            && line.path("operation").asText().equals("record"));
            assertThat(warning.path("level").asText()).isEqualTo("warn");
            assertThat(metricsLine(app, requestId).path("UsageStoreErrors").asInt())
                    .isEqualTo(1);
            assertThat(app.get("/api/usage").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void theOfflineStandInCostsNothingButItsAnswersAreStillCounted() {
        var env = new HashMap<String, String>();
        env.put("CHAT_MODE", "offline");
        env.put("MODEL_PRICES", PRICES);
        try (TestApp app = TestApp.start(env)) {
            HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"hello\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(response).path("costUsd").isNull()).isTrue();
            JsonNode today = TestApp.json(app.get("/api/usage")).path("today");
            assertThat(today.path("requests").asInt()).isEqualTo(1);
            assertThat(today.path("totalTokens").asInt()).isPositive();
            assertThat(app.logLines())
                    .noneMatch(line -> line.path("type").asText().equals("startup_models_without_price"));
        }
    }

    @Test
    void aRequestRefusedBeforeAModelWasChosenIsMeasuredWithoutTheClientsText() {
        try (TestApp app = app(Map.of())) {
            HttpResponse<String> refused =
                    app.postJson("/api/chat", "{\"message\":\"hi\",\"modelId\":\"made.up-model-v9\"}");

            assertThat(refused.statusCode()).isEqualTo(400);
            JsonNode emf = metricsLine(app, TestApp.requestId(refused));
            assertThat(emf.path("Model").asText()).isEqualTo("none");
            assertThat(emf.path("ErrorCode").asText()).isEqualTo("ModelNotAllowed");
            assertThat(emf.path("Errors").asInt()).isEqualTo(1);
            assertThat(emf.toString()).doesNotContain("made.up-model-v9");
        }
    }
}
