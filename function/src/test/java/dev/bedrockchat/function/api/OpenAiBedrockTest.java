package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /v1} against the Bedrock Runtime stand-in through the real SDK: what a request asks for reaches Converse
 * (system, turns, inference settings), and the model's failures come back in the OpenAI shape with the chat API's
 * statuses: before a stream as a status (429 with Retry-After), inside a stream as an error chunk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiBedrockTest {
    private static final String MODEL = "amazon.nova-micro-v1:0";
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(
                stub.endpoint(),
                Map.of("BEDROCK_MODEL_ID", MODEL, "MAX_TOKENS", "800", "SYSTEM_PROMPT", "The page's own prompt."));
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    @Test
    void theRequestReachesConverseAsAsked() {
        stub.clear();
        HttpResponse<String> response = app.postJson(
                "/v1/chat/completions",
                "{\"model\":\"" + MODEL + "\","
                        + "\"messages\":[{\"role\":\"system\",\"content\":\"Answer in French.\"},"
                        + "{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"Be short.\"}]},"
                        + "{\"role\":\"user\",\"content\":\"Hello\"},{\"role\":\"assistant\",\"content\":\"Bonjour\"},"
                        + "{\"role\":\"user\",\"content\":\"How are you?\"}],"
                        + "\"max_completion_tokens\":123,\"temperature\":0.25,\"top_p\":0.5,\"stop\":[\"END\",\"STOP\"]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = TestApp.json(response);
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Stub reply to: How are you?");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        BedrockRuntimeStub.RecordedRequest sent = stub.lastRequest();
        assertThat(sent.operation()).isEqualTo("converse");
        assertThat(sent.modelId()).isEqualTo(MODEL);
        assertThat(sent.systemPrompt()).isEqualTo("Answer in French.\n\nBe short.");
        assertThat(sent.conversation()).containsExactly("user: Hello", "assistant: Bonjour", "user: How are you?");
        JsonNode inference = sent.body().path("inferenceConfig");
        assertThat(inference.path("maxTokens").asInt()).isEqualTo(123);
        assertThat(inference.path("temperature").asDouble()).isEqualTo(0.25);
        assertThat(inference.path("topP").asDouble()).isEqualTo(0.5);
        assertThat(inference.path("stopSequences").toString()).isEqualTo("[\"END\",\"STOP\"]");
        int input = body.at("/usage/prompt_tokens").asInt();
        assertThat(input).isPositive();
    }

    @Test
    void withoutSettingsTheConfiguredOnesApplyAndNoTopPOrStopIsSent() {
        stub.clear();
        HttpResponse<String> response = app.postJson(
                "/v1/chat/completions",
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Plain\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        BedrockRuntimeStub.RecordedRequest sent = stub.lastRequest();
        assertThat(sent.systemPrompt()).as("no system prompt of the page's").isEmpty();
        JsonNode inference = sent.body().path("inferenceConfig");
        assertThat(inference.path("maxTokens").asInt()).isEqualTo(800);
        assertThat(inference.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(inference.has("topP")).isFalse();
        assertThat(inference.has("stopSequences")).isFalse();
    }

    @Test
    void throttlingIs429RateLimitErrorWithRetryAfter() {
        HttpResponse<String> response = app.postJson(
                "/v1/chat/completions",
                "{\"model\":\"" + MODEL
                        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"[throttle]\"}]}");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After"))
                .hasValueSatisfying(value -> assertThat(Integer.parseInt(value)).isPositive());
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("code").asText()).isEqualTo("Throttled");
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(response));
        assertThat(artifact.path("api").asText()).isEqualTo("openai");
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("Throttled");
    }

    @Test
    void aFailureMidStreamIsAnErrorChunkAndThePartIsKeptInTheArtifact() {
        HttpResponse<String> response = app.postJson(
                "/v1/chat/completions",
                "{\"model\":\"" + MODEL
                        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"[midstream] go\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        JsonNode error = TestApp.json(events.get(events.size() - 2).data()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("code").asText()).isEqualTo("ModelError");
        assertThat(TestApp.json(events.getFirst().data())
                        .at("/choices/0/delta/role")
                        .asText())
                .isEqualTo("assistant");
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(response));
        assertThat(artifact.path("partialReason").asText()).isEqualTo("model_error");
        assertThat(artifact.path("reply").asText()).isNotBlank();
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("ModelError");
    }

    @Test
    void modelAccessDeniedKeepsItsStatusAndIsAnApiError() {
        HttpResponse<String> response = app.postJson(
                "/v1/chat/completions",
                "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"[denied]\"}]}");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(TestApp.json(response).at("/error/type").asText()).isEqualTo("api_error");
        assertThat(TestApp.json(response).at("/error/code").asText()).isEqualTo("ModelAccessDenied");
    }
}
