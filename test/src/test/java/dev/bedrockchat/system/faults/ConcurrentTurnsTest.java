package dev.bedrockchat.system.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.testing.MotoServer;
import dev.bedrockchat.function.testing.ScriptedBedrock;
import dev.bedrockchat.system.support.ChatTurns;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.LocalServer;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Fifty turns sent at once into one conversation, on both stores the real jar can use (local files, and S3 as moto's
 * server implements it, with its conditional writes): every turn is answered and stored, the conversation holds
 * fifty-one question and answer pairs, each answer right after its own question, in order of arrival, none twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentTurnsTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final int TURNS = 50;
    private static final String BUCKET = "concurrency-artifacts";

    private ScriptedBedrock bedrock;
    private LocalServer local;
    private LocalServer s3;

    @BeforeAll
    void start() throws Exception {
        bedrock = ScriptedBedrock.start();
        try (S3Client moto = S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCALTESTONLY", "local")))
                .httpClient(AwsCrtHttpClient.create())
                .endpointOverride(MOTO.endpoint())
                .forcePathStyle(true)
                .build()) {
            moto.createBucket(b -> b.bucket(BUCKET));
        }
        Map<String, String> localEnv = new HashMap<>(LocalServer.bedrockAt(bedrock.endpoint()));
        localEnv.put(
                "CHAT_DATA_DIR", Files.createTempDirectory("chat-concurrency-").toString());
        local = LocalServer.start("concurrency-local", localEnv);
        Map<String, String> s3Env = new HashMap<>(LocalServer.bedrockAt(bedrock.endpoint()));
        s3Env.put("ARTIFACT_BUCKET", BUCKET);
        s3Env.put("AWS_ENDPOINT_URL_S3", MOTO.endpoint().toString());
        s3 = LocalServer.start("concurrency-s3", s3Env);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {local, s3, bedrock}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    @Test
    void fiftyConcurrentTurnsOnTheLocalStoreAreAllKeptInOrder() throws Exception {
        fiftyConcurrentTurnsAreAllKeptInOrder(local);
    }

    @Test
    void fiftyConcurrentTurnsOnS3AreAllKeptInOrder() throws Exception {
        fiftyConcurrentTurnsAreAllKeptInOrder(s3);
    }

    private static void fiftyConcurrentTurnsAreAllKeptInOrder(LocalServer server) throws Exception {
        ChatTurns turns = new ChatTurns(server);
        String id = turns.newConversation("turn opening");
        List<Http.Reply> replies = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var go = new CountDownLatch(1);
            List<Future<Http.Reply>> sent = IntStream.range(0, TURNS)
                    .mapToObj(i -> clients.submit(() -> {
                        go.await();
                        return turns.json("turn " + i, id);
                    }))
                    .toList();
            go.countDown();
            for (Future<Http.Reply> reply : sent) {
                replies.add(reply.get());
            }
        }

        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.status()).as(reply.response().body()).isEqualTo(200);
            assertThat(reply.json().path("stored").asBoolean()).isTrue();
        });
        JsonNode messages = turns.messages(id);
        assertThat(messages).hasSize(2 * (TURNS + 1));
        List<String> questions = new ArrayList<>();
        Instant previous = Instant.MIN;
        for (int i = 0; i < messages.size(); i += 2) {
            JsonNode question = messages.get(i);
            JsonNode answer = messages.get(i + 1);
            assertThat(question.path("role").asText()).isEqualTo("user");
            assertThat(answer.path("role").asText()).isEqualTo("assistant");
            assertThat(answer.path("content").asText())
                    .isEqualTo("Stand-in reply to: " + question.path("content").asText());
            assertThat(answer.has("partial")).isFalse();
            Instant arrived = Instant.parse(question.path("at").asText());
            assertThat(arrived).isAfterOrEqualTo(previous);
            previous = arrived;
            questions.add(question.path("content").asText());
        }
        List<String> expected = new ArrayList<>(List.of("turn opening"));
        IntStream.range(0, TURNS).forEach(i -> expected.add("turn " + i));
        assertThat(questions).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }
}
