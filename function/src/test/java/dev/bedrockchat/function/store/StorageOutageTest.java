package dev.bedrockchat.function.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.S3ProxyServer;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole function when its S3 storage fails: down (a closed port), answering with errors, too slow. Before the
 * model is called a failure to read the history is a clear 503 StorageUnavailable (and the model is not called);
 * after the model has answered, the answer still goes out marked {@code "stored": false}, and the turn is kept by the
 * artifact fallback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageOutageTest {
    private static final String BUCKET = "outage-bucket";
    private S3ProxyServer s3proxy;
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        s3proxy = S3ProxyServer.start();
        try (S3Client s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .httpClient(AwsCrtHttpClient.create())
                .endpointOverride(s3proxy.endpoint())
                .forcePathStyle(true)
                .build()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
        stub = BedrockRuntimeStub.start();
        app = appOn(s3proxy.endpoint().toString());
    }

    private TestApp appOn(String s3Endpoint) {
        return TestApp.againstStub(
                stub.endpoint(),
                Map.of("ARTIFACT_BUCKET", BUCKET, "AWS_ENDPOINT_URL_S3", s3Endpoint),
                builder -> builder.storageTimeouts(Duration.ofMillis(900), Duration.ofMillis(300)));
    }

    @AfterAll
    void stop() throws Exception {
        app.close();
        stub.close();
        s3proxy.close();
    }

    @BeforeEach
    @AfterEach
    void healthy() {
        s3proxy.heal();
        stub.clear();
    }

    private String conversation() {
        JsonNode reply = TestApp.json(app.postJson("/api/chat", "{\"message\":\"kept before the outage\"}"));
        assertThat(reply.path("stored").asBoolean()).isTrue();
        stub.clear();
        return reply.path("conversationId").asText();
    }

    private static void assertStorageUnavailable(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("StorageUnavailable");
        assertThat(error.path("retryAfterSeconds").asInt()).isEqualTo(5);
        assertThat(error.path("message").asText())
                .contains("storage cannot be reached")
                .contains("nothing was sent to the model")
                .doesNotContain("Exception");
    }

    @ParameterizedTest(name = "S3 answers {0}")
    @ValueSource(ints = {500, 503})
    void aHistoryThatCannotBeReadIsStorageUnavailableBeforeTheModelIsCalled(int status) {
        String id = conversation();
        s3proxy.failWith(status);

        HttpResponse<String> json =
                app.postJson("/api/chat", "{\"message\":\"go on\",\"conversationId\":\"" + id + "\"}");
        HttpResponse<String> streamed = app.chatStream("{\"message\":\"go on\",\"conversationId\":\"" + id + "\"}");

        assertStorageUnavailable(json);
        assertStorageUnavailable(streamed);
        assertThat(stub.requests()).as("the model is not called").isEmpty();
        JsonNode line = app.requestLog(TestApp.requestId(json));
        assertThat(line.path("status").asInt()).isEqualTo(503);
        assertThat(line.path("errorCode").asText()).isEqualTo("StorageUnavailable");
        assertThat(line.path("errorCause").asText()).endsWith("S3Exception");
        assertThat(line.path("awsRequestId").asText()).isNotBlank();
        assertStorageUnavailable(app.get("/api/conversations"));
        assertStorageUnavailable(app.get("/api/conversations/" + id));
    }

    @Test
    void aStorageTooSlowToAnswerIsStorageUnavailableWithinItsTimeouts() {
        String id = conversation();
        s3proxy.delay(Duration.ofSeconds(4));
        long start = System.nanoTime();

        HttpResponse<String> response =
                app.postJson("/api/chat", "{\"message\":\"go on\",\"conversationId\":\"" + id + "\"}");

        assertStorageUnavailable(response);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(stub.requests()).isEmpty();
        assertThat(app.requestLog(TestApp.requestId(response))
                        .path("errorCause")
                        .asText())
                .contains("Timeout");
    }

    @Test
    void aStorageThatIsDownIsStorageUnavailableForContinuingAndForNewConversations() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TestApp down = appOn("http://127.0.0.1:" + closedPort)) {
            HttpResponse<String> continuing = down.postJson(
                    "/api/chat", "{\"message\":\"go on\",\"conversationId\":\"" + UUID.randomUUID() + "\"}");
            assertStorageUnavailable(continuing);
            assertThat(down.requestLog(TestApp.requestId(continuing))
                            .path("httpClientError")
                            .asText())
                    .isEqualTo("AWS_IO_SOCKET_CONNECTION_REFUSED");
            assertThat(stub.requests()).isEmpty();

            // A new conversation cannot be created either: refused the same way, before the model.
            HttpResponse<String> fresh = down.postJson("/api/chat", "{\"message\":\"remember this\"}");
            assertStorageUnavailable(fresh);
            assertThat(stub.requests()).isEmpty();
        }
    }

    @Test
    void aStorageThatFailsAfterTheAnswerStillGivesTheAnswerMarkedNotStored() {
        String id = conversation();
        var stream = CompletableFuture.supplyAsync(
                () -> app.chatStream("{\"message\":\"[gated] answer me\",\"conversationId\":\"" + id + "\"}"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (stub.requests().isEmpty() && System.nanoTime() < deadline) {
            TestApp.sleep(10);
        }
        s3proxy.failWith(503);
        stub.releaseGate();

        HttpResponse<String> response = stream.join();

        assertThat(response.statusCode()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        Sse.Event done = events.get(events.size() - 2);
        assertThat(done.name()).isEqualTo("done");
        assertThat(done.json().path("stored").asBoolean()).isFalse();
        assertThat(Sse.text(events)).isEqualTo("Gated reply: first part. second part arrives after the release.");
        String requestId = TestApp.requestId(response);
        JsonNode fallback = app.awaitLogLine(line -> line.path("type").asText().equals("artifact_fallback")
                && line.path("requestId").asText().equals(requestId));
        assertThat(fallback.path("artifact").path("message").asText()).isEqualTo("[gated] answer me");
        assertThat(fallback.path("artifact").path("reply").asText()).isEqualTo(Sse.text(events));
        assertThat(fallback.path("artifact").path("stored").asBoolean()).isFalse();

        s3proxy.heal();
        assertThat(TestApp.json(app.get("/api/conversations/" + id))
                        .path("messages")
                        .findValuesAsText("content"))
                .containsExactly("kept before the outage", "Stub reply to: kept before the outage");
    }
}
