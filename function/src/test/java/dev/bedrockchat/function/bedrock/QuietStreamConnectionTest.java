package dev.bedrockchat.function.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.ScriptedBedrock;
import dev.bedrockchat.function.testing.ScriptedBedrock.Step;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A model that goes quiet mid-answer: past MODEL_TIMEOUT_SECONDS the turn ends in a ModelTimeout event, and the
 * connection to Bedrock is closed too, so that it does not hold a slot of the connection pool for good (the HTTP client
 * acts on the cancel of an opened stream only when its next bytes arrive, which a quiet stream never sends; the
 * client's throughput check closes it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuietStreamConnectionTest {
    private ScriptedBedrock bedrock;
    private TestApp app;

    @BeforeAll
    void start() {
        bedrock = ScriptedBedrock.start();
        app = TestApp.againstStub(bedrock.endpoint(), Map.of("MODEL_TIMEOUT_SECONDS", "2"));
    }

    @AfterAll
    void stop() {
        app.close();
        bedrock.close();
    }

    @Test
    void aStreamThatGoesQuietEndsInATimeoutAndItsConnectionIsClosed() throws Exception {
        bedrock.script("quiet-model", Step.hangAfter(2));

        HttpResponse<String> response = app.chatStream("{\"message\":\"quiet-model please\"}");

        List<Sse.Event> events = Sse.parse(response.body());
        Sse.Event error = events.stream()
                .filter(e -> e.name().equals("error"))
                .findFirst()
                .orElseThrow();
        JsonNode envelope = TestApp.json(error.data()).path("error");
        assertThat(envelope.path("code").asText()).isEqualTo("ModelTimeout");
        assertThat(envelope.path("requestId").asText()).isEqualTo(TestApp.requestId(response));
        ScriptedBedrock.Call call = bedrock.callsFor("quiet-model").getFirst();
        assertThat(call.awaitClosedByCaller(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aStreamThatKeepsTalkingIsNotCut() {
        bedrock.script("steady-model", Step.slow(30, Duration.ofMillis(150)));

        HttpResponse<String> response = app.chatStream("{\"message\":\"steady-model please\"}");

        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events).noneMatch(e -> e.name().equals("error"));
        assertThat(Sse.text(events)).startsWith("Part 1. ").endsWith("Part 30. ");
        assertThat(bedrock.callsFor("steady-model").getFirst().closedByCaller()).isFalse();
    }
}
