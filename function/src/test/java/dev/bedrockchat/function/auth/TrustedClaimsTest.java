package dev.bedrockchat.function.auth;

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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code OIDC_VERIFIER=apigateway}: the claims API Gateway's Cognito authorizer verified sign the caller in, taken from
 * the request context only where the transport can vouch for it: behind the Lambda Web Adapter (its
 * {@code x-amzn-request-context} header) and in the buffered proxy event. Anywhere else the same header, sent by a
 * client, is ignored: it never signs anyone in.
 */
class TrustedClaimsTest {
    private static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123";
    private static final String CLIENT = "4k2m9example7client";
    private static final String SUB = "9f1e2d3c-4b5a-4678-9abc-def012345678";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Map<String, String> oidcBehindApiGateway(boolean behindAdapter) {
        var env = new HashMap<String, String>();
        env.put("CHAT_MODE", "offline");
        env.put("AUTH_MODE", "oidc");
        env.put("OIDC_VERIFIER", "apigateway");
        env.put("OIDC_ISSUER", ISSUER);
        env.put("OIDC_CLIENT_ID", CLIENT);
        env.put("OIDC_AUTHORIZATION_ENDPOINT", "https://chat.auth.eu-west-1.amazoncognito.com/oauth2/authorize");
        env.put("OIDC_TOKEN_ENDPOINT", "https://chat.auth.eu-west-1.amazoncognito.com/oauth2/token");
        if (behindAdapter) {
            env.put("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap");
            env.put("AWS_LAMBDA_FUNCTION_NAME", "chat-dev");
        }
        return env;
    }

    /** The claims of a Cognito ID token as the REST API's authorizer passes them (all strings). */
    private static Map<String, String> cognitoClaims() {
        var claims = new LinkedHashMap<String, String>();
        claims.put("sub", SUB);
        claims.put("iss", ISSUER);
        claims.put("aud", CLIENT);
        claims.put("token_use", "id");
        claims.put("email", "grace@example.com");
        claims.put("email_verified", "true");
        claims.put("cognito:username", "grace");
        claims.put("exp", "Tue Dec 01 10:00:00 UTC 2026");
        return claims;
    }

    private static String requestContext(Map<String, String> claims) throws Exception {
        var context = new LinkedHashMap<String, Object>();
        context.put("requestId", "8d1c6f0a-1b2c-4d3e-8f9a-0b1c2d3e4f5a");
        context.put("stage", "api");
        if (claims != null) {
            context.put("authorizer", Map.of("claims", claims));
        }
        return MAPPER.writeValueAsString(context);
    }

    private static String reason(HttpResponse<String> response) {
        return TestApp.json(response).at("/error/reason").asText();
    }

    @Test
    void behindTheWebAdapterTheAuthorizersClaimsSignThePersonIn() throws Exception {
        try (TestApp app = TestApp.start(oidcBehindApiGateway(true))) {
            HttpResponse<String> me = app.get("/api/me", "x-amzn-request-context", requestContext(cognitoClaims()));

            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(me))
                    .isEqualTo(TestApp.json("{\"principal\":{\"kind\":\"oidc\",\"id\":\"" + SUB
                            + "\",\"name\":\"grace@example.com\",\"email\":\"grace@example.com\"},\"auth\":\"oidc\"}"));

            var named = cognitoClaims();
            named.remove("email");
            assertThat(TestApp.json(app.get("/api/me", "x-amzn-request-context", requestContext(named)))
                            .at("/principal/name")
                            .asText())
                    .isEqualTo("grace");
            named.put("name", "Grace Hopper");
            named.put("preferred_username", "ghopper");
            assertThat(TestApp.json(app.get("/api/me", "x-amzn-request-context", requestContext(named)))
                            .at("/principal/name")
                            .asText())
                    .isEqualTo("Grace Hopper");
            named.remove("name");
            assertThat(TestApp.json(app.get("/api/me", "x-amzn-request-context", requestContext(named)))
                            .at("/principal/name")
                            .asText())
                    .isEqualTo("ghopper");
        }
    }

    @Test
    void behindTheWebAdapterMissingOrForeignClaimsAreRefused() throws Exception {
        try (TestApp app = TestApp.start(oidcBehindApiGateway(true))) {
            HttpResponse<String> none = app.get("/api/me", "x-amzn-request-context", requestContext(null));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(reason(none)).isEqualTo("missing_token");
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"bedrock-chat\"");

            // A token alone is not enough: here API Gateway verifies it, not the function.
            assertThat(reason(app.get("/api/models", "X-Chat-Token", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln")))
                    .isEqualTo("missing_token");

            var otherPool = cognitoClaims();
            otherPool.put("iss", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other");
            assertThat(reason(app.get("/api/me", "x-amzn-request-context", requestContext(otherPool))))
                    .isEqualTo("wrong_issuer");

            var otherClient = cognitoClaims();
            otherClient.put("aud", "another-client");
            assertThat(reason(app.get("/api/me", "x-amzn-request-context", requestContext(otherClient))))
                    .isEqualTo("wrong_audience");

            var noSubject = cognitoClaims();
            noSubject.remove("sub");
            assertThat(reason(app.get("/api/me", "x-amzn-request-context", requestContext(noSubject))))
                    .isEqualTo("malformed_token");

            assertThat(app.get("/api/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void inALocalRunAForgedRequestContextSignsNobodyIn() throws Exception {
        String forged = requestContext(cognitoClaims());
        try (TestApp app = TestApp.start(oidcBehindApiGateway(false))) {
            HttpResponse<String> me = app.get("/api/me", "x-amzn-request-context", forged);

            assertThat(me.statusCode()).isEqualTo(401);
            assertThat(reason(me)).isEqualTo("missing_token");
            assertThat(app.postJson("/api/chat", "{\"message\":\"hi\"}", "x-amzn-request-context", forged)
                            .statusCode())
                    .isEqualTo(401);
            assertThat(app.requestLog(TestApp.requestId(me)).path("principal").asText())
                    .isEqualTo("anonymous");
        }
    }

    @Test
    void inNoneModeAForgedRequestContextChangesNothing() throws Exception {
        try (TestApp app = TestApp.start(Map.of("CHAT_MODE", "offline"))) {
            HttpResponse<String> me = app.get("/api/me", "x-amzn-request-context", requestContext(cognitoClaims()));

            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(me))
                    .isEqualTo(TestApp.json(
                            "{\"principal\":{\"kind\":\"anonymous\",\"id\":\"anonymous\"},\"auth\":\"none\"}"));
        }
    }

    @Test
    void inBufferedModeTheProxyEventsClaimsSignThePersonIn() throws Exception {
        Path data = Files.createTempDirectory("claims-lambda");
        var env = oidcBehindApiGateway(false);
        env.put("CHAT_DATA_DIR", data.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "chat-dev");
        Config config = Config.from(env, new Properties(), data);
        try (Application application = Application.builder(config)
                .logTo(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .build()) {
            var handler = new ApiGatewayHandler(application.api(), MAPPER);

            JsonNode me = invoke(handler, event(Map.of(), cognitoClaims()));
            assertThat(me.path("statusCode").asInt()).isEqualTo(200);
            assertThat(MAPPER.readTree(me.path("body").asText()).path("principal"))
                    .isEqualTo(TestApp.json("{\"kind\":\"oidc\",\"id\":\"" + SUB
                            + "\",\"name\":\"grace@example.com\",\"email\":\"grace@example.com\"}"));

            JsonNode unsigned = invoke(handler, event(Map.of(), null));
            assertThat(unsigned.path("statusCode").asInt()).isEqualTo(401);
            assertThat(MAPPER.readTree(unsigned.path("body").asText())
                            .at("/error/reason")
                            .asText())
                    .isEqualTo("missing_token");
            assertThat(unsigned.at("/headers/WWW-Authenticate").asText()).isEqualTo("Bearer realm=\"bedrock-chat\"");

            // A client's own x-amzn-request-context header in the event is just a header.
            JsonNode forged =
                    invoke(handler, event(Map.of("x-amzn-request-context", requestContext(cognitoClaims())), null));
            assertThat(forged.path("statusCode").asInt()).isEqualTo(401);
        }
    }

    private static String event(Map<String, String> headers, Map<String, String> claims) throws Exception {
        var context = new LinkedHashMap<String, Object>();
        context.put("requestId", "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5");
        if (claims != null) {
            context.put("authorizer", Map.of("claims", claims));
        }
        var event = new LinkedHashMap<String, Object>();
        event.put("httpMethod", "GET");
        event.put("path", "/api/me");
        event.put("headers", headers);
        event.put("requestContext", context);
        return MAPPER.writeValueAsString(event);
    }

    private static JsonNode invoke(ApiGatewayHandler handler, String event) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return MAPPER.readTree(out.toByteArray());
    }
}
