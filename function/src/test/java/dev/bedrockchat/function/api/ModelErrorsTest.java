package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of the Bedrock error table, through the real SDK (its retries included) against the stub, for whole
 * (JSON) and streamed (SSE) answers. A streamed answer that fails before the model's stream opened is answered like a
 * whole one (its status and the JSON envelope); one that fails after it opened ends with an {@code error} event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelErrorsTest {
    private static final String MODEL = "amazon.nova-micro-v1:0";

    private BedrockRuntimeStub stub;
    private TestApp app;
    /** The same, with a one-second model timeout. */
    private TestApp impatientApp;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(
                stub.endpoint(),
                Map.of("BEDROCK_MODEL_ID", MODEL, "MODEL_TIMEOUT_SECONDS", "20", "AWS_REGION", "eu-west-1"));
        impatientApp =
                TestApp.againstStub(stub.endpoint(), Map.of("BEDROCK_MODEL_ID", MODEL, "MODEL_TIMEOUT_SECONDS", "1"));
    }

    @AfterAll
    void stop() {
        impatientApp.close();
        app.close();
        stub.close();
    }

    /**
     * Every row of the error table that Bedrock can cause: the stand-in's keyword, the status, the error code and the
     * reason.
     */
    static Stream<Arguments> modelFailures() {
        return Stream.of(
                Arguments.of("[throttle]", 429, "Throttled", "throttled"),
                Arguments.of("[denied]", 502, "ModelAccessDenied", "model_access_not_granted"),
                Arguments.of("[notfound]", 502, "ModelNotFound", "model_not_found"),
                Arguments.of("[validation]", 502, "ModelError", "model_id_invalid"),
                Arguments.of("[modelerror]", 502, "ModelError", "model_failed"),
                Arguments.of("[internal]", 502, "ModelError", "model_failed"),
                Arguments.of("[unavailable]", 503, "ModelUnavailable", "service_unavailable"),
                Arguments.of("[notready]", 503, "ModelUnavailable", "service_unavailable"),
                Arguments.of("[modeltimeout]", 504, "ModelTimeout", "timeout"),
                // What an operator must tell apart: the code stays that of the failure's kind, the reason says why.
                Arguments.of("[expired]", 502, "ModelAccessDenied", "expired_credentials"),
                Arguments.of("[unrecognized]", 502, "ModelAccessDenied", "invalid_credentials"),
                Arguments.of("[badsignature]", 502, "ModelAccessDenied", "invalid_credentials"),
                Arguments.of("[badtokenid]", 502, "ModelAccessDenied", "invalid_credentials"),
                Arguments.of("[clockskew]", 502, "ModelAccessDenied", "clock_skew"),
                Arguments.of("[notauthorized]", 502, "ModelAccessDenied", "role_not_allowed"),
                Arguments.of("[explicitdeny]", 502, "ModelAccessDenied", "explicit_deny"),
                Arguments.of("[marketplace]", 502, "ModelAccessDenied", "model_not_subscribed"),
                Arguments.of("[usecase]", 502, "ModelNotFound", "use_case_form_required"),
                Arguments.of("[ondemand]", 502, "ModelError", "inference_profile_required"),
                Arguments.of("[ondemand-ascii]", 502, "ModelError", "inference_profile_required"),
                // Error types the SDK does not model: classed by their HTTP status.
                Arguments.of("[unexpected]", 502, "ModelError", "request_rejected"),
                Arguments.of("[error:429]", 429, "Throttled", "throttled"),
                Arguments.of("[error:403]", 502, "ModelAccessDenied", "access_denied"),
                Arguments.of("[error:404]", 502, "ModelNotFound", "model_not_found"),
                Arguments.of("[error:408]", 504, "ModelTimeout", "timeout"),
                Arguments.of("[error:504]", 504, "ModelTimeout", "timeout"),
                Arguments.of("[error:500]", 503, "ModelUnavailable", "service_unavailable"),
                Arguments.of("[error:502]", 503, "ModelUnavailable", "service_unavailable"),
                Arguments.of("[error:400]", 502, "ModelError", "request_rejected"));
    }

    @ParameterizedTest(name = "{0} -> {1} {2} {3}")
    @MethodSource("modelFailures")
    void jsonAnswersCarryTheMappedStatusAndEnvelope(String keyword, int status, String code, String reason) {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"please " + keyword + "\"}");

        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("reason").asText()).isEqualTo(reason);
        assertThat(error.path("message").asText())
                .isNotBlank()
                .doesNotContain("Exception")
                .doesNotContainPattern("\\bat [a-z]+\\.[a-z]");
        assertThat(error.path("requestId").asText())
                .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(response.body()).doesNotContain("software.amazon").doesNotContain("java.");
        JsonNode artifact = app.awaitArtifact(error.path("requestId").asText());
        assertThat(artifact.path("error").path("code").asText()).isEqualTo(code);
        assertThat(artifact.path("error").path("reason").asText()).isEqualTo(reason);
        assertThat(artifact.path("message").asText()).isEqualTo("please " + keyword);
    }

    @ParameterizedTest(name = "{0} streamed -> {1} {2} {3}")
    @MethodSource("modelFailures")
    void streamedAnswersThatFailBeforeTheModelAnswersCarryTheStatusAndEnvelope(
            String keyword, int status, String code, String reason) {
        HttpResponse<String> response = app.chatStream("{\"message\":\"please " + keyword + "\"}");
        String requestId = TestApp.requestId(response);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body())
                .doesNotContain("event:")
                .doesNotContain("[DONE]")
                .doesNotContain("software.amazon");
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("reason").asText()).isEqualTo(reason);
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(error.path("requestId").asText()).isEqualTo(requestId);
        if (status == 429) {
            assertThat(response.headers().firstValue("Retry-After"))
                    .contains(error.path("retryAfterSeconds").asText());
        }
        JsonNode artifact = app.awaitArtifact(requestId);
        assertThat(artifact.path("streamed").asBoolean()).isTrue();
        assertThat(artifact.path("message").asText()).isEqualTo("please " + keyword);
        assertThat(artifact.path("error").path("code").asText()).isEqualTo(code);
        JsonNode line = app.requestLog(requestId);
        assertThat(line.path("status").asInt()).isEqualTo(status);
        assertThat(line.path("streamed").asBoolean()).isTrue();
        assertThat(line.path("model").asText()).isEqualTo(MODEL);
        assertThat(line.path("errorCode").asText()).isEqualTo(code);
        assertThat(line.path("errorReason").asText()).isEqualTo(reason);
        if (status >= 500) {
            // For the operators: what failed, with AWS's own error code and request id, never the message text.
            assertThat(line.path("errorCause").asText()).startsWith("software.amazon.awssdk.");
            assertThat(line.path("awsErrorCode").asText()).isNotBlank();
            assertThat(line.path("awsRequestId").asText()).isNotBlank();
        } else {
            assertThat(line.has("errorCause")).isFalse();
            assertThat(line.has("awsErrorCode")).isFalse();
        }
    }

    @Test
    void aStreamFailingAfterItOpenedEndsWithAnErrorEventAndKeepsThePartialAnswer() {
        HttpResponse<String> response = app.chatStream("{\"message\":\"[midstream] go\"}");
        String requestId = TestApp.requestId(response);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.getFirst().name()).isEqualTo("start");
        assertThat(events)
                .filteredOn(e -> e.name().equals("message") && !e.data().equals("[DONE]"))
                .hasSize(2);
        Sse.Event error = events.get(events.size() - 2);
        assertThat(error.name()).isEqualTo("error");
        JsonNode envelope = TestApp.json(error.data()).path("error");
        assertThat(envelope.path("code").asText()).isEqualTo("ModelError");
        assertThat(envelope.path("message").asText()).isNotBlank().doesNotContain("Exception");
        assertThat(envelope.path("requestId").asText()).isEqualTo(requestId);
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        assertThat(events).noneMatch(event -> event.name().equals("done"));
        JsonNode artifact = app.awaitArtifact(requestId);
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("ModelError");
        assertThat(artifact.path("reply").asText()).isEqualTo(Sse.text(events)).startsWith("Stub ");
        JsonNode line = app.requestLog(requestId);
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("errorCode").asText()).isEqualTo("ModelError");
    }

    @Test
    void aFailedStreamedTurnLeavesTheConversationWholeForTheRetry() {
        String id = TestApp.json(app.postJson("/api/chat", "{\"message\":\"First question\"}"))
                .path("conversationId")
                .asText();

        HttpResponse<String> failed =
                app.chatStream("{\"message\":\"Second [throttle]\",\"conversationId\":\"" + id + "\"}");
        HttpResponse<String> retried =
                app.chatStream("{\"message\":\"Second again\",\"conversationId\":\"" + id + "\"}");

        assertThat(failed.statusCode()).isEqualTo(429);
        assertThat(app.awaitArtifact(TestApp.requestId(failed))
                        .path("conversationId")
                        .asText())
                .isEqualTo(id);
        assertThat(retried.statusCode()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(retried.body());
        assertThat(events.get(events.size() - 2).name()).isEqualTo("done");
        assertThat(Sse.text(events)).isEqualTo("Stub reply to: Second again");
        assertThat(stub.lastRequest().conversation())
                .containsExactly(
                        "user: First question", "assistant: Stub reply to: First question", "user: Second again");
        JsonNode messages = TestApp.json(app.get("/api/conversations/" + id)).path("messages");
        assertThat(messages.findValuesAsText("content"))
                .containsExactly(
                        "First question",
                        "Stub reply to: First question",
                        "Second again",
                        "Stub reply to: Second again");
    }

    @Test
    void aModelThatDoesNotAnswerInTimeIsATimeout() {
        HttpResponse<String> response = impatientApp.postJson("/api/chat", "{\"message\":\"[hang]\"}");

        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(error.path("message").asText()).contains("MODEL_TIMEOUT_SECONDS");
    }

    @Test
    void aStreamThatNeverOpensIsCancelledAndAnsweredAsATimeout() {
        long start = System.nanoTime();
        HttpResponse<String> response = impatientApp.chatStream("{\"message\":\"[hang]\"}");
        String requestId = TestApp.requestId(response);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(error.path("message").asText()).contains("MODEL_TIMEOUT_SECONDS");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(15));
        assertThat(impatientApp.requestLog(requestId).path("status").asInt()).isEqualTo(504);
        assertThat(impatientApp
                        .awaitArtifact(requestId)
                        .path("error")
                        .path("code")
                        .asText())
                .isEqualTo("ModelTimeout");
    }

    @Test
    void aStreamThatGoesQuietAfterItOpenedEndsWithATimeoutEvent() {
        // [gated] sends one delta, then holds the rest back: longer than the impatient app's one-second wait.
        HttpResponse<String> response = impatientApp.chatStream("{\"message\":\"[gated] then silence\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.getFirst().name()).isEqualTo("start");
        assertThat(events)
                .filteredOn(e -> e.name().equals("message") && !e.data().equals("[DONE]"))
                .hasSize(1);
        Sse.Event error = events.get(events.size() - 2);
        assertThat(error.name()).isEqualTo("error");
        assertThat(TestApp.json(error.data()).path("error").path("code").asText())
                .isEqualTo("ModelTimeout");
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        assertThat(impatientApp
                        .awaitArtifact(TestApp.requestId(response))
                        .path("reply")
                        .asText())
                .isEqualTo(Sse.text(events))
                .isEqualTo("Gated reply: first part. ");
    }

    @Test
    void throttlingIsRetriedByTheSdkThenAnsweredWithRetryAfter() {
        stub.clear();
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"[throttle] now\"}");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
        assertThat(TestApp.json(response)
                        .path("error")
                        .path("retryAfterSeconds")
                        .asInt())
                .isEqualTo(Integer.parseInt(
                        response.headers().firstValue("Retry-After").orElseThrow()));
        assertThat(stub.requests())
                .hasSizeGreaterThanOrEqualTo(2)
                .allMatch(request -> request.lastUserMessage().equals("[throttle] now"));
    }

    @Test
    void streamedThrottlingIsRetriedByTheSdkBeforeTheStatusIsAnswered() {
        stub.clear();
        HttpResponse<String> response = app.chatStream("{\"message\":\"[throttle] streamed\"}");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(stub.requests())
                .hasSizeGreaterThanOrEqualTo(2)
                .allMatch(request -> request.operation().equals("converse-stream")
                        && request.lastUserMessage().equals("[throttle] streamed"));
    }

    @Test
    void modelAccessNotGrantedSaysWhatAnOperatorDoesOnce() {
        JsonNode error = TestApp.json(app.postJson("/api/chat", "{\"message\":\"[denied]\"}"))
                .path("error");

        assertThat(error.path("message").asText())
                .contains("no access to " + MODEL + " in eu-west-1")
                .contains("invokes the model once with administrator credentials in eu-west-1")
                .contains("AWS Marketplace subscription")
                .contains("deliberately has no aws-marketplace permissions")
                .contains("use-case form in the Bedrock console");
    }

    @Test
    void modelNotFoundPointsAtTheIdAndItsInferenceProfilePrefix() {
        JsonNode error = TestApp.json(app.postJson("/api/chat", "{\"message\":\"[notfound]\"}"))
                .path("error");

        assertThat(error.path("message").asText())
                .contains("inference-profile prefix")
                .contains("region");
    }

    @Test
    void anUnreachableBedrockIsAnInternalErrorThatSaysSo() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TestApp unreachable =
                TestApp.againstStub(java.net.URI.create("http://127.0.0.1:" + closedPort), Map.of())) {
            HttpResponse<String> response = unreachable.postJson("/api/chat", "{\"message\":\"anyone there?\"}");

            assertThat(response.statusCode()).isEqualTo(500);
            JsonNode error = TestApp.json(response).path("error");
            assertThat(error.path("code").asText()).isEqualTo("InternalError");
            assertThat(error.path("reason").asText()).isEqualTo("endpoint_unreachable");
            assertThat(error.path("message").asText())
                    .contains("could not be reached")
                    .contains("bedrock-runtime interface endpoint and its security group");
            JsonNode line = unreachable.requestLog(TestApp.requestId(response));
            assertThat(line.path("errorReason").asText()).isEqualTo("endpoint_unreachable");
            assertThat(line.path("httpClientError").asText()).isEqualTo("AWS_IO_SOCKET_CONNECTION_REFUSED");

            HttpResponse<String> streamed = unreachable.chatStream("{\"message\":\"anyone there?\"}");
            assertThat(streamed.statusCode()).isEqualTo(500);
            assertThat(TestApp.json(streamed).path("error").path("message").asText())
                    .contains("could not be reached");
        }
    }

    @Test
    void aConnectionCutMidStreamIsABrokenConnectionAndThePartialAnswerIsKept() {
        HttpResponse<String> response = app.chatStream("{\"message\":\"[cut] go\"}");
        String requestId = TestApp.requestId(response);

        assertThat(response.statusCode()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        Sse.Event error = events.get(events.size() - 2);
        assertThat(error.name()).isEqualTo("error");
        JsonNode envelope = TestApp.json(error.data()).path("error");
        assertThat(envelope.path("code").asText()).isEqualTo("ModelError");
        assertThat(envelope.path("reason").asText()).isEqualTo("connection_broken");
        assertThat(envelope.path("message").asText())
                .contains("connection to Amazon Bedrock broke while " + MODEL + " was answering");
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        JsonNode line = app.requestLog(requestId);
        assertThat(line.path("errorReason").asText()).isEqualTo("connection_broken");
        assertThat(line.path("httpClientError").asText()).isEqualTo("AWS_IO_SOCKET_CLOSED");
        String id =
                TestApp.json(events.getFirst().data()).path("conversationId").asText();
        JsonNode kept = TestApp.json(app.get("/api/conversations/" + id))
                .path("messages")
                .get(1);
        assertThat(kept.path("content").asText()).isEqualTo(Sse.text(events)).isNotBlank();
        assertThat(kept.path("partialReason").asText()).isEqualTo("model_error");
    }

    @Test
    void aConnectionCutDuringAWholeAnswerIsABrokenConnectionNotAnUnexpectedFailure() {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"[cut] whole\"}");

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("ModelError");
        assertThat(error.path("reason").asText()).isEqualTo("connection_broken");
        assertThat(error.path("message").asText()).contains("connection to Amazon Bedrock broke");
        assertThat(app.requestLog(TestApp.requestId(response))
                        .path("httpClientError")
                        .asText())
                .isEqualTo("AWS_IO_SOCKET_CLOSED");
    }

    @Test
    void theServerStillAnswersAfterModelErrors() {
        app.postJson("/api/chat", "{\"message\":\"[unexpected]\"}");
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"fine again\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(response).path("reply").asText()).isEqualTo("Stub reply to: fine again");
    }

    @Test
    void unexpectedFailuresAreLoggedWithTheRequestIdButNotShown() {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"[garbled]\"}");
        String requestId = TestApp.requestId(response);

        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode line = app.awaitLogLine(l -> l.path("type").asText().equals("unexpected_error")
                && l.path("requestId").asText().equals(requestId));
        assertThat(line.path("level").asText()).isEqualTo("error");
        assertThat(line.path("exception").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain(line.path("exception").asText());
        JsonNode request = app.requestLog(requestId);
        assertThat(request.path("errorCause").asText())
                .isEqualTo(line.path("exception").asText());
        assertThat(request.has("awsErrorCode")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[error:503]", "[error:418]", "[internal]"})
    void theRequestLineOfAModelFailureNamesItsCauseAwsErrorCodeAndRequestIdButNoText(String keyword) {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"secret words " + keyword + "\"}");
        String requestId = TestApp.requestId(response);

        assertThat(response.statusCode()).isGreaterThanOrEqualTo(500);
        JsonNode line = app.requestLog(requestId);
        assertThat(line.path("status").asInt()).isEqualTo(response.statusCode());
        assertThat(line.path("errorCause").asText())
                .startsWith("software.amazon.awssdk.services.bedrockruntime.model.");
        assertThat(line.path("awsErrorCode").asText())
                .isEqualTo(keyword.equals("[internal]") ? "InternalServerException" : "UnmodeledFailureException");
        assertThat(line.path("awsRequestId").asText()).matches("[0-9a-f-]{36}");
        assertThat(line.toString())
                .doesNotContain("secret words")
                .doesNotContain("stub")
                .doesNotContain("internal server error");
    }

    @Test
    void aStreamedFailureAfterTheStartNamesItsCauseToo() {
        HttpResponse<String> response = app.chatStream("{\"message\":\"[midstream] cause\"}");

        JsonNode line = app.requestLog(TestApp.requestId(response));
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("errorCode").asText()).isEqualTo("ModelError");
        assertThat(line.path("errorCause").asText()).endsWith("ModelStreamErrorException");
    }
}
