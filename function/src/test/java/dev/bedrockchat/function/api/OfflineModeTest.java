package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** CHAT_MODE=offline: the stand-in says what it is everywhere it shows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfflineModeTest {
    private TestApp app;

    @BeforeAll
    void start() {
        app = TestApp.start(Map.of("CHAT_MODE", "offline"));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @Test
    void healthSaysOffline() {
        assertThat(TestApp.json(app.get("/api/health")).path("mode").asText()).isEqualTo("offline");
    }

    @Test
    void theStartupLogLineWarnsThatAnswersAreNotFromBedrock() {
        JsonNode startup = app.awaitLogLine(line -> line.path("type").asText().equals("startup"));

        assertThat(startup.path("mode").asText()).isEqualTo("offline");
        assertThat(startup.path("level").asText()).isEqualTo("warn");
        assertThat(startup.path("notice").asText())
                .contains("Offline stand-in")
                .contains("not come from Amazon Bedrock");
    }

    @Test
    void theStreamedReplyIsDeterministicLabelledAndEchoesTheQuestion() {
        String first = streamedText("How tall is Everest?");
        String second = streamedText("How tall is Everest?");

        assertThat(first)
                .isEqualTo(second)
                .startsWith("**Offline stand-in, not Amazon Bedrock.**")
                .contains("You asked: \"How tall is Everest?\"");
    }

    @Test
    void theJsonReplyIsTheSameTextAndIsKeptInTheConversation() {
        var response = app.postJson("/api/chat", "{\"message\":\"Hello offline\"}");
        JsonNode reply = TestApp.json(response);

        assertThat(reply.path("reply").asText()).isEqualTo(streamedText("Hello offline"));
        String id = reply.path("conversationId").asText();
        assertThat(TestApp.json(app.get("/api/conversations/" + id)).path("messages"))
                .hasSize(2);
        JsonNode line = app.requestLog(TestApp.requestId(response));
        assertThat(line.path("route").asText()).isEqualTo("/api/chat");
        assertThat(line.path("mode").asText()).isEqualTo("offline");
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(response));
        assertThat(artifact.path("mode").asText()).isEqualTo("offline");
        assertThat(artifact.path("streamed").asBoolean()).isFalse();
        assertThat(artifact.path("reply").asText())
                .isEqualTo(reply.path("reply").asText());
    }

    private String streamedText(String question) {
        return Sse.text(
                Sse.parse(app.chatStream("{\"message\":\"" + question + "\"}").body()));
    }
}
