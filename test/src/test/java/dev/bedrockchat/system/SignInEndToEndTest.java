package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.Keycloak;
import dev.bedrockchat.system.support.KeycloakLogin;
import dev.bedrockchat.system.support.LocalServer;
import dev.bedrockchat.system.support.StubbedChat;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sign-in end to end with a real OpenID Connect provider: Keycloak, then the real function jar in {@code oidc} mode
 * verifying Keycloak's tokens itself (discovery, JWKS, RS256), and people signed in as the chat page signs them in
 * (authorization code with PKCE, over plain HTTP).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInEndToEndTest {
    private static final String CHALLENGE = "Bearer realm=\"bedrock-chat\"";

    private final Http http = new Http();
    private Keycloak keycloak;
    private StubbedChat chat;
    private BedrockRuntimeStub bedrock;
    private LocalServer server;
    private KeycloakLogin.Tokens alice;

    @BeforeAll
    void start() {
        keycloak = Keycloak.start("sign-in");
        chat = StubbedChat.start(
                "sign-in",
                Map.of(
                        "AUTH_MODE",
                        "oidc",
                        "OIDC_ISSUER",
                        keycloak.issuer().toString(),
                        "OIDC_CLIENT_ID",
                        Keycloak.CHAT_PAGE));
        bedrock = chat.bedrock();
        server = chat.server();
        keycloak.allowChatPageAt(server.baseUri());
        alice = KeycloakLogin.signIn(keycloak, keycloak.alice(), server.uri("/"));
    }

    @AfterAll
    void stop() {
        try {
            if (chat != null) {
                chat.close();
            }
        } finally {
            if (keycloak != null) {
                keycloak.close();
            }
        }
    }

    @Test
    void healthIsOpenAndSaysOidc() {
        Http.Reply health = http.get(server.uri("/api/health"));

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("auth").asText()).isEqualTo("oidc");
        assertThat(health.json().path("mode").asText()).isEqualTo("bedrock");
    }

    @Test
    void theAuthConfigNamesKeycloaksEndpointsAndTheChatPageClient() {
        Http.Reply config = http.get(server.uri("/api/auth/config"));

        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json())
                .isEqualTo(Http.parse("{\"mode\":\"oidc\",\"issuer\":\"" + keycloak.issuer()
                        + "\",\"clientId\":\"chat-page\",\"authorizationEndpoint\":\""
                        + keycloak.endpoint("authorization_endpoint") + "\",\"tokenEndpoint\":\""
                        + keycloak.endpoint("token_endpoint")
                        + "\",\"scopes\":[\"openid\",\"email\",\"profile\"],\"logout\":{\"url\":\""
                        + keycloak.endpoint("end_session_endpoint") + "\",\"style\":\"oidc\"}}"));
        assertThat(config.json().path("tokenEndpoint").asText()).startsWith(keycloak.issuer() + "/");
        // The page exchanges its code at Keycloak from script: Keycloak's origin, and only it, joins connect-src.
        assertThat(config.header("Content-Security-Policy")).contains("connect-src 'self' " + keycloak.baseUri() + ";");
    }

    @Test
    void withoutATokenEveryProtectedRouteIs401MissingTokenAndNoModelIsCalled() {
        String someConversation = UUID.randomUUID().toString();
        int modelCalls = bedrock.requests().size();
        List<HttpRequest.Builder> protectedRoutes = List.of(
                request("/api/me").GET(),
                request("/api/models").GET(),
                request("/api/chat")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"Hello\"}")),
                request("/api/conversations/" + someConversation).GET(),
                request("/api/conversations/" + someConversation).DELETE(),
                request("/api/no-such-route").GET());

        for (HttpRequest.Builder route : protectedRoutes) {
            Http.Reply reply = http.send(route);
            String what = reply.response().request().method() + " "
                    + reply.response().request().uri().getPath();

            assertThat(reply.status()).as(what).isEqualTo(401);
            assertThat(reply.header("WWW-Authenticate")).as(what).isEqualTo(CHALLENGE);
            JsonNode error = reply.json().path("error");
            assertThat(error.path("code").asText()).as(what).isEqualTo("Unauthorized");
            assertThat(error.path("reason").asText()).as(what).isEqualTo("missing_token");
            assertThat(error.path("message").asText()).as(what).isNotBlank();
            assertThat(error.path("requestId").asText()).as(what).isEqualTo(reply.header("x-request-id"));
        }
        assertThat(bedrock.requests()).as("no model call without a sign-in").hasSize(modelCalls);

        Http.Reply notAToken = http.send(request("/api/me").header("X-Chat-Token", "not-a-token"));
        assertThat(notAToken.status()).isEqualTo(401);
        assertThat(notAToken.json().at("/error/reason").asText()).isEqualTo("malformed_token");
    }

    @Test
    void alicesIdTokenSignsHerInFromTheChatTokenHeaderAndAsABearerToken() {
        JsonNode expected = Http.parse("{\"principal\":{\"kind\":\"oidc\",\"id\":\"" + keycloak.userId("alice")
                + "\",\"name\":\"Alice Example\",\"email\":\"alice@example.com\"},\"auth\":\"oidc\"}");

        Http.Reply viaChatToken = http.send(request("/api/me").header("X-Chat-Token", alice.idToken()));
        Http.Reply viaBearer = http.send(request("/api/me").header("Authorization", "Bearer " + alice.idToken()));

        assertThat(viaChatToken.status()).isEqualTo(200);
        assertThat(viaChatToken.json()).isEqualTo(expected);
        assertThat(viaBearer.status()).isEqualTo(200);
        assertThat(viaBearer.json()).isEqualTo(expected);

        // A program may also send the access token Keycloak issued to the chat page (azp and aud chat-page).
        Http.Reply viaAccessToken =
                http.send(request("/api/me").header("Authorization", "Bearer " + alice.accessToken()));
        assertThat(viaAccessToken.status()).isEqualTo(200);
        assertThat(viaAccessToken.json().at("/principal/id").asText()).isEqualTo(keycloak.userId("alice"));

        // The log names the principal's kind, never the person or the token.
        JsonNode line = requestLog(viaChatToken.header("x-request-id"));
        assertThat(line.path("principal").asText()).isEqualTo("oidc");
        assertThat(server.logText())
                .doesNotContain(alice.idToken())
                .doesNotContain(alice.accessToken())
                .doesNotContain("alice@example.com")
                .doesNotContain("Alice Example");
    }

    @Test
    void signedInAliceListsTheModelsAndChatsWholeAndStreamed() {
        Http.Reply models = http.send(request("/api/models").header("X-Chat-Token", alice.idToken()));
        assertThat(models.status()).isEqualTo(200);
        assertThat(models.json().path("default").asText()).isNotBlank();

        Http.Reply answer = http.send(chatTurn(alice.idToken(), "{\"message\":\"Hello from Alice\"}"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("reply").asText()).contains("Hello from Alice");
        assertThat(bedrock.lastRequest().lastUserMessage()).isEqualTo("Hello from Alice");
        String conversationId = answer.json().path("conversationId").asText();

        List<Sse.Event> events = http.stream(
                server.uri("/api/chat"),
                "{\"message\":\"And streamed\",\"conversationId\":\"" + conversationId + "\"}",
                Map.of("X-Chat-Token", alice.idToken()));
        assertThat(events.get(0).name()).isEqualTo("start");
        assertThat(events.get(0).json().path("conversationId").asText()).isEqualTo(conversationId);
        assertThat(Sse.text(events)).contains("And streamed");
        assertThat(events.getLast().data()).isEqualTo("[DONE]");

        Http.Reply conversation =
                http.send(request("/api/conversations/" + conversationId).header("X-Chat-Token", alice.idToken()));
        assertThat(conversation.status()).isEqualTo(200);
        assertThat(conversation.json().path("messages").findValuesAsText("role"))
                .containsExactly("user", "assistant", "user", "assistant");
    }

    @Test
    void bobSignsInAsAnotherPrincipalWhoCannotReachAlicesConversation() {
        KeycloakLogin.Tokens bob = KeycloakLogin.signIn(keycloak, keycloak.bob(), server.uri("/"));
        String alicesConversation = http.send(chatTurn(alice.idToken(), "{\"message\":\"Alice's own\"}"))
                .json()
                .path("conversationId")
                .asText();

        Http.Reply me = http.send(request("/api/me").header("X-Chat-Token", bob.idToken()));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json())
                .isEqualTo(Http.parse("{\"principal\":{\"kind\":\"oidc\",\"id\":\"" + keycloak.userId("bob")
                        + "\",\"name\":\"Bob Example\",\"email\":\"bob@example.com\"},\"auth\":\"oidc\"}"));
        assertThat(me.json().at("/principal/id").asText()).isNotEqualTo(keycloak.userId("alice"));

        int modelCalls = bedrock.requests().size();
        Http.Reply read =
                http.send(request("/api/conversations/" + alicesConversation).header("X-Chat-Token", bob.idToken()));
        Http.Reply intrude = http.send(chatTurn(
                bob.idToken(), "{\"message\":\"Bob here\",\"conversationId\":\"" + alicesConversation + "\"}"));
        Http.Reply delete = http.send(request("/api/conversations/" + alicesConversation)
                .header("X-Chat-Token", bob.idToken())
                .DELETE());

        assertThat(read.status()).isEqualTo(404);
        assertThat(read.json().at("/error/code").asText()).isEqualTo("NotFound");
        assertThat(intrude.status()).isEqualTo(404);
        assertThat(bedrock.requests()).as("refused before the model").hasSize(modelCalls);
        assertThat(delete.status()).isEqualTo(404);
        Http.Reply stillThere =
                http.send(request("/api/conversations/" + alicesConversation).header("X-Chat-Token", alice.idToken()));
        assertThat(stillThere.status()).isEqualTo(200);
        assertThat(stillThere.json().path("messages").get(0).path("content").asText())
                .isEqualTo("Alice's own");
    }

    @Test
    void aTokenWithOneFlippedSignatureByteIs401BadSignature() {
        String[] parts = alice.idToken().split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length / 2] ^= 0x01;
        String tampered = parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);

        Http.Reply reply = http.send(request("/api/me").header("X-Chat-Token", tampered));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).isEqualTo(CHALLENGE);
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("Unauthorized");
        assertThat(reply.json().at("/error/reason").asText()).isEqualTo("bad_signature");
    }

    @Test
    void afterARefreshTheNewIdTokenSignsTheSamePersonIn() {
        KeycloakLogin.Tokens refreshed = KeycloakLogin.refresh(keycloak, alice.refreshToken());
        assertThat(refreshed.idToken()).isNotEqualTo(alice.idToken());

        Http.Reply me = http.send(request("/api/me").header("X-Chat-Token", refreshed.idToken()));
        Http.Reply answer = http.send(chatTurn(refreshed.idToken(), "{\"message\":\"After the refresh\"}"));

        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().at("/principal/id").asText()).isEqualTo(keycloak.userId("alice"));
        assertThat(me.json().at("/principal/name").asText()).isEqualTo("Alice Example");
        assertThat(answer.status()).isEqualTo(200);
        String conversationId = answer.json().path("conversationId").asText();
        Http.Reply withTheFirstToken =
                http.send(request("/api/conversations/" + conversationId).header("X-Chat-Token", alice.idToken()));
        assertThat(withTheFirstToken.status())
                .as("the refreshed token's conversation is the same person's")
                .isEqualTo(200);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.uri(path));
    }

    private HttpRequest.Builder chatTurn(String token, String body) {
        return request("/api/chat")
                .header("Content-Type", "application/json")
                .header("X-Chat-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** The server's log line of a request: written once the answer is out, so it may take a moment to appear. */
    private JsonNode requestLog(String requestId) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (true) {
            for (String line : server.logText().lines().toList()) {
                if (line.startsWith("{") && line.contains("\"requestId\":\"" + requestId + "\"")) {
                    return Http.parse(line);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no log line for request " + requestId + " in " + server.log());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
