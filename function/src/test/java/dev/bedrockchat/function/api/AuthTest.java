package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.chat.Principal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With AUTH_TOKEN set ({@code token} mode), every API route but the open ones needs the shared token, in
 * {@code X-Chat-Token} (the page) or {@code Authorization: Bearer} (programs).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {
    private static final String TOKEN = "s3cr3t-token-for-tests";
    private TestApp app;

    @BeforeAll
    void start() {
        app = TestApp.start(Map.of("CHAT_MODE", "offline", "AUTH_TOKEN", TOKEN));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @Test
    void healthStaysOpen() {
        assertThat(app.get("/api/health").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Bearer",
                "Bearer ",
                "Bearer wrong",
                "Basic czNjcjN0",
                "Bearer s3cr3t-token-for-test",
                "Bearer s3cr3t-token-for-testsX",
                "s3cr3t-token-for-tests"
            })
    void aMissingOrWrongTokenIsUnauthorized(String authorization) {
        HttpResponse<String> response = authorization.isEmpty()
                ? app.get("/api/models")
                : app.get("/api/models", "Authorization", authorization);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"bedrock-chat\"");
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("Unauthorized");
        boolean presented = authorization.length() > 7 && authorization.startsWith("Bearer ");
        assertThat(error.path("reason").asText()).isEqualTo(presented ? "invalid_token" : "missing_token");
        assertThat(error.path("message").asText()).contains("X-Chat-Token: <token>", "Authorization: Bearer");
        assertThat(response.body()).doesNotContain(TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "wrong", "Bearer s3cr3t-token-for-tests", "s3cr3t-token-for-test"})
    void theTokenHeaderTakesTheRawTokenOnly(String value) {
        HttpResponse<String> response = app.get("/api/models", "X-Chat-Token", value);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(TestApp.json(response).at("/error/reason").asText())
                .isEqualTo(value.isBlank() ? "missing_token" : "invalid_token");
    }

    @Test
    void thePageSendsTheTokenInXChatTokenAndMeSaysWhoThatIs() {
        HttpResponse<String> me = app.get("/api/me", "X-Chat-Token", TOKEN);

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(me))
                .isEqualTo(TestApp.json("{\"principal\":{\"kind\":\"token\",\"id\":\"shared-token\","
                        + "\"name\":\"Shared token\"},\"auth\":\"token\"}"));
        assertThat(app.get("/api/models", "X-Chat-Token", " " + TOKEN + " ").statusCode())
                .isEqualTo(200);
        // The page's header wins: a program's stale Authorization does not spoil it.
        assertThat(app.get("/api/models", "X-Chat-Token", TOKEN, "Authorization", "Bearer old")
                        .statusCode())
                .isEqualTo(200);
        assertThat(app.rawLog()).doesNotContain(TOKEN);
    }

    @Test
    void everyProtectedRouteIsGuardedEvenUnknownOnes() {
        assertThat(app.postJson("/api/chat", "{\"message\":\"hi\"}").statusCode())
                .isEqualTo(401);
        assertThat(app.get("/api/conversations/3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69")
                        .statusCode())
                .isEqualTo(401);
        assertThat(app.delete("/api/conversations/3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69")
                        .statusCode())
                .isEqualTo(401);
        assertThat(app.get("/api/unknown").statusCode()).isEqualTo(401);
    }

    @Test
    void theRightTokenOpensTheApiAndTheTokenPrincipalOwnsTheConversation() throws Exception {
        assertThat(app.get("/api/models", "Authorization", "Bearer " + TOKEN).statusCode())
                .isEqualTo(200);
        assertThat(app.get("/api/models", "Authorization", "bearer " + TOKEN).statusCode())
                .isEqualTo(200);

        HttpResponse<String> chat =
                app.postJson("/api/chat", "{\"message\":\"who owns this?\"}", "Authorization", "Bearer " + TOKEN);
        assertThat(chat.statusCode()).isEqualTo(200);
        String id = TestApp.json(chat).path("conversationId").asText();

        JsonNode stored = TestApp.json(Files.readString(
                app.dataDir().resolve("conversations/" + Principal.SHARED_TOKEN.key() + "/" + id + ".json")));
        assertThat(stored.path("owner").path("kind").asText()).isEqualTo("token");
        assertThat(app.get("/api/conversations/" + id, "Authorization", "Bearer " + TOKEN)
                        .statusCode())
                .isEqualTo(200);
    }
}
