package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daily warm-up as the Lambda Web Adapter delivers it: {@code POST /events} with the event as the body. It is
 * answered at once, calls nothing and writes one {@code warm_up} log line; any other event is a bad request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarmUpTest {
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(stub.endpoint(), Map.of("AUTH_TOKEN", "warm-up-token"));
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    @Test
    void theWarmUpEventIsAnsweredAtOnceCallsNothingAndLogsOneLine() {
        // As the adapter forwards it: no Content-Type, no token (a Lambda invocation carries none).
        HttpResponse<String> response = app.send(java.net.http.HttpRequest.newBuilder(app.uri("/events"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"source\":\"bedrock-chat.warm-up\"}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode body = TestApp.json(response);
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("warmUp").asBoolean()).isTrue();
        assertThat(body.path("mode").asText()).isEqualTo("bedrock");
        assertThat(body.path("version").asText()).isNotBlank();

        String requestId = TestApp.requestId(response);
        JsonNode line = app.awaitLogLine(l -> l.path("requestId").asText().equals(requestId));
        assertThat(line.path("type").asText()).isEqualTo("warm_up");
        assertThat(line.path("level").asText()).isEqualTo("info");
        assertThat(line.path("route").asText()).isEqualTo("/events");
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("source").asText()).isEqualTo("bedrock-chat.warm-up");
        assertThat(app.logLines())
                .filteredOn(l -> l.path("requestId").asText().equals(requestId))
                .hasSize(1);
        assertThat(stub.requests()).isEmpty();
        assertThat(app.artifacts()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\"}",
                "{\"source\":42}",
                "[\"bedrock-chat.warm-up\"]",
                "not json",
                ""
            })
    void anyOtherEventIsABadRequest(String event) {
        HttpResponse<String> response = app.postJson("/events", event);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo("ValidationError");
        assertThat(error.path("message").asText()).contains("bedrock-chat.warm-up");
        assertThat(error.path("requestId").asText()).isEqualTo(TestApp.requestId(response));
        assertThat(app.requestLog(TestApp.requestId(response)).path("type").asText())
                .isEqualTo("request");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void onlyPostIsTaken() {
        for (String method : List.of("GET", "PUT", "DELETE")) {
            HttpResponse<String> response = app.method(method, "/events");

            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        }
    }
}
