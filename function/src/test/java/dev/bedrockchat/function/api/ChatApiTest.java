package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.http.SecurityHeaders;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The API in Bedrock mode, through the real SDK against the Bedrock Runtime stub, over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatApiTest {
    private static final String DEFAULT_MODEL = "us.amazon.nova-lite-v1:0";
    private static final String OTHER_MODEL = "anthropic.claude-haiku-4-5-20251001-v1:0";

    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(
                stub.endpoint(),
                Map.of(
                        "BEDROCK_MODEL_ID", DEFAULT_MODEL,
                        "ALLOWED_MODEL_IDS", OTHER_MODEL + ", eu.amazon.nova-pro-v1:0",
                        "SYSTEM_PROMPT", "You are the test assistant.",
                        "MAX_TOKENS", "321",
                        "TEMPERATURE", "0.25",
                        "ENVIRONMENT_NAME", "test"));
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    @BeforeEach
    void clearStub() {
        stub.clear();
    }

    @Test
    void healthReportsModeModelRegionStorageAndVersion() {
        HttpResponse<String> response = app.get("/api/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestApp.json(response);
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("mode").asText()).isEqualTo("bedrock");
        assertThat(body.path("model").asText()).isEqualTo(DEFAULT_MODEL);
        assertThat(body.path("region").asText()).isEqualTo("us-east-1");
        assertThat(body.path("storage").asText()).isEqualTo("local");
        assertThat(body.path("version").asText()).isNotBlank();
        // Bedrock behind an endpoint override (here the local stand-in) says where it really is.
        assertThat(body.path("bedrockEndpoint").asText())
                .isEqualTo(stub.endpoint().toString());
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    }

    @Test
    void modelsListTheDefaultAndTheAllowedModelsWithLabels() {
        JsonNode body = TestApp.json(app.get("/api/models"));

        assertThat(body.path("default").asText()).isEqualTo(DEFAULT_MODEL);
        assertThat(body.path("models").findValuesAsText("id"))
                .containsExactly(DEFAULT_MODEL, OTHER_MODEL, "eu.amazon.nova-pro-v1:0");
        assertThat(body.path("models").findValuesAsText("label"))
                .containsExactly("Nova Lite (US)", "Claude Haiku 4.5", "Nova Pro (EU)");
    }

    @Test
    void jsonChatReturnsTheWholeReplyThroughConverse() {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"What is up?\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestApp.json(response);
        assertThat(body.path("reply").asText()).isEqualTo("Stub reply to: What is up?");
        assertThat(body.path("model").asText()).isEqualTo(DEFAULT_MODEL);
        assertThat(body.path("stopReason").asText()).isEqualTo("end_turn");
        assertThat(body.path("usage").path("inputTokens").asInt()).isPositive();
        assertThat(body.path("usage").path("outputTokens").asInt()).isPositive();
        assertThat(body.path("conversationId").asText()).matches("[0-9a-f-]{36}");

        BedrockRuntimeStub.RecordedRequest sent = stub.lastRequest();
        assertThat(sent.operation()).isEqualTo("converse");
        assertThat(sent.modelId()).isEqualTo(DEFAULT_MODEL);
        assertThat(sent.systemPrompt()).isEqualTo("You are the test assistant.");
        assertThat(sent.body().path("inferenceConfig").path("maxTokens").asInt())
                .isEqualTo(321);
        assertThat(sent.body().path("inferenceConfig").path("temperature").asDouble())
                .isEqualTo(0.25);
        assertThat(sent.header("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTESTTEST/")
                .contains("/us-east-1/bedrock/aws4_request");
    }

    @Test
    void streamedChatSendsStartDeltasDoneAndTheEndMarker() {
        HttpResponse<String> response =
                app.chatStream("{\"message\":\"Tell me more\",\"modelId\":\"" + OTHER_MODEL + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.getFirst().name()).isEqualTo("start");
        JsonNode start = TestApp.json(events.getFirst().data());
        assertThat(start.path("model").asText()).isEqualTo(OTHER_MODEL);
        String conversationId = start.path("conversationId").asText();

        List<Sse.Event> deltas = events.subList(1, events.size() - 2);
        assertThat(deltas).hasSizeGreaterThan(2).allMatch(event -> event.name().equals("message"));
        assertThat(Sse.text(events)).isEqualTo("Stub reply to: Tell me more");

        Sse.Event done = events.get(events.size() - 2);
        assertThat(done.name()).isEqualTo("done");
        JsonNode doneData = TestApp.json(done.data());
        assertThat(doneData.path("conversationId").asText()).isEqualTo(conversationId);
        assertThat(doneData.path("stopReason").asText()).isEqualTo("end_turn");
        assertThat(doneData.path("usage").path("outputTokens").asInt()).isEqualTo(deltas.size());
        assertThat(doneData.path("latencyMs").isIntegralNumber())
                .as("done carries latencyMs")
                .isTrue();
        assertThat(doneData.path("latencyMs").asLong()).isNotNegative();
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");

        assertThat(stub.lastRequest().operation()).isEqualTo("converse-stream");
        assertThat(stub.lastRequest().modelId()).isEqualTo(OTHER_MODEL);
    }

    @Test
    void aConversationRemembersItsTurnsAndSendsThemAsHistory() {
        JsonNode first = TestApp.json(app.postJson("/api/chat", "{\"message\":\"My name is Ada.\"}"));
        String id = first.path("conversationId").asText();
        app.chatStream("{\"message\":\"What is my name?\",\"conversationId\":\"" + id + "\"}");

        assertThat(stub.lastRequest().conversation())
                .containsExactly(
                        "user: My name is Ada.", "assistant: Stub reply to: My name is Ada.", "user: What is my name?");

        HttpResponse<String> history = app.get("/api/conversations/" + id);
        assertThat(history.statusCode()).isEqualTo(200);
        JsonNode body = TestApp.json(history);
        assertThat(body.path("conversationId").asText()).isEqualTo(id);
        assertThat(body.path("messages").findValuesAsText("role"))
                .containsExactly("user", "assistant", "user", "assistant");
        assertThat(body.path("messages").findValuesAsText("content"))
                .containsExactly(
                        "My name is Ada.", "Stub reply to: My name is Ada.",
                        "What is my name?", "Stub reply to: What is my name?");
        assertThat(body.path("messages").get(0).path("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        // The turn id kept with each stored message (for idempotent appends) is storage only.
        body.path("messages")
                .forEach(message ->
                        assertThat(message.fieldNames()).toIterable().containsExactly("role", "content", "at"));
    }

    @Test
    void aConversationCanBeDeletedOnceAndAnUnknownOneIsNotFoundWithNothingWritten() throws Exception {
        String id = TestApp.json(app.postJson("/api/chat", "{\"message\":\"Forget me\"}"))
                .path("conversationId")
                .asText();
        Path document = app.dataDir().resolve("conversations/" + Principal.ANONYMOUS.key() + "/" + id + ".json");
        assertThat(Files.exists(document)).isTrue();
        assertThat(app.postJson("/api/chat", "{\"message\":\"Forget me too\",\"conversationId\":\"" + id + "\"}")
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> deleted = app.delete("/api/conversations/" + id);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(app.get("/api/conversations/" + id).statusCode()).isEqualTo(404);
        // The messages are gone; only a tombstone keeps the id, so that no late turn can bring them back.
        assertThat(Files.readString(document)).doesNotContain("Forget me").contains("deletedAt");
        // Nor does any file the store keeps beside the document (the spare a replacement writes into next).
        try (var beside = Files.list(document.getParent())) {
            List<Path> files = beside.filter(
                            file -> file.getFileName().toString().contains(id))
                    .toList();
            assertThat(files).hasSizeGreaterThan(1);
            for (Path file : files) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain("Forget me");
            }
        }
        assertThat(app.delete("/api/conversations/" + id).statusCode()).isEqualTo(404);
        HttpResponse<String> intoDeleted =
                app.postJson("/api/chat", "{\"message\":\"still there?\",\"conversationId\":\"" + id + "\"}");
        assertThat(intoDeleted.statusCode()).isEqualTo(404);

        String unknown = UUID.randomUUID().toString();
        try (var before = Files.walk(app.dataDir().resolve("conversations"))) {
            long files = before.count();
            assertThat(app.delete("/api/conversations/" + unknown).statusCode()).isEqualTo(404);
            try (var after = Files.walk(app.dataDir().resolve("conversations"))) {
                assertThat(after.count()).isEqualTo(files);
            }
        }
    }

    @Test
    void aClientCannotChooseTheIdOfANewConversation() {
        stub.clear();
        String id = "3F1C2A9E-8B7D-4C6E-9A5F-1E2D3C4B5A69";
        HttpResponse<String> response =
                app.postJson("/api/chat", "{\"message\":\"hi\",\"conversationId\":\"" + id + "\"}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestApp.json(response).path("error").path("code").asText()).isEqualTo("NotFound");
        assertThat(stub.requests()).as("the model is not called").isEmpty();
        assertThat(app.chatStream("{\"message\":\"hi\",\"conversationId\":\"" + id + "\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(stub.requests()).isEmpty();
        assertThat(app.get("/api/conversations/" + id.toLowerCase()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void everyExchangeIsKeptAsAnArtifact() {
        HttpResponse<String> response = app.chatStream("{\"message\":\"Keep this\"}");
        String requestId = TestApp.requestId(response);

        assertThat(requestId).matches("[0-9a-f-]{36}");
        JsonNode artifact = app.awaitArtifact(requestId);
        assertThat(artifact.path("requestId").asText()).isEqualTo(requestId);
        assertThat(artifact.path("message").asText()).isEqualTo("Keep this");
        assertThat(artifact.path("reply").asText()).isEqualTo("Stub reply to: Keep this");
        assertThat(artifact.path("model").asText()).isEqualTo(DEFAULT_MODEL);
        assertThat(artifact.path("mode").asText()).isEqualTo("bedrock");
        assertThat(artifact.path("environment").asText()).isEqualTo("test");
        assertThat(artifact.path("streamed").asBoolean()).isTrue();
        assertThat(artifact.path("principal").path("kind").asText()).isEqualTo("anonymous");
        assertThat(artifact.path("stopReason").asText()).isEqualTo("end_turn");
        assertThat(artifact.path("usage").path("outputTokens").asInt()).isPositive();
        assertThat(artifact.path("latencyMs").isIntegralNumber())
                .as("artifact latencyMs")
                .isTrue();
        assertThat(artifact.path("timeToFirstTokenMs").isIntegralNumber())
                .as("artifact timeToFirstTokenMs")
                .isTrue();
        assertThat(artifact.path("latencyMs").asLong()).isNotNegative();
        assertThat(artifact.path("timeToFirstTokenMs").asLong())
                .isNotNegative()
                .isLessThanOrEqualTo(artifact.path("latencyMs").asLong());
        assertThat(artifact.path("error").isNull()).isTrue();
        assertThat(artifact.path("conversationId").asText()).matches("[0-9a-f-]{36}");
        try (var files = Files.walk(app.dataDir().resolve("artifacts"))) {
            assertThat(files.map(p -> app.dataDir().relativize(p).toString()))
                    .anyMatch(p ->
                            p.matches("artifacts/date=\\d{4}-\\d\\d-\\d\\d/\\d{6}\\.\\d{3}Z-" + requestId + "\\.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void oneLogLinePerRequestWithoutMessageText() {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"secret words in the question\"}");

        JsonNode line = app.requestLog(TestApp.requestId(response));
        assertThat(line.path("level").asText()).isEqualTo("info");
        assertThat(line.path("method").asText()).isEqualTo("POST");
        assertThat(line.path("route").asText()).isEqualTo("/api/chat");
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("model").asText()).isEqualTo(DEFAULT_MODEL);
        assertThat(line.path("mode").asText()).isEqualTo("bedrock");
        assertThat(line.path("inputTokens").asInt()).isPositive();
        assertThat(line.path("outputTokens").asInt()).isPositive();
        assertThat(line.path("latencyMs").isIntegralNumber())
                .as("log line latencyMs")
                .isTrue();
        assertThat(line.path("latencyMs").asLong()).isNotNegative();
        assertThat(app.rawLog()).doesNotContain("secret words");
    }

    @Test
    void apiResponsesCarryTheSecurityHeadersAndNoStore() {
        HttpResponse<String> response = app.get("/api/models");

        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }
}
