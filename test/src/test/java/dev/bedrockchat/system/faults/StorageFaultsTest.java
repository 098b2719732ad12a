package dev.bedrockchat.system.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.testing.MotoServer;
import dev.bedrockchat.function.testing.ScriptedBedrock;
import dev.bedrockchat.system.support.ChatTurns;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.LocalServer;
import dev.bedrockchat.system.support.S3FaultProxy;
import dev.bedrockchat.system.support.S3FaultProxy.Operation;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The real function jar on S3 storage (moto's S3 server behind a fault proxy) when the storage fails: down (refused
 * connections), slow, or answering 412 and 503 to PutObject and GetObject. Before the model is called a history that
 * cannot be read is a 503 StorageUnavailable and the model is not called; once the model has answered, the answer
 * goes out ({@code "stored": false} when the turn cannot be stored) and the exchange is kept: in its artifact in the
 * bucket, or, when the bucket cannot be written either, in the log's {@code artifact_fallback} line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageFaultsTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String BUCKET = "faults-artifacts";
    private static final String FOLDER = "conversations/" + Principal.ANONYMOUS.key() + "/";

    private ScriptedBedrock bedrock;
    private S3FaultProxy s3;
    private S3Client moto;
    private LocalServer server;
    private ChatTurns turns;

    @BeforeAll
    void start() {
        moto = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCALTESTONLY", "local")))
                .httpClient(AwsCrtHttpClient.create())
                .endpointOverride(MOTO.endpoint())
                .forcePathStyle(true)
                .build();
        moto.createBucket(b -> b.bucket(BUCKET));
        bedrock = ScriptedBedrock.start();
        s3 = S3FaultProxy.to(MOTO.endpoint());
        Map<String, String> env = new HashMap<>(LocalServer.bedrockAt(bedrock.endpoint()));
        env.put("ENVIRONMENT_NAME", "storage-faults");
        env.put("ARTIFACT_BUCKET", BUCKET);
        env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
        server = LocalServer.start("storage-faults", env);
        turns = new ChatTurns(server);
    }

    @AfterEach
    void heal() {
        s3.heal();
        s3.clearRequests();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (bedrock != null) {
            bedrock.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void storageDownBeforeTheModelIsCalledIsStorageUnavailableAndTheModelIsNotCalled() {
        String id = turns.newConversation("before the outage");
        String key = key();
        s3.down();

        Http.Reply turn = turns.stream("ask " + key, id);
        Http.Reply first = turns.json("a first question " + key, null);
        Http.Reply read = turns.conversation(id);
        s3.up();

        // Refused, not accepted: the person is told to send it again (Retry-After); nothing was answered to keep.
        assertUnavailable(turn);
        assertUnavailable(first);
        assertUnavailable(read);
        assertThat(bedrock.callsFor(key)).isEmpty();
        assertThat(turns.messages(id).findValuesAsText("content"))
                .containsExactly("before the outage", "Stand-in reply to: before the outage");

        Http.Reply back = turns.json("after the outage", id);
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.json().path("stored").asBoolean()).isTrue();
        assertThat(turns.messages(id)).hasSize(4);
    }

    @Test
    void storageThatFailsEveryWriteAfterTheAnswerStillAnswersAndTheTurnGoesToTheLogsFallback() {
        String id = turns.newConversation("before every write fails");
        s3.fail(Operation.PUT_OBJECT, "", 503, -1);

        Http.Reply turn = turns.json("while every write fails", id);
        s3.heal();

        assertThat(turn.status()).isEqualTo(200);
        assertThat(turn.json().path("reply").asText()).isEqualTo("Stand-in reply to: while every write fails");
        assertThat(turn.json().path("stored").asBoolean()).isFalse();
        assertThat(bucketArtifact(turn.header("x-request-id"))).isEmpty();
        JsonNode fallback = fallbackLine(turn.header("x-request-id"));
        JsonNode artifact = fallback.path("artifact");
        assertThat(artifact.path("requestId").asText()).isEqualTo(turn.header("x-request-id"));
        assertThat(artifact.path("message").asText()).isEqualTo("while every write fails");
        assertThat(artifact.path("reply").asText()).isEqualTo("Stand-in reply to: while every write fails");
        assertThat(artifact.path("stored").asBoolean()).isFalse();
        assertThat(artifact.path("storeError").asText()).isEqualTo("StorageUnavailable");
        assertThat(turns.messages(id)).hasSize(2);
    }

    @Test
    void slowStorageStillStoresTheTurnAndItsArtifact() {
        String id = turns.newConversation("before it slows down");
        s3.delay(Duration.ofMillis(300));

        Http.Reply turn = turns.json("while S3 is slow", id);

        assertThat(turn.status()).isEqualTo(200);
        assertThat(turn.json().path("stored").asBoolean()).isTrue();
        s3.delay(Duration.ZERO);
        assertThat(turns.messages(id).findValuesAsText("content"))
                .containsExactly(
                        "before it slows down",
                        "Stand-in reply to: before it slows down",
                        "while S3 is slow",
                        "Stand-in reply to: while S3 is slow");
        JsonNode artifact = bucketArtifact(turn.header("x-request-id")).orElseThrow();
        assertThat(artifact.path("stored").asBoolean()).isTrue();
    }

    @Test
    void storageSlowerThanItsTimeoutIsStorageUnavailable() {
        String id = turns.newConversation("before it stalls");
        s3.delay(Duration.ofSeconds(3));

        Http.Reply read = turns.conversation(id);

        assertUnavailable(read);
    }

    @Test
    void aPreconditionFailedOnTheConversationsWriteIsRetriedAndTheTurnStoredOnce() {
        String id = turns.newConversation("before the conflict");
        s3.clearRequests();
        s3.fail(Operation.PUT_OBJECT, FOLDER + id + ".json", 412, 1);

        Http.Reply turn = turns.json("through a conflict", id);

        assertThat(turn.status()).isEqualTo(200);
        assertThat(turn.json().path("stored").asBoolean()).isTrue();
        List<S3FaultProxy.Seen> writes = s3.requests().stream()
                .filter(r -> r.operation() == Operation.PUT_OBJECT && r.key().equals(FOLDER + id + ".json"))
                .toList();
        assertThat(writes).extracting(S3FaultProxy.Seen::injectedStatus).containsExactly(412, 0);
        assertThat(turns.messages(id).findValuesAsText("content"))
                .containsExactly(
                        "before the conflict",
                        "Stand-in reply to: before the conflict",
                        "through a conflict",
                        "Stand-in reply to: through a conflict");
    }

    @Test
    void slowDownOnEveryConversationWriteAnswersNotStoredAndTheArtifactKeepsTheTurn() {
        String id = turns.newConversation("before the writes fail");
        s3.fail(Operation.PUT_OBJECT, FOLDER + id + ".json", 503, -1);

        Http.Reply turn = turns.json("while writes fail", id);

        assertThat(turn.status()).isEqualTo(200);
        assertThat(turn.json().path("reply").asText()).isEqualTo("Stand-in reply to: while writes fail");
        assertThat(turn.json().path("stored").asBoolean()).isFalse();
        JsonNode artifact = bucketArtifact(turn.header("x-request-id")).orElseThrow();
        assertThat(artifact.path("message").asText()).isEqualTo("while writes fail");
        assertThat(artifact.path("reply").asText()).isEqualTo("Stand-in reply to: while writes fail");
        assertThat(artifact.path("stored").asBoolean()).isFalse();
        assertThat(artifact.path("storeError").asText()).isEqualTo("StorageUnavailable");
        s3.heal();
        assertThat(turns.messages(id)).hasSize(2);
    }

    @Test
    void slowDownOnReadingTheHistoryIsStorageUnavailableBeforeTheModelIsCalled() {
        String id = turns.newConversation("before the reads fail");
        String key = key();
        s3.clearRequests();
        s3.fail(Operation.GET_OBJECT, FOLDER + id + ".json", 503, -1);

        Http.Reply turn = turns.stream("ask " + key, id);

        assertUnavailable(turn);
        assertThat(bedrock.callsFor(key)).isEmpty();
        // The S3 client's own three attempts, then the answer; the model was never called.
        assertThat(s3.requests())
                .extracting(S3FaultProxy.Seen::operation, S3FaultProxy.Seen::injectedStatus)
                .containsExactly(
                        tuple(Operation.GET_OBJECT, 503),
                        tuple(Operation.GET_OBJECT, 503),
                        tuple(Operation.GET_OBJECT, 503));
    }

    @Test
    void slowDownOnceOnReadingIsRetriedAndTheTurnStored() {
        String id = turns.newConversation("before one read fails");
        s3.fail(Operation.GET_OBJECT, FOLDER + id + ".json", 503, 1);

        Http.Reply turn = turns.json("after one failed read", id);

        assertThat(turn.status()).isEqualTo(200);
        assertThat(turn.json().path("stored").asBoolean()).isTrue();
        assertThat(s3.requests()).filteredOn(r -> r.injectedStatus() == 503).hasSize(1);
        assertThat(turns.messages(id)).hasSize(4);
    }

    private static void assertUnavailable(Http.Reply reply) {
        assertThat(reply.status()).isEqualTo(503);
        JsonNode envelope = reply.json().path("error");
        assertThat(envelope.path("code").asText()).isEqualTo("StorageUnavailable");
        assertThat(envelope.path("message").asText())
                .isEqualTo("The conversation storage cannot be reached right now, so nothing was sent to the model and "
                        + "nothing was changed; try again in a few seconds");
        assertThat(envelope.path("requestId").asText()).isEqualTo(reply.header("x-request-id"));
        assertThat(envelope.path("retryAfterSeconds").asInt()).isEqualTo(5);
        assertThat(reply.header("retry-after")).isEqualTo("5");
    }

    /** The log line that holds the exchange's artifact when the bucket could not take it. */
    private JsonNode fallbackLine(String requestId) {
        return server.logText()
                .lines()
                .filter(line -> line.contains("\"artifact_fallback\"") && line.contains(requestId))
                .map(Http::parse)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no artifact_fallback line for " + requestId));
    }

    private Optional<JsonNode> bucketArtifact(String requestId) {
        return moto.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("artifacts/")).contents().stream()
                .map(S3Object::key)
                .filter(k -> k.endsWith("-" + requestId + ".json"))
                .findFirst()
                .map(k -> Http.parse(
                        moto.getObjectAsBytes(b -> b.bucket(BUCKET).key(k)).asUtf8String()));
    }

    private static String key() {
        return "case-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
