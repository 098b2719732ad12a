package dev.bedrockchat.function.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.Application;
import dev.bedrockchat.function.Config;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.api.GatewayContext;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Where nobody signs in, the person a quota counts is the client's address: in a proxy event API Gateway's
 * {@code requestContext.identity.sourceIp}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyEventClientAddressTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private BedrockRuntimeStub stub;
    private Application application;
    private ApiGatewayHandler handler;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        Path data = Files.createTempDirectory("lambda-quota");
        Config config = Config.from(
                Map.of(
                        "CHAT_MODE",
                        "bedrock",
                        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
                        stub.endpoint().toString(),
                        "CHAT_DATA_DIR",
                        data.toString(),
                        "USER_DAILY_TOKEN_QUOTA",
                        "1500"),
                new Properties(),
                data);
        application = Application.builder(config)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .logTo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .build();
        handler = new ApiGatewayHandler(application.api(), mapper);
    }

    @AfterAll
    void stop() {
        application.close();
        stub.close();
    }

    private int chatFrom(String sourceIp) throws Exception {
        String event = "{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                + "\"application/json\"},\"body\":\"{\\\"message\\\":\\\"[cached] hi\\\"}\","
                + "\"requestContext\":{\"requestId\":\"r-" + System.nanoTime() + "\",\"identity\":{\"sourceIp\":\""
                + sourceIp + "\"}}}";
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        JsonNode response = mapper.readTree(out.toByteArray());
        return response.path("statusCode").asInt();
    }

    @Test
    void eachClientAddressOfAProxyEventHasItsOwnQuota() throws Exception {
        assertThat(chatFrom("198.51.100.7")).isEqualTo(200);
        assertThat(chatFrom("198.51.100.7")).isEqualTo(429);
        assertThat(chatFrom("203.0.113.9")).isEqualTo(200);
    }

    @Test
    void theClientAddressComesFromTheRequestContextAndThePlatformsWordIsKept() throws Exception {
        JsonNode context = mapper.readTree("{\"identity\":{\"sourceIp\":\" 198.51.100.7 \"}}");
        GatewayContext gateway = GatewayContext.apiGateway(context);
        assertThat(gateway.sourceIp()).hasValue("198.51.100.7");
        assertThat(gateway.withSourceIp(Optional.of("127.0.0.1")).sourceIp()).hasValue("198.51.100.7");
        assertThat(GatewayContext.apiGateway(mapper.readTree("{\"identity\":{\"sourceIp\":7}}"))
                        .sourceIp())
                .isEmpty();
        assertThat(GatewayContext.NONE.withSourceIp(Optional.of("127.0.0.1")).sourceIp())
                .hasValue("127.0.0.1");
    }
}
