package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import dev.bedrockchat.infra.web.SecurityHeaders;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.LocalServer;
import dev.bedrockchat.system.support.StubbedChat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chat as a developer runs it: the real function jar in its own process, the real page build, and the AWS SDK
 * talking over HTTP to the local Bedrock Runtime stand-in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalChatEndToEndTest {
    private final Http http = new Http();
    private StubbedChat chat;
    private BedrockRuntimeStub bedrock;
    private LocalServer server;
    private Path dataDir;

    @BeforeAll
    void start() {
        chat = StubbedChat.start(
                "end-to-end",
                Map.of(
                        "BEDROCK_MODEL_ID", "us.amazon.nova-lite-v1:0",
                        "ALLOWED_MODEL_IDS", "us.amazon.nova-lite-v1:0,amazon.nova-micro-v1:0",
                        "SYSTEM_PROMPT", "You are the project's test assistant."));
        bedrock = chat.bedrock();
        server = chat.server();
        dataDir = chat.dataDir();
    }

    @AfterAll
    void stop() {
        if (chat != null) {
            chat.close();
        }
    }

    @Test
    void healthSaysBedrockModeWithLocalStorage() {
        Http.Reply health = http.get(server.uri("/api/health"));

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("ok");
        assertThat(health.json().path("mode").asText()).isEqualTo("bedrock");
        assertThat(health.json().path("model").asText()).isEqualTo("us.amazon.nova-lite-v1:0");
        assertThat(health.json().path("storage").asText()).isEqualTo("local");
        assertThat(health.header("x-request-id")).isNotBlank();
    }

    @Test
    void modelsListTheAllowedModelsWithTheDefault() {
        JsonNode models = http.get(server.uri("/api/models")).json();

        assertThat(models.path("default").asText()).isEqualTo("us.amazon.nova-lite-v1:0");
        assertThat(models.path("models").findValuesAsText("id"))
                .containsExactly("us.amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0");
        assertThat(models.path("models").get(0).path("label").asText()).isNotBlank();
    }

    @Test
    void aStreamedTurnAndAJsonTurnMakeOneConversationKeptOnDisk() throws IOException {
        List<Sse.Event> events = http.stream(server.uri("/api/chat"), "{\"message\":\"Hello there\"}");

        assertThat(events.get(0).name()).isEqualTo("start");
        String conversationId = events.get(0).json().path("conversationId").asText();
        assertThat(conversationId).matches("[0-9a-f-]{36}");
        List<Sse.Event> deltas = events.stream()
                .filter(e -> e.name().equals("message") && !e.data().equals("[DONE]"))
                .toList();
        assertThat(deltas).hasSizeGreaterThan(1);
        String streamed = Sse.text(events);
        assertThat(streamed).contains("Hello there");
        Sse.Event done =
                events.stream().filter(e -> e.name().equals("done")).findFirst().orElseThrow();
        assertThat(done.json().path("conversationId").asText()).isEqualTo(conversationId);
        assertThat(done.json().path("usage").path("outputTokens").asInt()).isPositive();
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");

        Http.Reply second = http.postJson(
                server.uri("/api/chat"),
                "{\"message\":\"And a follow-up\",\"conversationId\":\"" + conversationId
                        + "\",\"modelId\":\"amazon.nova-micro-v1:0\"}");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("conversationId").asText()).isEqualTo(conversationId);
        assertThat(second.json().path("model").asText()).isEqualTo("amazon.nova-micro-v1:0");
        assertThat(second.json().path("reply").asText()).contains("And a follow-up");
        BedrockRuntimeStub.RecordedRequest sent = bedrock.lastRequest();
        assertThat(sent.modelId()).isEqualTo("amazon.nova-micro-v1:0");
        assertThat(sent.systemPrompt()).contains("the project's test assistant");
        assertThat(sent.conversation())
                .containsExactly("user: Hello there", "assistant: " + streamed, "user: And a follow-up");

        JsonNode conversation =
                http.get(server.uri("/api/conversations/" + conversationId)).json();
        assertThat(conversation.path("messages").findValuesAsText("role"))
                .containsExactly("user", "assistant", "user", "assistant");
        assertThat(conversation.path("messages").get(0).path("content").asText())
                .isEqualTo("Hello there");
        assertThat(conversation.path("messages").get(1).path("content").asText())
                .isEqualTo(streamed);

        // Each person's conversations in a folder of their own (here the anonymous principal's), with an index, which
        // the listing writes (a turn writes its document only).
        Path folder = dataDir.resolve("conversations").resolve(Principal.ANONYMOUS.key());
        assertThat(Files.exists(folder.resolve(conversationId + ".json"))).isTrue();
        assertThat(Files.exists(folder.resolve("index.json"))).isFalse();
        assertThat(http.get(server.uri("/api/conversations"))
                        .json()
                        .path("conversations")
                        .findValuesAsText("id"))
                .containsExactly(conversationId);
        assertThat(Files.exists(folder.resolve("index.json"))).isTrue();
        try (Stream<Path> files = Files.walk(dataDir.resolve("artifacts"))) {
            List<Path> artifacts = files.filter(Files::isRegularFile).toList();
            assertThat(artifacts).isNotEmpty();
            assertThat(artifacts)
                    .allSatisfy(p ->
                            assertThat(p.getParent().getFileName().toString()).matches("date=\\d{4}-\\d{2}-\\d{2}"));
            assertThat(artifacts.stream().map(this::read))
                    .anySatisfy(
                            text -> assertThat(text).contains(conversationId).contains("And a follow-up"));
        }
        assertThat(server.logText()).doesNotContain("Hello there").doesNotContain("And a follow-up");
    }

    @Test
    void deletingAConversationForgetsIt() {
        String id = http.postJson(server.uri("/api/chat"), "{\"message\":\"Short-lived\"}")
                .json()
                .path("conversationId")
                .asText();

        assertThat(http.delete(server.uri("/api/conversations/" + id)).status()).isEqualTo(204);
        Http.Reply gone = http.get(server.uri("/api/conversations/" + id));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("error").path("code").asText()).isEqualTo("NotFound");
    }

    @Test
    void throttlingFromBedrockBecomes429WithRetryAfter() {
        Http.Reply reply = http.postJson(server.uri("/api/chat"), "{\"message\":\"[throttle] please\"}");

        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.header("Retry-After")).matches("\\d+");
        assertThat(reply.json().path("error").path("code").asText()).isEqualTo("Throttled");
        assertThat(reply.json().path("error").path("requestId").asText()).isNotBlank();
    }

    @Test
    void badInputGetsAnEnvelopeAndTheServerKeepsServing() {
        Http.Reply malformed = http.postJson(server.uri("/api/chat"), "{not json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").path("code").asText()).isEqualTo("ValidationError");
        assertThat(malformed.response().body()).doesNotContain("Exception").doesNotContain("at dev.");

        Http.Reply notAllowed =
                http.postJson(server.uri("/api/chat"), "{\"message\":\"hi\",\"modelId\":\"anthropic.claude-v2\"}");
        assertThat(notAllowed.status()).isEqualTo(400);
        assertThat(notAllowed.json().path("error").path("code").asText()).isEqualTo("ModelNotAllowed");

        Http.Reply traversal = http.get(server.uri("/api/conversations/..%2F..%2Fetc%2Fpasswd"));
        assertThat(traversal.status()).isIn(400, 404);

        assertThat(http.get(server.uri("/api/health")).status()).isEqualTo(200);
    }

    @Test
    void thePageIsServedWithTheSameSecurityHeadersAsCloudFront() {
        Http.Reply page = http.get(server.uri("/"));

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.response().body()).contains("<html");
        // What the browser gets locally is what CloudFront's response-headers policy sets in AWS.
        assertThat(page.header("Content-Security-Policy"))
                .isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY)
                .contains("default-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo(SecurityHeaders.X_CONTENT_TYPE_OPTIONS);
        assertThat(page.header("X-Frame-Options")).isEqualTo(SecurityHeaders.X_FRAME_OPTIONS);
        assertThat(page.header("Referrer-Policy")).isEqualTo(SecurityHeaders.REFERRER_POLICY);
    }

    private String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
