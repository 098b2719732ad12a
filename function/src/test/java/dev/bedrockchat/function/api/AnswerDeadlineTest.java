package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ANSWER_TIMEOUT_SECONDS bounds a whole answer, however steadily the model keeps sending: here two seconds, while the
 * stub's {@code [slow]} answer takes nine (60 deltas, 150 ms apart) and MODEL_TIMEOUT_SECONDS is far away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnswerDeadlineTest {
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(
                stub.endpoint(), Map.of("ANSWER_TIMEOUT_SECONDS", "2", "MODEL_TIMEOUT_SECONDS", "20"));
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    @Test
    void aStreamStillRunningAtTheDeadlineEndsWithATimeoutAndKeepsWhatWasSent() {
        long start = System.nanoTime();
        HttpResponse<String> response = app.chatStream("{\"message\":\"[slow] tell me everything\"}");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String requestId = TestApp.requestId(response);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(8));
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.getFirst().name()).isEqualTo("start");
        String conversationId =
                TestApp.json(events.getFirst().data()).path("conversationId").asText();
        List<Sse.Event> deltas = events.stream()
                .filter(e -> e.name().equals("message") && !e.data().equals("[DONE]"))
                .toList();
        assertThat(deltas).hasSizeBetween(3, 59);
        String sent = Sse.text(events);
        Sse.Event error = events.get(events.size() - 2);
        assertThat(error.name()).isEqualTo("error");
        JsonNode envelope = TestApp.json(error.data()).path("error");
        assertThat(envelope.path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(envelope.path("message").asText()).contains("ANSWER_TIMEOUT_SECONDS");
        assertThat(envelope.path("requestId").asText()).isEqualTo(requestId);
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        assertThat(events).noneMatch(e -> e.name().equals("done"));

        // Kept like an answer the client left: the question with the part sent, in the conversation and the artifact.
        JsonNode messages =
                TestApp.json(app.get("/api/conversations/" + conversationId)).path("messages");
        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant");
        assertThat(messages.findValuesAsText("content")).containsExactly("[slow] tell me everything", sent);
        JsonNode artifact = app.awaitArtifact(requestId);
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(artifact.path("reply").asText()).isEqualTo(sent).startsWith("Slow part 1. ");
        JsonNode line = app.requestLog(requestId);
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("errorCode").asText()).isEqualTo("ModelTimeout");

        // The next turn carries the partial answer as history.
        app.postJson("/api/chat", "{\"message\":\"go on\",\"conversationId\":\"" + conversationId + "\"}");
        assertThat(stub.lastRequest().conversation())
                .containsExactly("user: [slow] tell me everything", "assistant: " + sent, "user: go on");
    }

    @Test
    void aWholeAnswerNotCompleteByTheDeadlineIsATimeout() {
        long start = System.nanoTime();
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"[hang] whole\"}");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(error.path("message").asText()).contains("ANSWER_TIMEOUT_SECONDS");
        assertThat(app.awaitArtifact(TestApp.requestId(response))
                        .path("error")
                        .path("code")
                        .asText())
                .isEqualTo("ModelTimeout");
    }

    @Test
    void aStreamThatHasNotOpenedByTheDeadlineIsA504() {
        long start = System.nanoTime();
        HttpResponse<String> response = app.chatStream("{\"message\":\"[hang] streamed\"}");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(error.path("message").asText()).contains("ANSWER_TIMEOUT_SECONDS");
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(response));
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(artifact.path("reply").isNull()).isTrue();
    }

    @Test
    void anAnswerWithinTheDeadlineIsUntouched() {
        HttpResponse<String> response = app.chatStream("{\"message\":\"quick one\"}");

        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.get(events.size() - 2).name()).isEqualTo("done");
    }
}
