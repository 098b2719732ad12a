package dev.bedrockchat.function.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.Application;
import dev.bedrockchat.function.Config;
import dev.bedrockchat.function.TestApp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With {@code API_IAM_AUTH=true}, API Gateway verifies the AWS Signature Version 4 of {@code /v1} calls and names the
 * caller in {@code requestContext.identity.userArn}: such a call is that IAM principal's, and as programs call API
 * Gateway directly it needs no {@code X-Origin-Verify}. Only {@code /v1}, and only with the setting on.
 */
class IamSignedCallsTest {
    private static final String ARN = "arn:aws:iam::123456789012:role/nightly-report";
    private static final String SECRET = "origin-secret-of-the-distribution";
    private final ObjectMapper mapper = new ObjectMapper();

    private record Deployed(Application application, ApiGatewayHandler handler, Path data) implements AutoCloseable {
        @Override
        public void close() {
            application.close();
        }
    }

    private Deployed deploy(boolean iamAuth) throws IOException {
        Path data = Files.createTempDirectory("iam-data");
        var env = new HashMap<String, String>(Map.of(
                "CHAT_MODE",
                "offline",
                "CHAT_DATA_DIR",
                data.toString(),
                "AUTH_TOKEN",
                "the-shared-token",
                "ORIGIN_VERIFY_SECRET",
                SECRET));
        if (iamAuth) {
            env.put("API_IAM_AUTH", "true");
        }
        Application application = Application.builder(Config.from(env, new Properties(), data))
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .logTo(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .build();
        return new Deployed(application, new ApiGatewayHandler(application.api(), mapper), data);
    }

    private JsonNode invoke(Deployed deployed, String path, String method, String body, String userArn)
            throws IOException {
        String identity = userArn == null ? "{\"sourceIp\":\"203.0.113.7\"}" : "{\"userArn\":\"" + userArn + "\"}";
        String event = "{\"path\":\"" + path + "\",\"httpMethod\":\"" + method + "\","
                + "\"headers\":{\"content-type\":\"application/json\"},"
                + "\"requestContext\":{\"requestId\":\"5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\",\"identity\":" + identity
                + "},\"body\":" + (body == null ? "null" : mapper.writeValueAsString(body)) + "}";
        var out = new ByteArrayOutputStream();
        deployed.handler().handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return mapper.readTree(out.toByteArray());
    }

    private JsonNode artifact(Deployed deployed) throws IOException {
        try (Stream<Path> files = Files.walk(deployed.data().resolve("artifacts"))) {
            Path file = files.filter(p -> p.toString().endsWith(".json"))
                    .findFirst()
                    .orElseThrow();
            return mapper.readTree(file.toFile());
        }
    }

    @Test
    void aSignedCallIsItsIamPrincipalsWithoutTheOriginSecret() throws IOException {
        try (Deployed deployed = deploy(true)) {
            JsonNode response = invoke(
                    deployed,
                    "/v1/chat/completions",
                    "POST",
                    "{\"model\":\"amazon.nova-lite-v1:0\",\"messages\":[{\"role\":\"user\",\"content\":\"Signed\"}]}",
                    ARN);

            assertThat(response.path("statusCode").asInt())
                    .as(response.toString())
                    .isEqualTo(200);
            assertThat(mapper.readTree(response.path("body").asText())
                            .path("object")
                            .asText())
                    .isEqualTo("chat.completion");
            assertThat(artifact(deployed).path("principal").toString())
                    .isEqualTo("{\"kind\":\"iam\",\"id\":\"" + ARN + "\"}");
        }
    }

    @Test
    void onlyV1SkipsTheOriginCheckAndOnlyForASignedCall() throws IOException {
        try (Deployed deployed = deploy(true)) {
            JsonNode chatApi = invoke(deployed, "/api/models", "GET", null, ARN);
            JsonNode unsigned = invoke(deployed, "/v1/models", "GET", null, null);

            assertThat(chatApi.path("statusCode").asInt()).isEqualTo(403);
            assertThat(unsigned.path("statusCode").asInt()).isEqualTo(403);
            assertThat(mapper.readTree(unsigned.path("body").asText())
                            .at("/error/type")
                            .asText())
                    .isEqualTo("permission_error");
        }
    }

    @Test
    void behindTheWebAdapterTheRequestContextHeaderCarriesTheIdentityAndNowhereElse() {
        var env = new HashMap<String, String>(Map.of(
                "CHAT_MODE", "offline",
                "AUTH_TOKEN", "the-shared-token",
                "ORIGIN_VERIFY_SECRET", SECRET,
                "API_IAM_AUTH", "true"));
        String context =
                "{\"requestId\":\"6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",\"identity\":{\"userArn\":\"" + ARN + "\"}}";
        try (TestApp direct = TestApp.start(env)) {
            assertThat(direct.get("/v1/models", "x-amzn-request-context", context)
                            .statusCode())
                    .as("a client's own header vouches for nothing")
                    .isEqualTo(403);
        }
        env.put("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "chat-dev");
        try (TestApp adapted = TestApp.start(env)) {
            var response = adapted.get("/v1/models", "x-amzn-request-context", context);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(adapted.requestLog(TestApp.requestId(response))
                            .path("principal")
                            .asText())
                    .isEqualTo("iam");
        }
    }

    @Test
    void withoutTheSettingAnIdentityCountsForNothing() throws IOException {
        try (Deployed deployed = deploy(false)) {
            JsonNode response = invoke(deployed, "/v1/models", "GET", null, ARN);

            assertThat(response.path("statusCode").asInt()).isEqualTo(403);
        }
    }
}
