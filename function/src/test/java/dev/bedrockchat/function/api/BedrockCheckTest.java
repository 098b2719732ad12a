package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.MutableClock;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

/**
 * {@code GET /api/health?check=bedrock}: one smallest Converse call to every allowed model, in parallel, through the
 * real SDK against the stub; at most one real check per ten seconds; a diagnosis that is answered 200 whatever it
 * finds, and tells the causes apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BedrockCheckTest {
    private static final String DEFAULT = "amazon.nova-micro-v1:0";
    private static final String LITE = "amazon.nova-lite-v1:0";
    private static final String PRO = "us.amazon.nova-pro-v1:0";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(
                stub.endpoint(),
                Map.of(
                        "BEDROCK_MODEL_ID",
                        DEFAULT,
                        "ALLOWED_MODEL_IDS",
                        LITE + "," + PRO,
                        "AWS_REGION",
                        "eu-west-1",
                        "AUTH_TOKEN",
                        "check-token",
                        "SYSTEM_PROMPT",
                        "Never sent by the check."),
                builder -> builder.clock(clock));
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    /** Each test starts outside the window of the last check, with a stub that answers every model. */
    @BeforeEach
    void freshWindow() {
        clock.advance(Duration.ofSeconds(11));
        stub.clearScripts();
        stub.clear();
    }

    private JsonNode check() {
        HttpResponse<String> response = app.get("/api/health?check=bedrock");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return TestApp.json(response);
    }

    private static JsonNode model(JsonNode check, String id) {
        for (JsonNode model : check.path("models")) {
            if (model.path("id").asText().equals(id)) {
                return model;
            }
        }
        throw new AssertionError("No result for " + id + " in " + check);
    }

    @Test
    void everyAllowedModelGetsTheSmallestConverseCallAndTheAnswerSaysOk() {
        JsonNode check = check();

        assertThat(check.path("check").asText()).isEqualTo("bedrock");
        assertThat(check.path("ok").asBoolean()).isTrue();
        assertThat(check.path("mode").asText()).isEqualTo("bedrock");
        assertThat(check.path("region").asText()).isEqualTo("eu-west-1");
        assertThat(check.path("bedrockEndpoint").asText())
                .isEqualTo(stub.endpoint().toString());
        assertThat(check.path("cached").asBoolean()).isFalse();
        assertThat(check.path("checkedAt").asText()).isEqualTo(clock.instant().toString());
        assertThat(check.path("timeoutMs").asLong()).isEqualTo(5000);
        assertThat(check.path("models").findValuesAsText("id")).containsExactly(DEFAULT, LITE, PRO);
        for (JsonNode model : check.path("models")) {
            assertThat(model.path("status").asText()).isEqualTo("ok");
            assertThat(model.path("latencyMs").isIntegralNumber()).isTrue();
            assertThat(model.has("code")).isFalse();
            assertThat(model.has("reason")).isFalse();
        }
        assertThat(stub.requests()).hasSize(3).allSatisfy(request -> {
            assertThat(request.operation()).isEqualTo("converse");
            assertThat(request.conversation()).containsExactly("user: Hi");
            assertThat(request.systemPrompt()).isEmpty();
            assertThat(request.body().path("inferenceConfig").path("maxTokens").asInt())
                    .isEqualTo(1);
        });
        assertThat(stub.requests().stream().map(BedrockRuntimeStub.RecordedRequest::modelId))
                .containsExactlyInAnyOrder(DEFAULT, LITE, PRO);
        // No chat happened: nothing is kept as an artifact.
        assertThat(app.artifacts()).isEmpty();
    }

    @Test
    void withinTenSecondsTheLastResultIsGivenAgainMarkedAsCached() {
        JsonNode first = check();
        stub.clear();

        clock.advance(Duration.ofSeconds(9));
        JsonNode again = check();

        assertThat(stub.requests()).isEmpty();
        assertThat(again.path("cached").asBoolean()).isTrue();
        assertThat(again.path("checkedAt").asText())
                .isEqualTo(first.path("checkedAt").asText());
        assertThat(again.path("models")).isEqualTo(first.path("models"));

        clock.advance(Duration.ofSeconds(1));
        JsonNode fresh = check();

        assertThat(fresh.path("cached").asBoolean()).isFalse();
        assertThat(fresh.path("checkedAt").asText()).isEqualTo(clock.instant().toString());
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void theModelsAreCalledInParallel() {
        // Each call is held until all three are in flight: one after the other, none would answer within the check.
        for (String id : List.of(DEFAULT, LITE, PRO)) {
            stub.script(id, "[together:3]");
        }

        JsonNode check = check();

        assertThat(check.path("ok").asBoolean()).as(check.toString()).isTrue();
        assertThat(check.path("models").findValuesAsText("status")).containsExactly("ok", "ok", "ok");
    }

    @Test
    void failingModelsAreReportedWithCodeReasonAndAdviceAndTheCheckIsStill200() {
        stub.script(LITE, "[denied]");
        stub.script(PRO, "[notfound]");

        JsonNode check = check();

        assertThat(check.path("ok").asBoolean()).isFalse();
        assertThat(model(check, DEFAULT).path("status").asText()).isEqualTo("ok");
        JsonNode denied = model(check, LITE);
        assertThat(denied.path("status").asText()).isEqualTo("error");
        assertThat(denied.path("code").asText()).isEqualTo("ModelAccessDenied");
        assertThat(denied.path("reason").asText()).isEqualTo("model_access_not_granted");
        assertThat(denied.path("message").asText())
                .contains(LITE)
                .contains("invokes the model once with administrator credentials in eu-west-1");
        JsonNode notFound = model(check, PRO);
        assertThat(notFound.path("code").asText()).isEqualTo("ModelNotFound");
        assertThat(notFound.path("reason").asText()).isEqualTo("model_not_found");

        // The check's line is written before its answer: the last one is this check's.
        JsonNode line = app.logLines().stream()
                .filter(l -> l.path("type").asText().equals("bedrock_check"))
                .reduce((first, second) -> second)
                .orElseThrow();
        assertThat(line.path("ok").asBoolean()).isFalse();
        assertThat(line.path("level").asText()).isEqualTo("warn");
        JsonNode logged = line.path("models").get(1);
        assertThat(logged.path("id").asText()).isEqualTo(LITE);
        assertThat(logged.path("errorReason").asText()).isEqualTo("model_access_not_granted");
        assertThat(logged.path("awsErrorCode").asText()).isEqualTo("AccessDeniedException");
        assertThat(logged.path("awsRequestId").asText()).matches("[0-9a-f-]{36}");
    }

    /**
     * Every cause an operator must tell apart, as the check reports it, with the advice that says what to do (the
     * chat's errors carry the same, see ModelErrorsTest).
     */
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "[expired]|ModelAccessDenied|expired_credentials|credentials have expired: sign in again",
                "[unrecognized]|ModelAccessDenied|invalid_credentials|did not accept the function's AWS credentials",
                "[badsignature]|ModelAccessDenied|invalid_credentials|did not accept the function's AWS credentials",
                "[badtokenid]|ModelAccessDenied|invalid_credentials|did not accept the function's AWS credentials",
                "[clockskew]|ModelAccessDenied|clock_skew|this machine's clock is off by more than five minutes",
                "[notauthorized]|ModelAccessDenied|role_not_allowed|"
                        + "role is not allowed bedrock:InvokeModel on amazon.nova-lite-v1:0",
                "[explicitdeny]|ModelAccessDenied|explicit_deny|An explicit deny blocks "
                        + "bedrock:InvokeModelWithResponseStream on amazon.nova-lite-v1:0 for the function's role. "
                        + "Most likely the month's budget is spent and the budget guard has attached its deny policy "
                        + "Chat-Dev-BudgetGuard to the role",
                "[denied]|ModelAccessDenied|model_access_not_granted|"
                        + "invokes the model once with administrator credentials in eu-west-1",
                "[marketplace]|ModelAccessDenied|model_not_subscribed|"
                        + "AWS Marketplace subscription for amazon.nova-lite-v1:0 is not complete",
                "[usecase]|ModelNotFound|use_case_form_required|"
                        + "Anthropic's one-time use-case form has not been submitted",
                "[notfound]|ModelNotFound|model_not_found|"
                        + "does not know the model amazon.nova-lite-v1:0 in eu-west-1",
                "[validation]|ModelError|model_id_invalid|does not recognise the model id amazon.nova-lite-v1:0",
                "[ondemand]|ModelError|inference_profile_required|"
                        + "use an inference-profile id such as us.amazon.nova-lite-v1:0",
                "[ondemand-ascii]|ModelError|inference_profile_required|"
                        + "use an inference-profile id such as us.amazon.nova-lite-v1:0",
                "[throttle]|Throttled|throttled|throttling requests to amazon.nova-lite-v1:0",
                "[unavailable]|ModelUnavailable|service_unavailable|amazon.nova-lite-v1:0 is not available right now"
            })
    void eachCauseIsReportedWithItsReasonAndAdvice(String keyword, String code, String reason, String advice) {
        stub.script(LITE, keyword);

        JsonNode result = model(check(), LITE);

        assertThat(result.path("status").asText()).isEqualTo("error");
        assertThat(result.path("code").asText()).isEqualTo(code);
        assertThat(result.path("reason").asText()).isEqualTo(reason);
        assertThat(result.path("message").asText()).contains(advice).doesNotContain("Exception");
    }

    @Test
    void theCheckIsOpenLikeHealthEvenWithAToken() {
        // No Authorization header on any request of this class.
        assertThat(app.get("/api/health?check=bedrock").statusCode()).isEqualTo(200);
        assertThat(app.get("/api/models").statusCode()).isEqualTo(401);
    }

    @Test
    void anUnknownCheckIsAValidationError() {
        for (String query : List.of("check=s3", "check=", "check", "check=Bedrock")) {
            HttpResponse<String> response = app.get("/api/health?" + query);

            assertThat(response.statusCode()).as(query).isEqualTo(400);
            JsonNode error = TestApp.json(response).path("error");
            assertThat(error.path("code").asText()).isEqualTo("ValidationError");
            assertThat(error.path("message").asText()).contains("check must be 'bedrock'");
        }
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void healthWithoutTheParameterCallsNoModel() {
        JsonNode health = TestApp.json(app.get("/api/health?other=1"));

        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.has("models")).isFalse();
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void aModelThatDoesNotAnswerIsCutOffByTheCheckTimeout() throws Exception {
        // MODEL_TIMEOUT_SECONDS below the check's own five seconds shortens the check's wait too.
        try (TestApp impatient = TestApp.againstStub(
                stub.endpoint(), Map.of("BEDROCK_MODEL_ID", DEFAULT, "MODEL_TIMEOUT_SECONDS", "1"))) {
            stub.script(DEFAULT, "[hang]");
            long start = System.nanoTime();

            JsonNode check = TestApp.json(impatient.get("/api/health?check=bedrock"));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(check.path("ok").asBoolean()).isFalse();
            assertThat(check.path("timeoutMs").asLong()).isEqualTo(1000);
            JsonNode result = model(check, DEFAULT);
            assertThat(result.path("code").asText()).isEqualTo("ModelTimeout");
            assertThat(result.path("reason").asText()).isEqualTo("timeout");
            assertThat(result.path("message").asText()).contains("did not answer the check within 1000 ms");
        }
    }

    @Test
    void anEndpointThatRefusesConnectionsIsUnreachable() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TestApp unreachable = TestApp.againstStub(URI.create("http://127.0.0.1:" + closedPort), Map.of())) {
            JsonNode check = TestApp.json(unreachable.get("/api/health?check=bedrock"));

            assertThat(check.path("ok").asBoolean()).isFalse();
            JsonNode result = check.path("models").get(0);
            assertThat(result.path("code").asText()).isEqualTo("InternalError");
            assertThat(result.path("reason").asText()).isEqualTo("endpoint_unreachable");
            assertThat(result.path("message").asText())
                    .contains("could not be reached")
                    .contains("interface endpoint")
                    .contains("security group");
            JsonNode line =
                    unreachable.awaitLogLine(l -> l.path("type").asText().equals("bedrock_check"));
            assertThat(line.path("models").get(0).path("httpClientError").asText())
                    .isEqualTo("AWS_IO_SOCKET_CONNECTION_REFUSED");
        }
    }

    @Test
    void anUnknownHostIsUnreachable() {
        try (TestApp unknown = TestApp.againstStub(URI.create("http://bedrock.no-such-host.invalid"), Map.of())) {
            JsonNode result = TestApp.json(unknown.get("/api/health?check=bedrock"))
                    .path("models")
                    .get(0);

            assertThat(result.path("reason").asText()).isEqualTo("endpoint_unreachable");
        }
    }

    @Test
    void noCredentialsAreToldApartFromEveryOtherFailure() {
        // A real provider chain of the SDK that finds nothing (no aws.accessKeyId system property).
        var nothing = AwsCredentialsProviderChain.of(SystemPropertyCredentialsProvider.create());
        try (TestApp withoutCredentials =
                TestApp.againstStub(stub.endpoint(), Map.of(), builder -> builder.credentialsProvider(nothing))) {
            JsonNode result = TestApp.json(withoutCredentials.get("/api/health?check=bedrock"))
                    .path("models")
                    .get(0);

            assertThat(result.path("code").asText()).isEqualTo("InternalError");
            assertThat(result.path("reason").asText()).isEqualTo("no_credentials");
            assertThat(result.path("message").asText()).contains("found no AWS credentials");

            HttpResponse<String> chat = withoutCredentials.postJson("/api/chat", "{\"message\":\"hello?\"}");
            assertThat(chat.statusCode()).isEqualTo(500);
            JsonNode error = TestApp.json(chat).path("error");
            assertThat(error.path("code").asText()).isEqualTo("InternalError");
            assertThat(error.path("reason").asText()).isEqualTo("no_credentials");
        }
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void theOfflineStandInCallsNoModelAndReportsNothingAsOk() {
        try (TestApp offline = TestApp.start(Map.of("CHAT_MODE", "offline"))) {
            JsonNode check = TestApp.json(offline.get("/api/health?check=bedrock"));

            assertThat(check.path("ok").asBoolean()).isFalse();
            assertThat(check.path("mode").asText()).isEqualTo("offline");
            assertThat(check.path("notice").asText())
                    .contains("Offline stand-in")
                    .contains("no model was called");
            assertThat(check.path("models")).isEmpty();
        }
    }
}
