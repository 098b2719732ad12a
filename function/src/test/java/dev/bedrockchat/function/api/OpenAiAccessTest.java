package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.OidcProviderStub;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Who may call {@code /v1}, in each sign-in mode: a person's API key (created, listed and revoked through
 * {@code /api/keys} while signed in), the shared token, or anyone; and the key routes where there are no keys.
 */
class OpenAiAccessTest {
    private static final String COMPLETION =
            "{\"model\":\"amazon.nova-lite-v1:0\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi from a script\"}]}";

    private static void assertUnauthorized(HttpResponse<String> response, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"bedrock-chat\"");
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("authentication_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("message").asText()).contains(messagePart);
    }

    @Nested
    class WithPersonalKeys {
        private final String subject = UUID.randomUUID().toString();

        @Test
        void aKeyCreatedWhileSignedInCallsAsItsOwnerUntilItIsRevoked() {
            try (var provider = OidcProviderStub.start();
                    var app = TestApp.start(Map.of(
                            "CHAT_MODE",
                            "offline",
                            "AUTH_MODE",
                            "oidc",
                            "OIDC_ISSUER",
                            provider.issuer(),
                            "OIDC_CLIENT_ID",
                            OidcProviderStub.CLIENT_ID))) {
                String idToken = provider.idToken(subject, Instant.now());

                HttpResponse<String> created =
                        app.postJson("/api/keys", "{\"name\":\"nightly job\"}", "Authorization", "Bearer " + idToken);
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                JsonNode key = TestApp.json(created);
                assertThat(key.path("name").asText()).isEqualTo("nightly job");
                assertThat(key.path("key").asText()).matches("bck_[A-Za-z0-9_-]{43}");
                assertThat(key.path("createdAt").asText()).isNotBlank();
                String secret = key.path("key").asText();

                HttpResponse<String> listed = app.get("/api/keys", "X-Chat-Token", idToken);
                assertThat(TestApp.json(listed))
                        .isEqualTo(TestApp.json(
                                "{\"keys\":[{\"id\":\"" + key.path("id").asText()
                                        + "\",\"name\":\"nightly job\",\"prefix\":\"" + secret.substring(0, 12)
                                        + "\",\"createdAt\":\""
                                        + key.path("createdAt").asText() + "\",\"lastUsedAt\":null}]}"));
                assertThat(listed.body()).doesNotContain(secret);

                HttpResponse<String> answered =
                        app.postJson("/v1/chat/completions", COMPLETION, "Authorization", "Bearer " + secret);
                assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
                JsonNode artifact = app.awaitArtifact(TestApp.requestId(answered));
                assertThat(artifact.path("principal").toString())
                        .isEqualTo("{\"kind\":\"oidc\",\"id\":\"" + subject + "\"}");
                assertThat(artifact.path("api").asText()).isEqualTo("openai");
                assertThat(app.requestLog(TestApp.requestId(answered))
                                .path("principal")
                                .asText())
                        .isEqualTo("oidc");
                assertThat(TestApp.json(app.get("/api/keys", "X-Chat-Token", idToken))
                                .at("/keys/0/lastUsedAt")
                                .asText())
                        .isNotBlank();
                assertThat(app.rawLog()).doesNotContain(secret);

                assertUnauthorized(
                        app.get("/v1/models", "Authorization", "Bearer " + idToken), "not one of this deployment's");
                assertUnauthorized(app.get("/v1/models"), "needs an API key");
                assertUnauthorized(
                        app.get("/v1/models", "Authorization", "Bearer bck_" + "x".repeat(43)),
                        "not one of this deployment's");

                HttpResponse<String> revoked =
                        app.delete("/api/keys/" + key.path("id").asText(), "X-Chat-Token", idToken);
                assertThat(revoked.statusCode()).isEqualTo(204);
                assertUnauthorized(
                        app.postJson("/v1/chat/completions", COMPLETION, "Authorization", "Bearer " + secret),
                        "revoked");
                HttpResponse<String> again =
                        app.delete("/api/keys/" + key.path("id").asText(), "X-Chat-Token", idToken);
                assertThat(again.statusCode()).isEqualTo(404);
                assertThat(TestApp.json(again).at("/error/code").asText()).isEqualTo("NotFound");
                assertThat(TestApp.json(app.get("/api/keys", "X-Chat-Token", idToken))
                                .path("keys"))
                        .isEmpty();
            }
        }

        @Test
        void theKeyRoutesNeedASignedInPersonAndAName() {
            try (var provider = OidcProviderStub.start();
                    var app = TestApp.start(Map.of(
                            "CHAT_MODE",
                            "offline",
                            "AUTH_MODE",
                            "oidc",
                            "OIDC_ISSUER",
                            provider.issuer(),
                            "OIDC_CLIENT_ID",
                            OidcProviderStub.CLIENT_ID))) {
                String idToken = provider.idToken(subject, Instant.now());
                String otherToken = provider.idToken(UUID.randomUUID().toString(), Instant.now());

                HttpResponse<String> anonymous = app.postJson("/api/keys", "{\"name\":\"x\"}");
                assertThat(anonymous.statusCode()).isEqualTo(401);
                assertThat(TestApp.json(anonymous).at("/error/code").asText()).isEqualTo("Unauthorized");

                HttpResponse<String> nameless = app.postJson("/api/keys", "{}", "X-Chat-Token", idToken);
                assertThat(nameless.statusCode()).isEqualTo(400);
                assertThat(TestApp.json(nameless).at("/error/message").asText()).contains("name is required");

                String id = TestApp.json(app.postJson("/api/keys", "{\"name\":\"mine\"}", "X-Chat-Token", idToken))
                        .path("id")
                        .asText();
                assertThat(app.delete("/api/keys/" + id, "X-Chat-Token", otherToken)
                                .statusCode())
                        .as("another person's key")
                        .isEqualTo(404);
                assertThat(TestApp.json(app.get("/api/keys", "X-Chat-Token", otherToken))
                                .path("keys"))
                        .isEmpty();

                for (int i = 2; i <= 10; i++) {
                    assertThat(app.postJson("/api/keys", "{\"name\":\"k" + i + "\"}", "X-Chat-Token", idToken)
                                    .statusCode())
                            .isEqualTo(201);
                }
                HttpResponse<String> tooMany =
                        app.postJson("/api/keys", "{\"name\":\"eleven\"}", "X-Chat-Token", idToken);
                assertThat(tooMany.statusCode()).isEqualTo(409);
                assertThat(TestApp.json(tooMany).at("/error/code").asText()).isEqualTo("Conflict");
                assertThat(TestApp.json(tooMany).at("/error/message").asText()).contains("revoke one");
            }
        }
    }

    @Nested
    class WithTheSharedToken {
        @Test
        void theSharedTokenCallsAndKeysAreNotOffered() {
            try (var app = TestApp.start(Map.of("CHAT_MODE", "offline", "AUTH_TOKEN", "shared-secret-token"))) {
                assertUnauthorized(app.get("/v1/models"), "access token");
                assertUnauthorized(
                        app.get("/v1/models", "Authorization", "Bearer wrong-token"), "not this deployment's");

                HttpResponse<String> answered =
                        app.postJson("/v1/chat/completions", COMPLETION, "Authorization", "Bearer shared-secret-token");
                assertThat(answered.statusCode()).isEqualTo(200);
                assertThat(app.awaitArtifact(TestApp.requestId(answered))
                                .path("principal")
                                .path("kind")
                                .asText())
                        .isEqualTo("token");

                HttpResponse<String> keys = app.get("/api/keys", "X-Chat-Token", "shared-secret-token");
                assertThat(keys.statusCode()).isEqualTo(404);
                assertThat(TestApp.json(keys).at("/error/message").asText())
                        .contains("AUTH_MODE=token", "shared access token", "AUTH_MODE=oidc");
            }
        }
    }

    @Nested
    class WithoutSignIn {
        @Test
        void anyoneCallsAndKeysAreNotOffered() {
            try (var app = TestApp.start(Map.of("CHAT_MODE", "offline"))) {
                HttpResponse<String> answered =
                        app.postJson("/v1/chat/completions", COMPLETION, "Authorization", "Bearer anything-at-all");
                assertThat(answered.statusCode()).isEqualTo(200);
                assertThat(app.get("/v1/models").statusCode()).isEqualTo(200);

                HttpResponse<String> keys = app.postJson("/api/keys", "{\"name\":\"x\"}");
                assertThat(keys.statusCode()).isEqualTo(404);
                assertThat(TestApp.json(keys).at("/error/message").asText()).contains("AUTH_MODE=none");
            }
        }
    }
}
