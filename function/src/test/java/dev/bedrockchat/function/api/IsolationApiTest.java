package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.TestApp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every conversation route, between two principals over real HTTP: two functions on one data folder, one open (the
 * anonymous principal) and one with AUTH_TOKEN (the shared-token principal). Each one's ids are 404 to the other on
 * every route, and each listing shows only its own.
 */
class IsolationApiTest {
    private static final String TOKEN = "isolation-test-token-0123456789";
    private TestApp anonymous;
    private TestApp token;

    @BeforeEach
    void start() throws Exception {
        Path shared = Files.createTempDirectory("shared-data");
        anonymous = TestApp.start(Map.of("CHAT_MODE", "offline", "CHAT_DATA_DIR", shared.toString()));
        token = TestApp.start(Map.of("CHAT_MODE", "offline", "CHAT_DATA_DIR", shared.toString(), "AUTH_TOKEN", TOKEN));
    }

    @AfterEach
    void stop() {
        anonymous.close();
        token.close();
    }

    private static String[] auth(TestApp app, String... more) {
        if (app != null && app.application().config().auth().token().isEmpty()) {
            return more;
        }
        String[] all = new String[more.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + TOKEN;
        System.arraycopy(more, 0, all, 2, more.length);
        return all;
    }

    private static String newConversation(TestApp app, String message) {
        return TestApp.json(app.postJson("/api/chat", "{\"message\":\"" + message + "\"}", auth(app)))
                .path("conversationId")
                .asText();
    }

    /** Every route that names a conversation, as the given caller asks it about {@code id}. */
    private static Map<String, Function<String, HttpResponse<String>>> routes(TestApp app) {
        return Map.of(
                "GET", id -> app.get("/api/conversations/" + id, auth(app)),
                "HEAD", id -> app.method("HEAD", "/api/conversations/" + id, auth(app)),
                "PATCH",
                        id -> app.send(
                                HttpRequest.newBuilder(app.uri("/api/conversations/" + id))
                                        .method(
                                                "PATCH",
                                                HttpRequest.BodyPublishers.ofString("{\"title\":\"mine now\"}")),
                                auth(app, "Content-Type", "application/json")),
                "DELETE", id -> app.delete("/api/conversations/" + id, auth(app)),
                "export markdown", id -> app.get("/api/conversations/" + id + "/export?format=markdown", auth(app)),
                "export json", id -> app.get("/api/conversations/" + id + "/export?format=json", auth(app)),
                "HEAD export", id -> app.method("HEAD", "/api/conversations/" + id + "/export", auth(app)),
                "chat",
                        id -> app.postJson(
                                "/api/chat", "{\"message\":\"hi\",\"conversationId\":\"" + id + "\"}", auth(app)),
                "chat streamed",
                        id -> app.chatStream("{\"message\":\"hi\",\"conversationId\":\"" + id + "\"}", auth(app)));
    }

    @Test
    void everyConversationRouteAnswersAnotherPersonsIdWithNotFound() {
        String anonymousId = newConversation(anonymous, "anonymous secret");
        String tokenId = newConversation(token, "token secret");

        for (var pair : List.of(List.of(anonymous, tokenId), List.of(token, anonymousId))) {
            TestApp caller = (TestApp) pair.get(0);
            String othersId = (String) pair.get(1);
            routes(caller).forEach((route, call) -> {
                HttpResponse<String> response = call.apply(othersId);
                assertThat(response.statusCode()).as(route).isEqualTo(404);
                if (!route.startsWith("HEAD")) {
                    assertThat(TestApp.json(response).path("error").path("code").asText())
                            .as(route)
                            .isEqualTo("NotFound");
                }
            });
        }

        assertThat(TestApp.json(anonymous.get("/api/conversations"))
                        .path("conversations")
                        .findValuesAsText("id"))
                .containsExactly(anonymousId);
        assertThat(TestApp.json(token.get("/api/conversations", auth(token)))
                        .path("conversations")
                        .findValuesAsText("id"))
                .containsExactly(tokenId);
        assertThat(TestApp.json(anonymous.get("/api/conversations?q=token")).path("conversations"))
                .isEmpty();
        assertThat(TestApp.json(anonymous.delete("/api/conversations"))
                        .path("deleted")
                        .asInt())
                .isEqualTo(1);
        // Each still has its own, untouched by the other's attempts.
        assertThat(TestApp.json(token.get("/api/conversations/" + tokenId, auth(token)))
                        .path("messages")
                        .findValuesAsText("content"))
                .hasSize(2)
                .first()
                .isEqualTo("token secret");
        assertThat(TestApp.json(token.get("/api/conversations/" + tokenId, auth(token)))
                        .path("title")
                        .asText())
                .isEqualTo("token secret");
    }
}
