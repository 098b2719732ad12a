package dev.bedrockchat.function.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.S3ProxyServer;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The whole function with ARTIFACT_BUCKET: conversations and artifacts in S3 (s3proxy), Bedrock from the stub. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ChatApiTest {
    private static final String BUCKET = "chat-bucket";
    private S3ProxyServer s3proxy;
    private S3Client s3;
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        s3proxy = S3ProxyServer.start();
        s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .httpClient(AwsCrtHttpClient.create())
                .endpointOverride(s3proxy.endpoint())
                .forcePathStyle(true)
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(
                stub.endpoint(),
                Map.of(
                        "ARTIFACT_BUCKET",
                        BUCKET,
                        "AWS_ENDPOINT_URL_S3",
                        s3proxy.endpoint().toString()));
    }

    @AfterAll
    void stop() throws Exception {
        app.close();
        stub.close();
        s3.close();
        s3proxy.close();
    }

    @Test
    void healthReportsS3Storage() {
        assertThat(TestApp.json(app.get("/api/health")).path("storage").asText())
                .isEqualTo("s3");
    }

    @Test
    void twoConcurrentTurnsOnOneConversationAreBothKept() {
        String id = TestApp.json(app.postJson("/api/chat", "{\"message\":\"opening\"}"))
                .path("conversationId")
                .asText();
        stub.clear();

        // Both turns read the conversation, then wait inside the model call: neither has been saved yet.
        var first = CompletableFuture.supplyAsync(
                () -> app.chatStream("{\"message\":\"turn A [gated]\",\"conversationId\":\"" + id + "\"}"));
        var second = CompletableFuture.supplyAsync(
                () -> app.chatStream("{\"message\":\"turn B [gated]\",\"conversationId\":\"" + id + "\"}"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (stub.requests().size() < 2 && System.nanoTime() < deadline) {
            TestApp.sleep(10);
        }
        assertThat(stub.requests())
                .hasSize(2)
                .allSatisfy(
                        request -> assertThat(request.conversation()).hasSize(3).startsWith("user: opening"));
        stub.releaseGate();
        CompletableFuture.anyOf(first, second).join();
        stub.releaseGate();
        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(second.join().statusCode()).isEqualTo(200);

        HttpResponse<String> history = app.get("/api/conversations/" + id);
        List<String> contents = TestApp.json(history).path("messages").findValuesAsText("content");
        assertThat(contents)
                .hasSize(6)
                .startsWith("opening", "Stub reply to: opening")
                .contains("turn A [gated]", "turn B [gated]");
        String reply = "Gated reply: first part. second part arrives after the release.";
        assertThat(contents.get(contents.indexOf("turn A [gated]") + 1)).isEqualTo(reply);
        assertThat(contents.get(contents.indexOf("turn B [gated]") + 1)).isEqualTo(reply);
    }

    /**
     * Fifty turns into one conversation at once, through the whole function (S3 store, conditional writes that lose
     * their race and are merged again): every answered turn is stored, once, in the order the turns arrived.
     */
    @Test
    void fiftyConcurrentTurnsIntoOneConversationAreAllStoredOnceInTheOrderTheyArrived() {
        String id = TestApp.json(app.postJson("/api/chat", "{\"message\":\"opening\"}"))
                .path("conversationId")
                .asText();
        int turns = 50;
        var replies = new java.util.ArrayList<CompletableFuture<HttpResponse<String>>>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < turns; i++) {
                String body = "{\"message\":\"turn " + i + "\",\"conversationId\":\"" + id + "\"}";
                replies.add(CompletableFuture.supplyAsync(() -> app.postJson("/api/chat", body), executor));
            }
            replies.forEach(reply -> {
                assertThat(reply.join().statusCode()).isEqualTo(200);
                assertThat(TestApp.json(reply.join()).path("stored").asBoolean())
                        .isTrue();
            });
        }

        JsonNode messages = TestApp.json(app.get("/api/conversations/" + id)).path("messages");
        assertThat(messages).hasSize(2 * (turns + 1));
        var questions = new java.util.ArrayList<String>();
        var arrivals = new java.util.ArrayList<java.time.Instant>();
        for (int i = 0; i < messages.size(); i += 2) {
            assertThat(messages.get(i).path("role").asText()).isEqualTo("user");
            String question = messages.get(i).path("content").asText();
            assertThat(messages.get(i + 1).path("content").asText()).isEqualTo("Stub reply to: " + question);
            questions.add(question);
            arrivals.add(java.time.Instant.parse(messages.get(i).path("at").asText()));
        }
        assertThat(questions).doesNotHaveDuplicates().hasSize(turns + 1).first().isEqualTo("opening");
        assertThat(arrivals).isSorted();
        assertThat(TestApp.json(app.get("/api/conversations"))
                        .path("conversations")
                        .get(0)
                        .path("messageCount")
                        .asInt())
                .isEqualTo(2 * (turns + 1));
    }

    @Test
    void everyExchangeLeavesAnArtifactInTheBucket() throws Exception {
        String requestId = TestApp.requestId(app.postJson("/api/chat", "{\"message\":\"archive me\"}"));

        List<S3Object> objects = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("artifacts/date="))
                .contents();
        S3Object object = objects.stream()
                .filter(o -> o.key().endsWith("-" + requestId + ".json"))
                .findFirst()
                .orElseThrow();
        assertThat(object.key())
                .matches("artifacts/date=\\d{4}-\\d\\d-\\d\\d/\\d{6}\\.\\d{3}Z-" + requestId + "\\.json");
        JsonNode artifact = TestApp.json(
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(object.key())).asUtf8String());
        assertThat(artifact.path("message").asText()).isEqualTo("archive me");
        assertThat(artifact.path("reply").asText()).isEqualTo("Stub reply to: archive me");
    }
}
