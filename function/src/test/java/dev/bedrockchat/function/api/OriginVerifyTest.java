package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.Application;
import dev.bedrockchat.function.Config;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.lambda.ApiGatewayHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one way in: with an origin secret, a request without {@code X-Origin-Verify: <secret>} is answered 403
 * Forbidden before anything else (sign-in included), except {@code GET|HEAD /api/health} and the function's own Lambda
 * events; the log line says the header was missing or wrong and never holds a value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginVerifyTest {
    private static final String SECRET = "origin-secret-for-tests-7d1e";
    private static final String TOKEN = "shared-token-for-origin-tests";
    private static final String WARM_UP = "{\"source\":\"bedrock-chat.warm-up\"}";

    private TestApp app;

    @BeforeAll
    void start() {
        app = TestApp.start(Map.of("CHAT_MODE", "offline", "ORIGIN_VERIFY_SECRET", SECRET, "AUTH_TOKEN", TOKEN));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /api/models",
        "POST, /api/health",
        "GET, /api/auth/config",
        "GET, /api/me",
        "GET, /",
        "GET, /index.html",
        "GET, /api/unknown",
        "POST, /events"
    })
    void withoutTheHeaderEveryRequestIsForbidden(String method, String path) {
        HttpResponse<String> response = app.method(method, path, "X-Chat-Token", TOKEN);

        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("Forbidden");
        assertThat(error.path("message").asText())
                .isEqualTo("This API is reached only through the deployment's own address (its CloudFront "
                        + "distribution), not directly");
        assertThat(error.path("requestId").asText()).isEqualTo(TestApp.requestId(response));
        assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
        JsonNode line = app.requestLog(TestApp.requestId(response));
        assertThat(line.path("status").asInt()).isEqualTo(403);
        assertThat(line.path("errorCode").asText()).isEqualTo("Forbidden");
        assertThat(line.path("originVerify").asText()).isEqualTo("missing");
    }

    @Test
    void aWrongValueIsForbiddenAndNotLogged() {
        String wrong = "origin-secret-for-tests-7d1f";
        HttpResponse<String> response = app.get("/api/models", "X-Origin-Verify", wrong, "X-Chat-Token", TOKEN);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(app.requestLog(TestApp.requestId(response))
                        .path("originVerify")
                        .asText())
                .isEqualTo("mismatch");
        assertThat(app.rawLog()).doesNotContain(wrong).doesNotContain(SECRET);
        assertThat(app.get("/api/models", "X-Origin-Verify", "", "X-Chat-Token", TOKEN)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void theRightValueLetsTheRequestInWhereSignInTakesOver() {
        HttpResponse<String> unsigned = app.get("/api/models", "X-Origin-Verify", SECRET);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(TestApp.json(unsigned).at("/error/reason").asText()).isEqualTo("missing_token");

        assertThat(app.get("/api/models", "X-Origin-Verify", SECRET, "X-Chat-Token", TOKEN)
                        .statusCode())
                .isEqualTo(200);
        assertThat(app.get("/api/auth/config", "X-Origin-Verify", SECRET).statusCode())
                .isEqualTo(200);
        assertThat(app.rawLog()).doesNotContain(SECRET);
    }

    @Test
    void healthStaysReachableForSmokeTests() {
        assertThat(app.get("/api/health").statusCode()).isEqualTo(200);
        assertThat(app.method("HEAD", "/api/health").statusCode()).isEqualTo(200);
        assertThat(app.get("/api/health?check=bedrock").statusCode()).isEqualTo(200);
        assertThat(app.get("/api/health/").statusCode()).isEqualTo(403);
    }

    @Test
    void behindTheWebAdapterOnlyTheFunctionsOwnEventsNeedNoHeader() {
        try (TestApp lambda = TestApp.start(Map.of(
                "CHAT_MODE", "offline",
                "ORIGIN_VERIFY_SECRET", SECRET,
                "AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap",
                "AWS_LAMBDA_FUNCTION_NAME", "chat-dev"))) {
            // The warm-up: the adapter posts the event to its pass-through path, with no API Gateway request context.
            HttpResponse<String> warmUp = lambda.send(
                    HttpRequest.newBuilder(lambda.uri("/events")).POST(HttpRequest.BodyPublishers.ofString(WARM_UP)));
            assertThat(warmUp.statusCode()).isEqualTo(200);

            // The same path reached through API Gateway is an HTTP request like any other.
            HttpResponse<String> throughApiGateway = lambda.send(
                    HttpRequest.newBuilder(lambda.uri("/events")).POST(HttpRequest.BodyPublishers.ofString(WARM_UP)),
                    "x-amzn-request-context",
                    "{\"requestId\":\"c6af9ac6-7b61-11e6-9a41-93e8deadbeef\",\"stage\":\"api\"}");
            assertThat(throughApiGateway.statusCode()).isEqualTo(403);
            assertThat(lambda.get("/api/models", "x-amzn-request-context", "{\"requestId\":\"r-1234567890\"}")
                            .statusCode())
                    .isEqualTo(403);
        }
    }

    @Test
    void inBufferedModeTheWarmUpNeedsNoHeaderAndEveryProxyEventDoes() throws Exception {
        Path data = Files.createTempDirectory("origin-lambda");
        Config config = Config.from(
                Map.of("CHAT_MODE", "offline", "CHAT_DATA_DIR", data.toString(), "ORIGIN_VERIFY_SECRET", SECRET),
                new Properties(),
                data);
        var mapper = new ObjectMapper();
        try (Application application = Application.builder(config)
                .logTo(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .build()) {
            var handler = new ApiGatewayHandler(application.api(), mapper);

            assertThat(invoke(handler, mapper, WARM_UP).path("statusCode").asInt())
                    .isEqualTo(200);
            assertThat(invoke(handler, mapper, proxyEvent("POST", "/events", Map.of()))
                            .path("statusCode")
                            .asInt())
                    .isEqualTo(403);
            JsonNode forbidden = invoke(handler, mapper, proxyEvent("GET", "/api/models", Map.of()));
            assertThat(forbidden.path("statusCode").asInt()).isEqualTo(403);
            assertThat(mapper.readTree(forbidden.path("body").asText())
                            .at("/error/code")
                            .asText())
                    .isEqualTo("Forbidden");
            assertThat(invoke(handler, mapper, proxyEvent("GET", "/api/models", Map.of("X-Origin-Verify", SECRET)))
                            .path("statusCode")
                            .asInt())
                    .isEqualTo(200);
            assertThat(invoke(handler, mapper, proxyEvent("GET", "/api/health", Map.of()))
                            .path("statusCode")
                            .asInt())
                    .isEqualTo(200);
        }
    }

    private static String proxyEvent(String method, String path, Map<String, String> headers) throws Exception {
        var event = new HashMap<String, Object>();
        event.put("httpMethod", method);
        event.put("path", path);
        event.put("headers", headers);
        event.put("requestContext", Map.of("requestId", "4a1b2c3d-0000-4000-8000-00000000beef"));
        return new ObjectMapper().writeValueAsString(event);
    }

    private static JsonNode invoke(ApiGatewayHandler handler, ObjectMapper mapper, String event) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return mapper.readTree(out.toByteArray());
    }
}
