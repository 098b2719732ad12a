package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pool of BEDROCK_MAX_CONCURRENCY connections, and a limit of as many model calls in flight: a call beyond it waits
 * its turn a bounded time, then is refused with 503 ModelBusy and Retry-After (never queued into the HTTP client until
 * it gives up as "unreachable").
 */
class ModelConcurrencyTest {
    private BedrockRuntimeStub stub;

    @BeforeEach
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private TestApp app(Duration queueWait) {
        return TestApp.againstStub(
                stub.endpoint(), Map.of("BEDROCK_MAX_CONCURRENCY", "2"), builder -> builder.modelQueueWait(queueWait));
    }

    /** Two streams that hold their slots until released. */
    private List<CompletableFuture<HttpResponse<String>>> holdBothSlots(TestApp app) {
        var held = List.of(
                CompletableFuture.supplyAsync(() -> app.chatStream("{\"message\":\"[gated] one\"}")),
                CompletableFuture.supplyAsync(() -> app.chatStream("{\"message\":\"[gated] two\"}")));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (stub.requests().size() < 2 && System.nanoTime() < deadline) {
            TestApp.sleep(10);
        }
        assertThat(stub.requests()).hasSize(2);
        return held;
    }

    /**
     * A streamed turn is done at the model's last event, but its call holds its slot until the model's response has
     * ended: the connection is not free before.
     */
    @Test
    void aStreamDoneBeforeItsResponseEndedHoldsItsSlotUntilItEnds() {
        try (TestApp app = app(Duration.ofMillis(300))) {
            List<HttpResponse<String>> done = List.of(
                    app.chatStream("{\"message\":\"[held-end] one\"}"),
                    app.chatStream("{\"message\":\"[held-end] two\"}"));
            assertThat(done).allSatisfy(stream -> {
                assertThat(stream.statusCode()).isEqualTo(200);
                assertThat(stream.body()).contains("event: done", "data: [DONE]");
            });
            assertThat(stub.holding()).isTrue();

            HttpResponse<String> refused = app.postJson("/api/chat", "{\"message\":\"one more\"}");

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(TestApp.json(refused).path("error").path("code").asText())
                    .isEqualTo("ModelBusy");
            stub.releaseGate();
            stub.releaseGate();
            assertThat(app.postJson("/api/chat", "{\"message\":\"now there is room\"}")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aCallBeyondThePoolIsRefusedWithModelBusyAfterABoundedWait() {
        try (TestApp app = app(Duration.ofMillis(300))) {
            var held = holdBothSlots(app);

            HttpResponse<String> json = app.postJson("/api/chat", "{\"message\":\"one more\"}");
            HttpResponse<String> streamed = app.chatStream("{\"message\":\"and another\"}");

            for (HttpResponse<String> refused : List.of(json, streamed)) {
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
                JsonNode error = TestApp.json(refused).path("error");
                assertThat(error.path("code").asText()).isEqualTo("ModelBusy");
                assertThat(error.path("reason").asText()).isEqualTo("concurrency_limit");
                assertThat(error.path("message").asText())
                        .contains("BEDROCK_MAX_CONCURRENCY (2)")
                        .contains("within 300 ms")
                        .contains("try again in a few seconds");
            }
            assertThat(stub.requests())
                    .as("the refused calls never reached Bedrock")
                    .hasSize(2);

            stub.releaseGate();
            stub.releaseGate();
            held.forEach(stream -> assertThat(stream.join().statusCode()).isEqualTo(200));
            assertThat(app.postJson("/api/chat", "{\"message\":\"now there is room\"}")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aCallThatWaitsGetsTheFirstSlotThatFrees() {
        try (TestApp app = app(Duration.ofSeconds(10))) {
            var held = holdBothSlots(app);
            var waiting = CompletableFuture.supplyAsync(() -> app.postJson("/api/chat", "{\"message\":\"patient\"}"));
            TestApp.sleep(200);
            assertThat(waiting).isNotDone();

            stub.releaseGate();

            HttpResponse<String> answered = waiting.join();
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(answered).path("reply").asText()).isEqualTo("Stub reply to: patient");
            stub.releaseGate();
            held.forEach(stream -> assertThat(stream.join().statusCode()).isEqualTo(200));
        }
    }
}
