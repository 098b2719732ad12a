package dev.bedrockchat.system.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.testing.ScriptedBedrock;
import dev.bedrockchat.function.testing.ScriptedBedrock.Step;
import dev.bedrockchat.system.support.ChatTurns;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.LocalServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real function jar when Amazon Bedrock fails, before and during an answer, against a wire stand-in scripted per
 * request: each error class answered with its status and envelope (or {@code event: error}), with the request id, and
 * what is kept afterwards (the conversation as the API shows it, the exchange's artifact in the data folder).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BedrockFaultsTest {
    private ScriptedBedrock bedrock;
    private LocalServer server;
    private ChatTurns turns;
    private Path dataDir;

    @BeforeAll
    void start() throws Exception {
        bedrock = ScriptedBedrock.start();
        dataDir = Files.createTempDirectory("chat-bedrock-faults-");
        Map<String, String> env = new HashMap<>(LocalServer.bedrockAt(bedrock.endpoint()));
        env.put("CHAT_DATA_DIR", dataDir.toString());
        env.put("ENVIRONMENT_NAME", "bedrock-faults");
        // Longer than the SDK's own retries of a throttling error (three, backing off up to 4 s each), short enough
        // for the tests of a model that goes quiet.
        env.put("MODEL_TIMEOUT_SECONDS", "10");
        server = LocalServer.start("bedrock-faults", env);
        turns = new ChatTurns(server);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (bedrock != null) {
            bedrock.close();
        }
    }

    private static final String MODEL = "amazon.nova-lite-v1:0";

    static Stream<Arguments> errorsBeforeTheStream() {
        return Stream.of(
                Arguments.of(
                        Step.error(429, "ThrottlingException", "Too many requests, please wait."),
                        429,
                        "Throttled",
                        "throttled",
                        "Amazon Bedrock is throttling requests to " + MODEL + "; wait a few seconds and try again (or "
                                + "ask for a higher quota)"),
                Arguments.of(
                        Step.error(400, "ValidationException", "The provided model identifier is invalid."),
                        502,
                        "ModelError",
                        "model_id_invalid",
                        "Amazon Bedrock does not recognise the model id " + MODEL + " in us-east-1: check the id (and "
                                + "its inference-profile prefix) in the allowed models"),
                Arguments.of(
                        Step.error(403, "AccessDeniedException", "You don't have access to the model."),
                        502,
                        "ModelAccessDenied",
                        "model_access_not_granted",
                        "This account has no access to " + MODEL + " in us-east-1 yet: an operator invokes the model "
                                + "once with administrator credentials in us-east-1 (which completes its AWS Marketplace "
                                + "subscription; the function's role deliberately has no aws-marketplace permissions) and, "
                                + "for an Anthropic model, submits the use-case form in the Bedrock console"),
                Arguments.of(
                        Step.error(429, "ModelNotReadyException", "The model is not ready to serve requests."),
                        503,
                        "ModelUnavailable",
                        "service_unavailable",
                        "The model " + MODEL + " is not available right now; try again in a minute"),
                Arguments.of(
                        Step.error(503, "ServiceUnavailableException", "The service is unavailable."),
                        503,
                        "ModelUnavailable",
                        "service_unavailable",
                        "The model " + MODEL + " is not available right now; try again in a minute"),
                Arguments.of(
                        Step.error(500, "InternalServerException", "An internal server error occurred."),
                        502,
                        "ModelError",
                        "model_failed",
                        "The model " + MODEL + " could not produce an answer; try again, or choose another model"));
    }

    @ParameterizedTest(name = "{2} ({3}) from {0}")
    @MethodSource("errorsBeforeTheStream")
    void anErrorBeforeTheStreamIsItsStatusAndEnvelopeAndTheConversationKeepsOnlyWhatItHad(
            Step error, int status, String code, String reason, String message) {
        String id = turns.newConversation("first question");
        String key = key();
        bedrock.script(key, error);

        Http.Reply reply = turns.stream("ask " + key, id);

        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.header("content-type")).startsWith("application/json");
        JsonNode envelope = reply.json().path("error");
        assertThat(envelope.path("code").asText()).isEqualTo(code);
        assertThat(envelope.path("reason").asText()).isEqualTo(reason);
        assertThat(envelope.path("message").asText()).isEqualTo(message);
        assertThat(envelope.path("requestId").asText()).isEqualTo(reply.header("x-request-id"));
        assertThat(bedrock.callsFor(key)).isNotEmpty();
        JsonNode messages = turns.messages(id);
        assertThat(messages.findValuesAsText("content"))
                .containsExactly("first question", "Stand-in reply to: first question");
        JsonNode artifact = artifact(envelope.path("requestId").asText());
        assertThat(artifact.path("message").asText()).isEqualTo("ask " + key);
        assertThat(artifact.path("error").path("code").asText()).isEqualTo(code);
        assertThat(artifact.path("error").path("reason").asText()).isEqualTo(reason);
        assertThat(artifact.path("stored").asBoolean()).isFalse();
    }

    @Test
    void throttledOnceThenFineIsAnsweredAfterTheSdksRetry() {
        String key = key();
        bedrock.script(key, Step.error(429, "ThrottlingException", "Too many requests."), Step.reply());

        Http.Reply reply = turns.stream("ask " + key, null);

        assertThat(reply.status()).isEqualTo(200);
        List<Sse.Event> events = ChatTurns.events(reply);
        assertThat(Sse.text(events)).isEqualTo("Stand-in reply to: ask " + key);
        assertThat(bedrock.callsFor(key)).hasSize(2);
        String id =
                ChatTurns.event(events, "done").json().path("conversationId").asText();
        assertThat(ChatTurns.event(events, "done").json().path("stored").asBoolean())
                .isTrue();
        assertThat(turns.messages(id).findValuesAsText("content"))
                .containsExactly("ask " + key, "Stand-in reply to: ask " + key);
    }

    @Test
    void anErrorEventMidStreamIsAnErrorEventAndThePartialAnswerIsKeptMarked() {
        String key = key();
        bedrock.script(key, Step.errorEventAfter(2, "modelStreamErrorException", "The model stream failed."));

        Http.Reply reply = turns.stream("ask " + key, null);

        assertThat(reply.status()).isEqualTo(200);
        List<Sse.Event> events = ChatTurns.events(reply);
        JsonNode error = ChatTurns.event(events, "error").json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("ModelError");
        assertThat(error.path("message").asText()).contains("failed while streaming");
        assertThat(error.path("requestId").asText()).isEqualTo(reply.header("x-request-id"));
        String id =
                ChatTurns.event(events, "start").json().path("conversationId").asText();
        JsonNode messages = turns.messages(id);
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).path("content").asText()).isEqualTo(Sse.text(events));
        assertThat(messages.get(1).path("partial").asBoolean()).isTrue();
        assertThat(messages.get(1).path("partialReason").asText()).isEqualTo("model_error");
    }

    @Test
    void aConnectionCutMidStreamSaysTheConnectionBrokeAndKeepsThePartialAnswer() {
        String key = key();
        bedrock.script(key, Step.cutAfter(2));

        Http.Reply reply = turns.stream("ask " + key, null);

        assertThat(reply.status()).isEqualTo(200);
        List<Sse.Event> events = ChatTurns.events(reply);
        JsonNode error = ChatTurns.event(events, "error").json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("ModelError");
        assertThat(error.path("reason").asText()).isEqualTo("connection_broken");
        assertThat(error.path("message").asText()).containsIgnoringCase("connection");
        assertThat(error.path("requestId").asText()).isEqualTo(reply.header("x-request-id"));
        String id =
                ChatTurns.event(events, "start").json().path("conversationId").asText();
        JsonNode messages = turns.messages(id);
        assertThat(messages.get(1).path("content").asText())
                .isEqualTo(Sse.text(events))
                .isNotEmpty();
        assertThat(messages.get(1).path("partialReason").asText()).isEqualTo("model_error");
    }

    @Test
    void aWholeAnswerWhoseConnectionIsCutSaysTheConnectionBrokeAndKeepsNothingButTheArtifact() {
        String id = turns.newConversation("before the cut");
        String key = key();
        bedrock.script(key, Step.cutAfter(0));

        Http.Reply reply = turns.json("ask " + key, id);

        assertThat(reply.status()).isEqualTo(502);
        JsonNode envelope = reply.json().path("error");
        assertThat(envelope.path("code").asText()).isEqualTo("ModelError");
        assertThat(envelope.path("reason").asText()).isEqualTo("connection_broken");
        assertThat(envelope.path("requestId").asText()).isEqualTo(reply.header("x-request-id"));
        assertThat(turns.messages(id)).hasSize(2);
        assertThat(artifact(reply.header("x-request-id"))
                        .path("error")
                        .path("reason")
                        .asText())
                .isEqualTo("connection_broken");
    }

    @Test
    void aStandInThatSendsNothingTimesOutAndTheCallIsAbandoned() throws Exception {
        String id = turns.newConversation("before the hang");
        String key = key();
        bedrock.script(key, Step.hangAfter(0));

        Http.Reply reply = turns.stream("ask " + key, id);

        assertThat(reply.status()).isEqualTo(504);
        JsonNode envelope = reply.json().path("error");
        assertThat(envelope.path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(envelope.path("requestId").asText()).isEqualTo(reply.header("x-request-id"));
        assertThat(bedrock.callsFor(key).getFirst().awaitClosedByCaller(Duration.ofSeconds(10)))
                .isTrue();
        assertThat(turns.messages(id)).hasSize(2);
    }

    @Test
    void aStandInThatGoesQuietMidStreamEndsInATimeoutClosesItsConnectionAndKeepsThePartialAnswer() throws Exception {
        String key = key();
        bedrock.script(key, Step.hangAfter(3));

        Http.Reply reply = turns.stream("ask " + key, null);

        List<Sse.Event> events = ChatTurns.events(reply);
        JsonNode error = ChatTurns.event(events, "error").json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(error.path("requestId").asText()).isEqualTo(reply.header("x-request-id"));
        // The quiet connection is closed too (the HTTP client's throughput check), not held in the pool for good.
        assertThat(bedrock.callsFor(key).getFirst().awaitClosedByCaller(Duration.ofSeconds(15)))
                .isTrue();
        String id =
                ChatTurns.event(events, "start").json().path("conversationId").asText();
        JsonNode answer = turns.messages(id).get(1);
        assertThat(answer.path("content").asText()).isEqualTo(Sse.text(events)).isNotEmpty();
        assertThat(answer.path("partialReason").asText()).isEqualTo("model_timeout");
    }

    @Test
    void aStandInThatIsDownIsUnreachableAndOnceBackAnswersAgain() {
        String id = turns.newConversation("before the outage");
        bedrock.down();
        Http.Reply down;
        try {
            down = turns.stream("while Bedrock is down", id);
        } finally {
            bedrock.up();
        }

        // A Bedrock that cannot be reached at all is a deployment's network problem (README's error table).
        assertThat(down.status()).isEqualTo(500);
        JsonNode envelope = down.json().path("error");
        assertThat(envelope.path("code").asText()).isEqualTo("InternalError");
        assertThat(envelope.path("reason").asText()).isEqualTo("endpoint_unreachable");
        assertThat(envelope.path("message").asText()).contains("(the connection was refused)");
        assertThat(envelope.path("requestId").asText()).isEqualTo(down.header("x-request-id"));
        assertThat(artifact(down.header("x-request-id")).path("message").asText())
                .isEqualTo("while Bedrock is down");

        Http.Reply back = turns.stream("after the outage", id);
        assertThat(back.status()).isEqualTo(200);
        assertThat(turns.messages(id).findValuesAsText("content"))
                .containsExactly(
                        "before the outage",
                        "Stand-in reply to: before the outage",
                        "after the outage",
                        "Stand-in reply to: after the outage");
    }

    @Test
    void aClientThatLeavesMidStreamHasThePartialTurnKeptMarked() throws Exception {
        String key = key();
        bedrock.script(key, Step.slow(200, Duration.ofMillis(50)));
        String conversationId = leaveAfter("ask " + key, "Part 3. ");

        JsonNode messages = turns.awaitMessages(conversationId, m -> m.size() == 2, Duration.ofSeconds(10));
        assertThat(messages.get(0).path("content").asText()).isEqualTo("ask " + key);
        JsonNode answer = messages.get(1);
        assertThat(answer.path("partial").asBoolean()).isTrue();
        assertThat(answer.path("partialReason").asText()).isEqualTo("client_disconnected");
        assertThat(answer.path("content").asText()).startsWith("Part 1. Part 2. Part 3. ");
        assertThat(answer.path("content").asText()).doesNotContain("Part 200.");
    }

    /*
     * When the client leaves while the model is still answering, the function cancels the model's stream, and the
     * connection to Bedrock is closed as the next delta arrives, so that the model stops generating tokens no one
     * reads (over HTTP/1.1, as to the stand-in; over HTTP/2, as to Bedrock itself, the stream is reset instead).
     */
    @Test
    void aClientThatLeavesMidStreamClosesTheConnectionToBedrock() throws Exception {
        String key = key();
        bedrock.script(key, Step.slow(200, Duration.ofMillis(50)));

        leaveAfter("ask " + key, "Part 3. ");

        assertThat(bedrock.callsFor(key).getFirst().awaitClosedByCaller(Duration.ofSeconds(5)))
                .isTrue();
    }

    /** Sends a streamed turn over a plain socket, reads until {@code marker}, closes; returns the conversation id. */
    private String leaveAfter(String message, String marker) throws Exception {
        String body = "{\"message\":\"" + message + "\"}";
        try (Socket socket = new Socket("127.0.0.1", server.baseUri().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Accept: text/event-stream\r\nContent-Length: "
                            + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String received = readUntil(socket.getInputStream(), marker);
            int at = received.indexOf("\"conversationId\":\"") + "\"conversationId\":\"".length();
            return received.substring(at, at + 36);
        }
    }

    private JsonNode artifact(String requestId) {
        return ChatTurns.localArtifact(dataDir, requestId)
                .orElseThrow(() -> new AssertionError("no artifact for request " + requestId));
    }

    private static String key() {
        return "case-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        var text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!text.toString().contains(marker)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("the stream ended before '" + marker + "': " + text);
            }
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return text.toString();
    }
}
