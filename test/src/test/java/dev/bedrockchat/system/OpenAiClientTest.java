package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.Keycloak;
import dev.bedrockchat.system.support.KeycloakLogin;
import dev.bedrockchat.system.support.LocalServer;
import dev.bedrockchat.system.support.NodeScenarios;
import dev.bedrockchat.system.support.StubbedChat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAI-compatible API with the real {@code openai} npm client (pinned in package.json): the real function jar in
 * {@code oidc} mode against Keycloak and the Bedrock stand-in, an API key created through {@code POST /api/keys} with
 * a person's ID token (and a second one revoked), then Node scenarios under {@code test/openai/} that list the models,
 * complete whole and streamed, and meet the API's refusals; the artifacts of their completions are then checked here.
 * Each person has a daily quota of {@value #DAILY_TOKENS} tokens: bob's key spends it, and the client meets the 429.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiClientTest {
    private static final String MODEL = "us.amazon.nova-lite-v1:0";
    private static final int DAILY_TOKENS = 2000;

    private final Http http = new Http();
    private Keycloak keycloak;
    private StubbedChat chat;
    private LocalServer server;
    private KeycloakLogin.Tokens alice;
    private String liveKey;
    private String revokedKey;
    private KeycloakLogin.Tokens bob;
    private String quotaKey;

    @BeforeAll
    void start() {
        keycloak = Keycloak.start("openai-client");
        chat = StubbedChat.start(
                "openai-client",
                Map.of(
                        "AUTH_MODE",
                        "oidc",
                        "OIDC_ISSUER",
                        keycloak.issuer().toString(),
                        "OIDC_CLIENT_ID",
                        Keycloak.CHAT_PAGE,
                        "BEDROCK_MODEL_ID",
                        MODEL,
                        "USER_DAILY_TOKEN_QUOTA",
                        Integer.toString(DAILY_TOKENS)));
        server = chat.server();
        keycloak.allowChatPageAt(server.baseUri());
        alice = KeycloakLogin.signIn(keycloak, keycloak.alice(), server.uri("/"));
        liveKey = createKey("openai client scenarios").path("key").asText();
        bob = KeycloakLogin.signIn(keycloak, keycloak.bob(), server.uri("/"));
        quotaKey = createKey(bob, "quota scenarios").path("key").asText();
        JsonNode revoked = createKey("revoked before the scenarios");
        revokedKey = revoked.path("key").asText();
        Http.Reply revoke =
                http.send(signedIn("/api/keys/" + revoked.path("id").asText()).DELETE());
        assertThat(revoke.status()).isEqualTo(204);
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

    private HttpRequest.Builder signedIn(String path) {
        return signedIn(alice, path);
    }

    private HttpRequest.Builder signedIn(KeycloakLogin.Tokens person, String path) {
        return HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + person.idToken());
    }

    private JsonNode createKey(String name) {
        return createKey(alice, name);
    }

    private JsonNode createKey(KeycloakLogin.Tokens person, String name) {
        Http.Reply created = http.send(signedIn(person, "/api/keys")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")));
        assertThat(created.status()).as(created.response().body()).isEqualTo(201);
        return created.json();
    }

    /** Runs one file of scenarios with the client's settings; returns the completions they reported. */
    private List<JsonNode> runScenarios(String file, int expectedScenarios) throws IOException {
        Path results = Files.createTempFile("openai-results-", ".jsonl");
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("OPENAI_BASE_URL", server.uri("/v1").toString());
        environment.put("OPENAI_MODEL", MODEL);
        environment.put("OPENAI_API_KEY", liveKey);
        environment.put("OPENAI_REVOKED_API_KEY", revokedKey);
        environment.put("OPENAI_QUOTA_API_KEY", quotaKey);
        environment.put("OPENAI_RESULTS", results.toString());

        NodeScenarios.Result run = NodeScenarios.run("openai", List.of(file), environment);

        assertThat(run.exitCode()).as(run.tail()).isZero();
        assertThat(run.count("pass")).as(run.tail()).isEqualTo(expectedScenarios);
        assertThat(run.count("fail")).as(run.tail()).isZero();
        assertThat(run.count("skipped")).as(run.tail()).isZero();
        try (Stream<String> lines = Files.lines(results)) {
            return lines.filter(line -> !line.isBlank()).map(Http::parse).toList();
        }
    }

    @Test
    void theOpenAiClientListsCompletesAndStreamsWithAKeyAndMeetsTheRefusals() throws IOException {
        List<JsonNode> completions = runScenarios("test/openai/completions.test.mjs", 5);

        assertThat(completions)
                .extracting(entry -> entry.path("scenario").asText())
                .containsExactlyInAnyOrder("whole", "stream");
        String subject = keycloak.userId("alice");
        for (JsonNode completion : completions) {
            String requestId = completion.path("completionId").asText().substring("chatcmpl-".length());
            JsonNode artifact = artifact(requestId);
            boolean streamed = completion.path("scenario").asText().equals("stream");
            assertThat(artifact.path("api").asText()).isEqualTo("openai");
            assertThat(artifact.path("conversationId").isNull()).isTrue();
            assertThat(artifact.path("stored").asBoolean()).isFalse();
            assertThat(artifact.path("streamed").asBoolean()).isEqualTo(streamed);
            assertThat(artifact.path("principal").toString())
                    .isEqualTo("{\"kind\":\"oidc\",\"id\":\"" + subject + "\"}");
            assertThat(artifact.path("model").asText()).isEqualTo(MODEL);
            assertThat(artifact.path("message").asText()).isEqualTo("Hello from the OpenAI client");
            assertThat(artifact.path("reply").asText()).isEqualTo("Stub reply to: Hello from the OpenAI client");
            assertThat(artifact.path("usage").path("outputTokens").asInt()).isPositive();
        }
        assertThat(Files.exists(chat.dataDir().resolve("conversations")))
                .as("a stateless API stores no conversation")
                .isFalse();
        assertThat(server.logText()).doesNotContain(liveKey).doesNotContain(revokedKey);
        Http.Reply keys = http.send(signedIn("/api/keys").GET());
        assertThat(keys.json().path("keys")).hasSize(1);
        assertThat(keys.json().at("/keys/0/lastUsedAt").asText()).isNotBlank();
    }

    @Test
    void theOpenAiClientMeetsThePersonsDailyQuotaAsA429WithRetryAfter() throws IOException {
        List<JsonNode> completions = runScenarios("test/openai/quota.test.mjs", 1);

        assertThat(completions)
                .extracting(entry -> entry.path("scenario").asText())
                .containsExactly("quota-1", "quota-2");
        String subject = keycloak.userId("bob");
        for (JsonNode completion : completions) {
            JsonNode artifact =
                    artifact(completion.path("completionId").asText().substring("chatcmpl-".length()));
            assertThat(artifact.path("api").asText()).isEqualTo("openai");
            assertThat(artifact.path("principal").toString())
                    .isEqualTo("{\"kind\":\"oidc\",\"id\":\"" + subject + "\"}");
            assertThat(artifact.path("usage").path("inputTokens").asInt()).isEqualTo(1000);
            assertThat(artifact.path("usage").path("outputTokens").asInt()).isEqualTo(500);
        }
        // The two answers are bob's day; the refused ones counted nothing and never reached the model.
        Http.Reply usage = http.send(signedIn(bob, "/api/usage").GET());
        assertThat(usage.status()).as(usage.response().body()).isEqualTo(200);
        assertThat(usage.json().at("/today/totalTokens").asLong()).isEqualTo(3000);
        assertThat(usage.json().at("/today/requests").asLong()).isEqualTo(2);
        assertThat(usage.json().at("/quota/dailyTokens").asLong()).isEqualTo(DAILY_TOKENS);
        assertThat(usage.json().at("/quota/remainingTokens").asLong()).isZero();
        assertThat(chat.bedrock().requests())
                .filteredOn(request -> request.lastUserMessage().equals("[cached] How much is left of my day?"))
                .hasSize(2);
    }

    private JsonNode artifact(String requestId) {
        try (Stream<Path> files = Files.walk(chat.dataDir().resolve("artifacts"))) {
            Path file = files.filter(path -> path.getFileName().toString().endsWith("-" + requestId + ".json"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no artifact of request " + requestId));
            return Http.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
