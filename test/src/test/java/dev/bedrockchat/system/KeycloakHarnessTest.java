package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.Jwt;
import dev.bedrockchat.system.support.Keycloak;
import dev.bedrockchat.system.support.KeycloakLogin;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenID Connect provider of the system tests is real: Keycloak from the build's own download, its realm's
 * discovery document and keys, and the chat page's sign-in (authorization code with PKCE) for alice and bob.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakHarnessTest {
    /** Where the chat page would run; the sign-in reads Keycloak's redirect to it and never loads it. */
    private static final URI PAGE = URI.create("http://127.0.0.1:8080");

    private static final Duration TOKEN_LIFESPAN = Duration.ofSeconds(120);

    private final Http http = new Http();
    private Keycloak keycloak;

    @BeforeAll
    void start() {
        keycloak = Keycloak.start("harness", Keycloak.Settings.defaults().withTokenLifespan(TOKEN_LIFESPAN));
        keycloak.allowChatPageAt(PAGE);
    }

    @AfterAll
    void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void theDiscoveryDocumentNamesTheRealmsEndpoints() {
        String issuer = "http://127.0.0.1:" + keycloak.baseUri().getPort() + "/realms/bedrock-chat";
        Http.Reply reply = http.get(URI.create(issuer + "/.well-known/openid-configuration"));

        assertThat(reply.status()).isEqualTo(200);
        JsonNode discovery = reply.json();
        assertThat(keycloak.issuer()).hasToString(issuer);
        assertThat(discovery.path("issuer").asText()).isEqualTo(issuer);
        assertThat(discovery.path("authorization_endpoint").asText())
                .isEqualTo(issuer + "/protocol/openid-connect/auth");
        assertThat(discovery.path("token_endpoint").asText()).isEqualTo(issuer + "/protocol/openid-connect/token");
        assertThat(discovery.path("jwks_uri").asText()).isEqualTo(issuer + "/protocol/openid-connect/certs");
        assertThat(discovery.path("end_session_endpoint").asText())
                .isEqualTo(issuer + "/protocol/openid-connect/logout");
        assertThat(discovery.path("code_challenge_methods_supported"))
                .extracting(JsonNode::asText)
                .contains("S256");
        assertThat(discovery.path("id_token_signing_alg_values_supported"))
                .extracting(JsonNode::asText)
                .contains("RS256");
    }

    @Test
    void theIssuerIsTheSameWhateverHostNameAClientUses() {
        Http.Reply reply = http.get(URI.create("http://localhost:"
                + keycloak.baseUri().getPort() + "/realms/bedrock-chat/.well-known/openid-configuration"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("issuer").asText())
                .isEqualTo(keycloak.issuer().toString());
    }

    @Test
    void aliceSignsInToTheChatPageAndGetsItsIdToken() {
        KeycloakLogin.Tokens tokens = KeycloakLogin.signIn(keycloak, keycloak.alice(), URI.create(PAGE + "/"));

        Jwt id = tokens.id();
        assertThat(id.claim("iss")).isEqualTo(keycloak.issuer().toString());
        assertThat(id.claims().path("aud").isTextual()).as("one audience").isTrue();
        assertThat(id.claim("aud")).isEqualTo("chat-page");
        assertThat(id.claim("azp")).isEqualTo("chat-page");
        assertThat(id.claim("typ")).isEqualTo("ID");
        assertThat(id.claim("sub")).isEqualTo(keycloak.userId("alice")).isNotBlank();
        assertThat(id.claim("email")).isEqualTo("alice@example.com");
        assertThat(id.claims().path("email_verified").asBoolean()).isTrue();
        assertThat(id.claim("name")).isEqualTo("Alice Example");
        assertThat(id.claim("preferred_username")).isEqualTo("alice");
        assertThat(id.claim("nonce")).isEqualTo(tokens.nonce());
        assertThat(Duration.between(id.issuedAt(), id.expiresAt())).isEqualTo(TOKEN_LIFESPAN);

        Jwt access = tokens.access();
        assertThat(access.claim("sub")).isEqualTo(id.claim("sub"));
        assertThat(access.claim("typ")).isEqualTo("Bearer");
        assertThat(access.audience()).as("the audience mapper of chat-page").containsExactly("chat-page");
        assertThat(Duration.between(access.issuedAt(), access.expiresAt())).isEqualTo(TOKEN_LIFESPAN);
        assertThat(tokens.refreshToken()).isNotBlank();
        assertThat(tokens.response().path("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.response().path("expires_in").asLong()).isEqualTo(TOKEN_LIFESPAN.toSeconds());
    }

    @Test
    void theIdTokenIsSignedByAnRs256KeyOfTheRealmsJwks() {
        Jwt id = KeycloakLogin.signIn(keycloak, keycloak.alice(), URI.create(PAGE + "/"))
                .id();
        Http.Reply jwks = http.get(keycloak.endpoint("jwks_uri"));

        assertThat(jwks.status()).isEqualTo(200);
        assertThat(id.alg()).isEqualTo("RS256");
        assertThat(id.kid()).isNotBlank();
        JsonNode key = id.keyIn(jwks.json());
        assertThat(key)
                .as("the JWKS holds the token's kid %s: %s", id.kid(), jwks.json())
                .isNotNull();
        assertThat(key.path("kty").asText()).isEqualTo("RSA");
        assertThat(key.path("alg").asText()).isEqualTo("RS256");
        assertThat(key.path("use").asText()).isEqualTo("sig");
        assertThat(id.isSignedBy(key)).isTrue();

        String[] parts = id.compact().split("\\.");
        String otherClaims = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        id.claims().toString().replace("alice", "mallory").getBytes(StandardCharsets.UTF_8));
        Jwt forged = Jwt.parse(parts[0] + "." + otherClaims + "." + parts[2]);
        assertThat(forged.claim("preferred_username")).isEqualTo("mallory");
        assertThat(forged.isSignedBy(key))
                .as("changed claims fail the signature")
                .isFalse();
    }

    @Test
    void bobSignsInAsHimself() {
        Jwt id = KeycloakLogin.signIn(keycloak, keycloak.bob(), URI.create(PAGE + "/chat"))
                .id();

        assertThat(id.claim("sub")).isEqualTo(keycloak.userId("bob")).isNotEqualTo(keycloak.userId("alice"));
        assertThat(id.claim("email")).isEqualTo("bob@example.com");
        assertThat(id.claim("name")).isEqualTo("Bob Example");
        assertThat(id.claim("aud")).isEqualTo("chat-page");
    }

    @Test
    void aWrongPasswordIsRefusedOnTheLoginForm() {
        Keycloak.User alice = keycloak.alice();
        Keycloak.User wrongPassword = new Keycloak.User(alice.username(), "not-" + alice.password(), null, null);

        assertThatThrownBy(() -> KeycloakLogin.signIn(keycloak, wrongPassword, URI.create(PAGE + "/")))
                .hasMessage("Keycloak refused the sign-in of alice: Invalid username or password.");
    }

    @Test
    void theRefreshTokenGivesNewTokensForTheSameUser() {
        KeycloakLogin.Tokens first = KeycloakLogin.signIn(keycloak, keycloak.alice(), URI.create(PAGE + "/"));

        KeycloakLogin.Tokens refreshed = KeycloakLogin.refresh(keycloak, first.refreshToken());

        assertThat(refreshed.idToken()).isNotEqualTo(first.idToken());
        assertThat(refreshed.id().claim("jti")).isNotEqualTo(first.id().claim("jti"));
        assertThat(refreshed.id().claim("sub")).isEqualTo(first.id().claim("sub"));
        assertThat(refreshed.id().claim("aud")).isEqualTo("chat-page");
        assertThat(refreshed.refreshToken()).isNotBlank();
    }

    @Test
    void theChatPageHasNoPasswordGrant() {
        Http.Reply reply = KeycloakLogin.tokenRequest(
                keycloak,
                Map.of(
                        "grant_type", "password",
                        "client_id", "chat-page",
                        "scope", "openid",
                        "username", "alice",
                        "password", keycloak.alice().password()));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").asText()).isEqualTo("unauthorized_client");
        assertThat(reply.json().path("error_description").asText())
                .isEqualTo("Client not allowed for direct access grants");
        assertThat(reply.json().has("access_token")).isFalse();
    }

    @Test
    void anAuthorizationRequestWithoutPkceIsRefused() {
        URI authorize = URI.create(keycloak.endpoint("authorization_endpoint")
                + "?client_id=chat-page&response_type=code&scope=openid&state=s1"
                + "&redirect_uri=" + PAGE + "/");

        Http.Reply reply = http.get(authorize);

        assertThat(reply.status()).isEqualTo(302);
        URI back = URI.create(reply.header("Location"));
        assertThat(back.toString()).startsWith(PAGE + "/?");
        assertThat(KeycloakLogin.query(back))
                .containsEntry("error", "invalid_request")
                .containsEntry("error_description", "Missing parameter: code_challenge_method")
                .containsEntry("state", "s1")
                .doesNotContainKey("code");
    }

    @Test
    void aRedirectOutsideThePageIsRefused() {
        assertThatThrownBy(() -> KeycloakLogin.signIn(
                        keycloak, keycloak.alice(), URI.create("http://127.0.0.1:" + (PAGE.getPort() + 1) + "/")))
                .hasMessageContaining("showed no login form")
                .hasMessageContaining("400")
                .hasMessageContaining("Invalid parameter: redirect_uri");
    }

    @Test
    void theChatPageClientIsPublicWithPkceAndThePagesAddresses() {
        JsonNode client = keycloak.chatPageClient();

        assertThat(client.path("clientId").asText()).isEqualTo("chat-page");
        assertThat(client.path("publicClient").asBoolean()).isTrue();
        assertThat(client.path("standardFlowEnabled").asBoolean()).isTrue();
        assertThat(client.path("implicitFlowEnabled").asBoolean()).isFalse();
        assertThat(client.path("directAccessGrantsEnabled").asBoolean()).isFalse();
        assertThat(client.path("serviceAccountsEnabled").asBoolean()).isFalse();
        assertThat(client.path("attributes").path("pkce.code.challenge.method").asText())
                .isEqualTo("S256");
        assertThat(client.path("attributes").path("use.refresh.tokens").asText())
                .isEqualTo("true");
        assertThat(client.path("attributes").path("post.logout.redirect.uris").asText())
                .isEqualTo(PAGE + "/*");
        assertThat(client.path("redirectUris")).extracting(JsonNode::asText).containsExactly(PAGE + "/*");
        assertThat(client.path("webOrigins")).extracting(JsonNode::asText).containsExactly(PAGE.toString());
    }

    @Test
    void theLogIsKeptUnderTheBuildOutput() {
        assertThat(keycloak.log()).isRegularFile();
        assertThat(keycloak.log().toString()).endsWith("test/target/server-logs/keycloak-harness.log");
        assertThat(keycloak.logText())
                .contains("Realm 'bedrock-chat' imported")
                .contains("Listening on: " + keycloak.baseUri());
    }

    @Test
    void anotherStartHasAFreshRealmItsOwnTokenLifespanAndStopsCompletely() throws Exception {
        ProcessHandle server;
        int port;
        String alicesFirstId = keycloak.userId("alice");
        try (Keycloak other = Keycloak.start(
                "harness-second", Keycloak.Settings.defaults().withTokenLifespan(Duration.ofSeconds(7)))) {
            other.allowChatPageAt(PAGE);
            server = other.serverProcess();
            port = other.baseUri().getPort();

            Jwt id = KeycloakLogin.signIn(other, other.alice(), URI.create(PAGE + "/"))
                    .id();
            assertThat(Duration.between(id.issuedAt(), id.expiresAt())).isEqualTo(Duration.ofSeconds(7));
            assertThat(id.claim("iss"))
                    .isEqualTo(other.issuer().toString())
                    .isNotEqualTo(keycloak.issuer().toString());
            assertThat(other.userId("alice")).as("a new database").isNotEqualTo(alicesFirstId);
            assertThat(other.alice().password()).isNotEqualTo(keycloak.alice().password());
            assertThat(other.logText())
                    .as("the build step of the first start is reused")
                    .doesNotContain("Updating the configuration");
        }

        assertThat(server.isAlive()).as("Keycloak's java process").isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                .as("nothing listens on Keycloak's port any more")
                .isInstanceOf(java.net.ConnectException.class);
        assertThat(keycloak.userId("alice")).as("the first Keycloak still runs").isEqualTo(alicesFirstId);
    }
}
