package dev.bedrockchat.function;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.api.SnapshotHooks;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Lambda Web Adapter's SnapStart hooks: before the snapshot the chat path runs without calling Bedrock or
 * touching the real store; after a restore the id generator and every SDK HTTP client (with its connection pool) are
 * new, and the next turns work; the paths answer the adapter's own calls only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnapshotHooksTest {
    private static final Map<String, String> BEHIND_ADAPTER =
            Map.of("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap", "AWS_LAMBDA_FUNCTION_NAME", "chat-test");

    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(stub.endpoint(), BEHIND_ADAPTER);
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    private HttpResponse<String> post(TestApp target, String path, String... headers) {
        return target.send(HttpRequest.newBuilder(target.uri(path)).POST(HttpRequest.BodyPublishers.noBody()), headers);
    }

    @Test
    void beforeTheSnapshotTheChatPathRunsWithoutBedrockOrTheRealStore() throws Exception {
        try (TestApp fresh = TestApp.againstStub(stub.endpoint(), BEHIND_ADAPTER)) {
            stub.clear();

            HttpResponse<String> response = post(fresh, SnapshotHooks.BEFORE_CHECKPOINT_PATH);

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = TestApp.json(response);
            assertThat(body.path("hook").asText()).isEqualTo("snapstart_before_checkpoint");
            assertThat(body.path("primingRequests").asInt()).isEqualTo(5 * Priming.ROUNDS);
            assertThat(stub.requests()).isEmpty();
            assertThat(conversationFiles(fresh.dataDir())).isEmpty();
            JsonNode line = fresh.awaitLogLine(l -> l.path("type").asText().equals("snapstart_before_checkpoint"));
            assertThat(line.path("status").asInt()).isEqualTo(200);
            assertThat(line.path("primingRequests").asInt()).isEqualTo(5 * Priming.ROUNDS);
        }
    }

    @Test
    void afterARestoreTheIdsAndEveryConnectionPoolAreNewAndTheNextTurnsWork() throws Exception {
        // A turn first, so that the pools hold a connection from before the "snapshot".
        assertThat(app.postJson("/api/chat", "{\"message\":\"before\"}").statusCode())
                .isEqualTo(200);
        List<AutoCloseable> clientsBefore = app.application().aws().currentHttpClients();
        SecureRandom randomBefore = app.application().randomIds().generator();
        stub.clear();

        HttpResponse<String> response = post(app, SnapshotHooks.AFTER_RESTORE_PATH);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestApp.json(response);
        assertThat(body.path("hook").asText()).isEqualTo("snapstart_after_restore");
        assertThat(body.path("randomIdsRenewed").asBoolean()).isTrue();
        // The synchronous and the streaming Bedrock Runtime clients (no bucket, no secrets here).
        assertThat(body.path("httpClientsRenewed").asInt()).isEqualTo(2);
        List<AutoCloseable> clientsAfter = app.application().aws().currentHttpClients();
        assertThat(clientsAfter).hasSameSizeAs(clientsBefore).hasSize(2);
        for (AutoCloseable client : clientsAfter) {
            assertThat(clientsBefore).noneMatch(old -> old == client);
        }
        assertThat(app.application().randomIds().generator()).isNotSameAs(randomBefore);

        HttpResponse<String> json = app.postJson("/api/chat", "{\"message\":\"after json\"}");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(json).path("reply").asText()).isEqualTo("Stub reply to: after json");
        HttpResponse<String> stream = app.chatStream("{\"message\":\"after stream\"}");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("event: done");
        assertThat(stub.requests())
                .extracting(BedrockRuntimeStub.RecordedRequest::lastUserMessage)
                .containsExactly("after json", "after stream");
    }

    @Test
    void aRequestThatCameThroughApiGatewayIsNotAnsweredByTheHooks() {
        SecureRandom before = app.application().randomIds().generator();
        for (String path : List.of(SnapshotHooks.BEFORE_CHECKPOINT_PATH, SnapshotHooks.AFTER_RESTORE_PATH)) {
            HttpResponse<String> response =
                    post(app, path, "x-amzn-request-context", "{\"requestId\":\"from-api-gateway-1\"}");
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(TestApp.json(response).path("error").path("code").asText())
                    .isEqualTo("NotFound");
        }
        assertThat(app.application().randomIds().generator()).isSameAs(before);
    }

    @Test
    void withoutTheAdapterTheHookPathsAreUnknownRoutes() {
        try (TestApp local = TestApp.againstStub(stub.endpoint(), Map.of())) {
            SecureRandom before = local.application().randomIds().generator();
            for (String path : List.of(SnapshotHooks.BEFORE_CHECKPOINT_PATH, SnapshotHooks.AFTER_RESTORE_PATH)) {
                HttpResponse<String> response = post(local, path);
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(TestApp.json(response).path("error").path("code").asText())
                        .isEqualTo("NotFound");
            }
            assertThat(local.application().randomIds().generator()).isSameAs(before);
        }
    }

    private static List<Path> conversationFiles(Path dataDir) throws Exception {
        Path conversations = dataDir.resolve("conversations");
        if (!Files.isDirectory(conversations)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(conversations)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
