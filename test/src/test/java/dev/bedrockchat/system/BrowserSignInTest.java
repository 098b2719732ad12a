package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.system.support.BrowserScenarios;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.Keycloak;
import dev.bedrockchat.system.support.KeycloakLogin;
import dev.bedrockchat.system.support.LocalServer;
import dev.bedrockchat.system.support.NodeScenarios;
import dev.bedrockchat.system.support.Repo;
import dev.bedrockchat.system.support.StubbedChat;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chat page's sign-in in headless Chromium: Keycloak as the OpenID Connect provider, the real function jar in
 * {@code oidc} mode serving the page, and {@code test/browser/signin.test.mjs} signing alice in through Keycloak's own
 * login form (authorization code with PKCE), then chatting, listing, searching, renaming and exporting, a 401 in the
 * middle of the session that signs in again and keeps the draft, an API key made in the page's panel that calls
 * {@code /v1} until it is revoked there, and the sign-out that ends Keycloak's session too.
 *
 * <p>Page and provider are both on 127.0.0.1 over plain HTTP, on different ports; Keycloak marks its cookies
 * {@code Secure}, which Chromium keeps for a loopback address as for {@code localhost} (both are secure contexts), so
 * Keycloak's session survives the round trips of the sign-in, the silent sign-in after the 401, and the sign-out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserSignInTest {
    private final Http http = new Http();
    private Keycloak keycloak;
    private StubbedChat chat;
    private LocalServer server;

    @BeforeAll
    void start() {
        keycloak = Keycloak.start("browser-sign-in");
        chat = StubbedChat.start(
                "browser-sign-in",
                Map.of(
                        "AUTH_MODE",
                        "oidc",
                        "OIDC_ISSUER",
                        keycloak.issuer().toString(),
                        "OIDC_CLIENT_ID",
                        Keycloak.CHAT_PAGE,
                        "STATIC_DIR",
                        Repo.pageDir().toString()));
        server = chat.server();
        keycloak.allowChatPageAt(server.baseUri());
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
    void aliceSignsInThroughKeycloaksFormInChromiumChatsAndSignsOut() {
        NodeScenarios.Result run = BrowserScenarios.run(
                List.of("test/browser/signin.test.mjs"),
                Map.of(
                        "BASE_URL", server.baseUri().toString(),
                        "OIDC_USERNAME", keycloak.alice().username(),
                        "OIDC_PASSWORD", keycloak.alice().password()));

        assertThat(run.exitCode())
                .as(
                        "node --test test/browser/signin.test.mjs exit code; last lines:\n%s\nserver log: %s\nKeycloak log: %s",
                        run.tail(), server.log(), keycloak.log())
                .isZero();
        assertThat(run.count("skipped")).as("scenarios skipped").isZero();
        assertThat(run.count("pass")).as("scenarios passed").isEqualTo(8).isEqualTo(run.count("tests"));

        // What the page did is on the server, under alice's own principal: her two conversations, one renamed.
        KeycloakLogin.Tokens alice = KeycloakLogin.signIn(keycloak, keycloak.alice(), server.uri("/"));
        JsonNode listed = list(alice.idToken());
        assertThat(listed.findValuesAsText("title")).containsExactly("Sailing trip", "Hello from a signed-in person");
        assertThat(chat.bedrock().requests())
                .anySatisfy(
                        request -> assertThat(request.lastUserMessage()).isEqualTo("Packing list for a sailing trip"));

        KeycloakLogin.Tokens bob = KeycloakLogin.signIn(keycloak, keycloak.bob(), server.uri("/"));
        assertThat(list(bob.idToken())).as("bob's conversations").isEmpty();
    }

    private JsonNode list(String idToken) {
        Http.Reply reply = http.send(HttpRequest.newBuilder(server.uri("/api/conversations"))
                .header("X-Chat-Token", idToken)
                .GET());
        assertThat(reply.status())
                .as("GET /api/conversations: %s", reply.response().body())
                .isEqualTo(200);
        return reply.json().path("conversations");
    }
}
