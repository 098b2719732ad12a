package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One request id from API Gateway to the artifact. Behind the Lambda Web Adapter the server takes it (and the
 * answer's time limit) from the adapter's headers, which the adapter itself sets; anywhere else those headers could
 * be forged and are ignored. A client's own {@code x-request-id} never chooses the id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestIdTest {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String API_GATEWAY_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

    private BedrockRuntimeStub stub;

    @BeforeAll
    void startStub() throws Exception {
        stub = BedrockRuntimeStub.start();
    }

    @AfterAll
    void stopStub() {
        stub.close();
    }

    private static String requestContext(String requestId) {
        return "{\"resourcePath\":\"/api/{proxy+}\",\"httpMethod\":\"POST\",\"requestId\":\"" + requestId
                + "\",\"stage\":\"live\",\"identity\":{\"sourceIp\":\"203.0.113.7\"}}";
    }

    private static String lambdaContext(long deadlineMillis) {
        return "{\"request_id\":\"8f3a1b2c-0000-4000-8000-00000000abcd\",\"deadline\":" + deadlineMillis
                + ",\"invoked_function_arn\":\"arn:aws:lambda:us-east-1:123456789012:function:chat:live\","
                + "\"xray_trace_id\":\"Root=1-5e1b4151-5ac6c58f5e4e2b4f3b0c1a2d\",\"client_context\":null,"
                + "\"identity\":null,\"env_config\":{\"function_name\":\"chat\",\"memory\":1024,\"version\":\"7\","
                + "\"log_stream\":\"\",\"log_group\":\"\"}}";
    }

    /** The local run: nothing in front of the server vouches for any header. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Locally {
        private TestApp app;

        @BeforeAll
        void start() {
            app = TestApp.againstStub(stub.endpoint(), Map.of());
        }

        @AfterAll
        void stop() {
            app.close();
        }

        @Test
        void aClientRequestIdIsLoggedButNeverBecomesTheRequestId() {
            HttpResponse<String> response =
                    app.postJson("/api/chat", "{\"message\":\"whose id?\"}", "x-request-id", "client-chosen-0001");

            String requestId = TestApp.requestId(response);
            assertThat(requestId).matches(UUID);
            JsonNode line = app.requestLog(requestId);
            assertThat(line.path("clientRequestId").asText()).isEqualTo("client-chosen-0001");
            assertThat(app.awaitArtifact(requestId).path("requestId").asText()).isEqualTo(requestId);
            assertThat(app.artifacts())
                    .noneMatch(artifact -> artifact.path("requestId").asText().equals("client-chosen-0001"));
        }

        @Test
        void aClientRequestIdThatIsNoIdIsNotLogged() {
            HttpResponse<String> response = app.get("/api/health", "x-request-id", "no spaces; allowed\"}");

            JsonNode line = app.requestLog(TestApp.requestId(response));
            assertThat(line.has("clientRequestId")).isFalse();
        }

        @Test
        void reusingAClientRequestIdCannotMakeATurnLookAlreadyStored() {
            String id = TestApp.json(
                            app.postJson("/api/chat", "{\"message\":\"first\"}", "x-request-id", "client-reused-0001"))
                    .path("conversationId")
                    .asText();
            app.postJson(
                    "/api/chat",
                    "{\"message\":\"second\",\"conversationId\":\"" + id + "\"}",
                    "x-request-id",
                    "client-reused-0001");

            JsonNode messages =
                    TestApp.json(app.get("/api/conversations/" + id)).path("messages");
            assertThat(messages.findValuesAsText("content"))
                    .containsExactly("first", "Stub reply to: first", "second", "Stub reply to: second");
        }

        @Test
        void forgedAdapterHeadersAreIgnored() {
            HttpResponse<String> response = app.postJson(
                    "/api/chat",
                    "{\"message\":\"forged\"}",
                    "x-amzn-request-context",
                    requestContext("forged-request-id-0001"),
                    // A deadline that has passed: trusted, it would stop the answer at once.
                    "x-amzn-lambda-context",
                    lambdaContext(System.currentTimeMillis() - 1000));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(response).path("reply").asText()).isEqualTo("Stub reply to: forged");
            assertThat(TestApp.requestId(response)).matches(UUID);
        }
    }

    /** In Lambda behind the adapter, which sets both headers on every request it forwards. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class BehindTheWebAdapter {
        private TestApp app;

        @BeforeAll
        void start() {
            app = TestApp.againstStub(
                    stub.endpoint(),
                    Map.of("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap", "AWS_LAMBDA_FUNCTION_NAME", "chat-dev"));
        }

        @AfterAll
        void stop() {
            app.close();
        }

        @Test
        void theStartupLineSaysSo() {
            JsonNode startup =
                    app.awaitLogLine(line -> line.path("type").asText().equals("startup"));

            assertThat(startup.path("behindWebAdapter").asBoolean()).isTrue();
        }

        @Test
        void apiGatewaysRequestIdIsTheIdOfTheResponseTheEnvelopeTheLogAndTheArtifact() {
            String id = "d1e2f3a4-1111-4222-8333-944455556666";
            HttpResponse<String> response = app.postJson(
                    "/api/chat",
                    "{\"message\":\"[throttle] traced\"}",
                    "x-amzn-request-context",
                    requestContext(id),
                    "x-amzn-lambda-context",
                    lambdaContext(System.currentTimeMillis() + 60_000),
                    "x-request-id",
                    "client-chosen-0002");

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(TestApp.requestId(response)).isEqualTo(id);
            assertThat(TestApp.json(response).path("error").path("requestId").asText())
                    .isEqualTo(id);
            JsonNode line = app.requestLog(id);
            assertThat(line.path("clientRequestId").asText()).isEqualTo("client-chosen-0002");
            assertThat(app.awaitArtifact(id).path("message").asText()).isEqualTo("[throttle] traced");
        }

        @Test
        void aSuccessfulTurnIsKeptUnderApiGatewaysId() {
            HttpResponse<String> response = app.chatStream(
                    "{\"message\":\"streamed and traced\"}",
                    "x-amzn-request-context",
                    requestContext(API_GATEWAY_ID),
                    "x-amzn-lambda-context",
                    lambdaContext(System.currentTimeMillis() + 60_000));

            assertThat(TestApp.requestId(response)).isEqualTo(API_GATEWAY_ID);
            assertThat(app.awaitArtifact(API_GATEWAY_ID).path("reply").asText())
                    .isEqualTo("Stub reply to: streamed and traced");
            assertThat(app.requestLog(API_GATEWAY_ID).path("status").asInt()).isEqualTo(200);
        }

        @Test
        void theInvocationsDeadlineCutsAnAnswerShortAndKeepsTheMargin() {
            // Two seconds for the answer once the response margin is kept back; the slow answer would take nine.
            long deadline = System.currentTimeMillis()
                    + InvocationTimeLimit.RESPONSE_MARGIN.plusSeconds(2).toMillis();
            long start = System.nanoTime();

            HttpResponse<String> response = app.chatStream(
                    "{\"message\":\"[slow] as long as you like\"}",
                    "x-amzn-request-context",
                    requestContext("e2f3a4b5-2222-4333-8444-a55566667777"),
                    "x-amzn-lambda-context",
                    lambdaContext(deadline));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(response.statusCode()).isEqualTo(200);
            List<Sse.Event> events = Sse.parse(response.body());
            assertThat(events.getFirst().name()).isEqualTo("start");
            Sse.Event error = events.get(events.size() - 2);
            assertThat(error.name()).isEqualTo("error");
            assertThat(TestApp.json(error.data()).path("error").path("code").asText())
                    .isEqualTo("ModelTimeout");
            assertThat(events.getLast().data()).isEqualTo("[DONE]");
        }

        @Test
        void aDeadlineThatHasPassedAnswersATimeoutAtOnce() {
            HttpResponse<String> response = app.postJson(
                    "/api/chat",
                    "{\"message\":\"too late\"}",
                    "x-amzn-request-context",
                    requestContext("f3a4b5c6-3333-4444-8555-b66677778888"),
                    "x-amzn-lambda-context",
                    lambdaContext(System.currentTimeMillis()));

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(TestApp.json(response).path("error").path("code").asText())
                    .isEqualTo("ModelTimeout");
        }

        @Test
        void withoutApiGatewaysContextTheLambdaRequestIdIsTheId() {
            // An event that did not come through API Gateway (the warm-up): the adapter's request context is null.
            HttpResponse<String> response = app.postJson(
                    "/events",
                    "{\"source\":\"bedrock-chat.warm-up\"}",
                    "x-amzn-request-context",
                    "null",
                    "x-amzn-lambda-context",
                    lambdaContext(System.currentTimeMillis() + 60_000));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(TestApp.requestId(response)).isEqualTo("8f3a1b2c-0000-4000-8000-00000000abcd");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "not json",
                    "[\"requestId\"]",
                    "{\"requestId\":42}",
                    "{\"requestId\":\"\"}",
                    "{\"requestId\":\"has spaces and ; quotes\\\"\"}",
                    "{\"requestId\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
                    "{\"requestId\":{\"nested\":true}}"
                })
        void aMalformedRequestContextGivesANewId(String value) {
            HttpResponse<String> response = app.postJson(
                    "/api/chat",
                    "{\"message\":\"malformed context\"}",
                    "x-amzn-request-context",
                    value,
                    "x-amzn-lambda-context",
                    "{\"deadline\":\"soon\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(TestApp.requestId(response)).matches(UUID);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "not json",
                    "{}",
                    "{\"deadline\":\"1750000000000\"}",
                    "{\"deadline\":1.5e12}",
                    "{\"deadline\":-5}",
                    "{\"deadline\":0}",
                    "{\"deadline\":99999999999999999999999}",
                    "{\"deadline\":null}"
                })
        void aMalformedLambdaContextSetsNoLimit(String value) {
            HttpResponse<String> response = app.postJson(
                    "/api/chat",
                    "{\"message\":\"malformed deadline\"}",
                    "x-amzn-request-context",
                    requestContext("a4b5c6d7-4444-4555-8666-c77788889999"),
                    "x-amzn-lambda-context",
                    value);

            assertThat(response.statusCode()).as(value).isEqualTo(200);
            assertThat(TestApp.json(response).path("reply").asText()).isEqualTo("Stub reply to: malformed deadline");
        }
    }
}
