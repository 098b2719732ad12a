package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Deltas travel to the client as the model produces them, and a client that leaves stops the model call. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingTest {
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(stub.endpoint(), Map.of());
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    private HttpResponse<InputStream> openStream(String message) throws Exception {
        return openStreamWith("{\"message\":\"" + message + "\"}");
    }

    private HttpResponse<InputStream> openStreamWith(String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(app.uri("/api/chat"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<InputStream> response = app.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    /** Reads lines up to (and including) the first one that starts with the prefix. */
    private static List<String> readUntil(BufferedReader reader, String prefix) throws Exception {
        var lines = new ArrayList<String>();
        String line;
        while ((line = reader.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(prefix)) {
                return lines;
            }
        }
        throw new AssertionError("Stream ended before a line starting with " + prefix + ": " + lines);
    }

    @Test
    void theFirstDeltaArrivesWhileTheModelIsStillAnswering() throws Exception {
        HttpResponse<InputStream> response = openStream("[gated] go");
        try (InputStream body = response.body();
                var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            List<String> head = readUntil(reader, "data: {\"content\"");

            // The stub holds the rest of its reply until released: this delta cannot have been buffered to the end.
            assertThat(head).contains("event: start");
            assertThat(head.getLast()).isEqualTo("data: {\"content\":\"Gated reply: first part. \"}");
            stub.releaseGate();

            List<String> rest = readUntil(reader, "data: [DONE]");
            assertThat(rest).contains("data: {\"content\":\"second part \"}", "event: done");
        }
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(response));
        assertThat(artifact.path("reply").asText())
                .isEqualTo("Gated reply: first part. second part arrives after the release.");
        assertThat(artifact.path("timeToFirstTokenMs").isIntegralNumber())
                .as("timeToFirstTokenMs")
                .isTrue();
        assertThat(artifact.path("latencyMs").isIntegralNumber())
                .as("latencyMs")
                .isTrue();
        assertThat(artifact.path("timeToFirstTokenMs").asLong())
                .isLessThan(artifact.path("latencyMs").asLong());
    }

    /**
     * The answer is whole at ConverseStream's last event ({@code metadata}, after {@code messageStop}): the turn is
     * stored and {@code done} sent then, while the model's response has yet to end.
     */
    @Test
    void theTurnIsDoneAtTheModelsLastEventWithoutWaitingForItsResponseToEnd() throws Exception {
        HttpResponse<InputStream> response = openStream("[held-end] whole answer");
        String conversationId;
        try (InputStream body = response.body();
                var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            List<String> events = readUntil(reader, "event: done");
            String done = reader.readLine();

            // The stub holds its response open until released: this done did not wait for its end.
            assertThat(stub.holding()).isTrue();
            assertThat(events).anyMatch(line -> line.startsWith("data: {\"content\":\"Stub "));
            assertThat(done).startsWith("data: {").contains("\"stored\":true").contains("\"stopReason\":\"end_turn\"");
            conversationId = TestApp.json(events.stream()
                            .filter(line -> line.startsWith("data: {\"conversationId\""))
                            .findFirst()
                            .orElseThrow()
                            .substring("data: ".length()))
                    .path("conversationId")
                    .asText();
            assertThat(TestApp.json(app.get("/api/conversations/" + conversationId))
                            .path("messages")
                            .findValuesAsText("content"))
                    .containsExactly("[held-end] whole answer", "Stub reply to: [held-end] whole answer");
            stub.releaseGate();
            assertThat(readUntil(reader, "data: [DONE]")).isNotEmpty();
        }
        // The model's connection was read to its end and is free: the next turn goes through.
        JsonNode next = TestApp.json(app.postJson(
                "/api/chat", "{\"message\":\"after [burst]\",\"conversationId\":\"" + conversationId + "\"}"));
        assertThat(next.path("reply").asText()).isEqualTo("Stub reply to: after [burst]");
    }

    @Test
    void aClientThatLeavesStopsTheModelCallAndThePartialTurnIsKept() throws Exception {
        String conversationId;
        HttpResponse<InputStream> response = openStream("[slow] long answer");
        try (InputStream body = response.body();
                var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            List<String> head = readUntil(reader, "data: {\"content\"");
            conversationId = TestApp.json(
                            head.get(head.indexOf("event: start") + 1).substring(6))
                    .path("conversationId")
                    .asText();
        }

        JsonNode line = app.requestLog(TestApp.requestId(response));
        assertThat(line.path("clientClosed").asBoolean()).isTrue();
        // The server's own measure: it stopped far sooner than the 9 s the slow reply takes in full.
        assertThat(line.path("latencyMs").isIntegralNumber())
                .as("latencyMs in " + line)
                .isTrue();
        assertThat(line.path("latencyMs").asLong()).isPositive().isLessThan(5000);
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(response));
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("ClientDisconnected");
        assertThat(artifact.path("reply").asText()).startsWith("Slow part 1.");
        JsonNode conversation = TestApp.json(app.get("/api/conversations/" + conversationId));
        assertThat(conversation.path("messages").findValuesAsText("role")).containsExactly("user", "assistant");
        assertThat(conversation.path("messages").get(1).path("content").asText())
                .startsWith("Slow part 1.");
    }

    @Test
    void aConversationDeletedWhileItsNextTurnRunsStaysDeleted() throws Exception {
        String conversationId = TestApp.json(app.postJson("/api/chat", "{\"message\":\"first turn\"}"))
                .path("conversationId")
                .asText();

        HttpResponse<InputStream> response =
                openStreamWith("{\"message\":\"[gated] second turn\",\"conversationId\":\"" + conversationId + "\"}");
        try (InputStream body = response.body();
                var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            readUntil(reader, "data: {\"content\"");
            assertThat(app.delete("/api/conversations/" + conversationId).statusCode())
                    .isEqualTo(204);
            stub.releaseGate();
            assertThat(readUntil(reader, "data: [DONE]")).contains("event: done");
        }

        // The answer went out and its artifact keeps it, but the deleted conversation did not come back.
        assertThat(app.get("/api/conversations/" + conversationId).statusCode()).isEqualTo(404);
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(response));
        assertThat(artifact.path("conversationId").asText()).isEqualTo(conversationId);
        assertThat(artifact.path("reply").asText()).startsWith("Gated reply");
    }

    @Test
    void aNewConversationDeletedWhileItsFirstTurnRunsStaysDeleted() throws Exception {
        HttpResponse<InputStream> response = openStreamWith("{\"message\":\"[gated] brand new\"}");
        String conversationId;
        try (InputStream body = response.body();
                var reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            List<String> start = readUntil(reader, "data: {\"content\"");
            conversationId = TestApp.json(start.stream()
                            .filter(line -> line.startsWith("data: {\"conversationId\""))
                            .findFirst()
                            .orElseThrow()
                            .substring("data: ".length()))
                    .path("conversationId")
                    .asText();
            // It exists from its first turn on: deleting it now is for good, not a 404 for an unknown id.
            assertThat(app.delete("/api/conversations/" + conversationId).statusCode())
                    .isEqualTo(204);
            stub.releaseGate();
            String rest = String.join("\n", readUntil(reader, "data: [DONE]"));
            assertThat(rest).contains("event: done").contains("\"stored\":false");
        }

        assertThat(app.get("/api/conversations/" + conversationId).statusCode()).isEqualTo(404);
        assertThat(app.awaitArtifact(TestApp.requestId(response))
                        .path("storeError")
                        .asText())
                .isEqualTo("ConversationDeleted");
    }
}
