package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.offline.OfflineChatModel;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenAI-compatible API over real HTTP, with the offline stand-in and no sign-in: the shapes of the model list,
 * of a whole completion and of a stream (role chunk, pieces, finish chunk, usage chunk, [DONE]), the artifact of a
 * stateless call, and every request field: taken, ignored, or refused naming it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiApiTest {
    private static final String MODEL = "amazon.nova-lite-v1:0";
    private TestApp app;

    @BeforeAll
    void start() {
        app = TestApp.start(Map.of(
                "CHAT_MODE", "offline",
                "ALLOWED_MODEL_IDS", "amazon.nova-lite-v1:0,us.amazon.nova-pro-v1:0",
                "MAX_TOKENS", "500"));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private HttpResponse<String> complete(String body) {
        return app.postJson("/v1/chat/completions", body);
    }

    private static String ask(String extra) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]" + extra
                + "}";
    }

    @Test
    void theModelsAreListedInTheOpenAiShape() {
        HttpResponse<String> response = app.get("/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(response))
                .isEqualTo(
                        TestApp.json(
                                "{\"object\":\"list\",\"data\":["
                                        + "{\"id\":\"amazon.nova-lite-v1:0\",\"object\":\"model\",\"created\":0,\"owned_by\":\"bedrock\"},"
                                        + "{\"id\":\"us.amazon.nova-pro-v1:0\",\"object\":\"model\",\"created\":0,\"owned_by\":\"bedrock\"}]}"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void aWholeCompletionIsAChatCompletionWithUsageAndLeavesAnArtifactButNoConversation() {
        HttpResponse<String> response = complete("{\"model\":\"" + MODEL + "\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"First question\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"First answer\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Second \"},{\"type\":\"text\",\"text\":\"question\"}]}],"
                + "\"user\":\"someone@example.com\",\"temperature\":0.2,\"max_tokens\":300}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestApp.json(response);
        String requestId = TestApp.requestId(response);
        String reply = OfflineChatModel.replyTo("Second question");
        assertThat(body.path("id").asText()).isEqualTo("chatcmpl-" + requestId);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("created").asLong()).isPositive();
        assertThat(body.path("model").asText()).isEqualTo(MODEL);
        assertThat(body.path("choices").toString())
                .isEqualTo("[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                        + TestApp.json("\"" + reply.replace("\"", "\\\"").replace("\n", "\\n") + "\"")
                        + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}]");
        JsonNode usage = body.path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isPositive();
        assertThat(usage.path("completion_tokens").asInt()).isPositive();
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt()
                        + usage.path("completion_tokens").asInt());

        JsonNode artifact = app.awaitArtifact(requestId);
        assertThat(artifact.path("api").asText()).isEqualTo("openai");
        assertThat(artifact.path("conversationId").isNull()).isTrue();
        assertThat(artifact.path("stored").asBoolean()).isFalse();
        assertThat(artifact.path("message").asText()).isEqualTo("Second question");
        assertThat(artifact.path("reply").asText()).isEqualTo(reply);
        assertThat(artifact.path("usage").path("outputTokens").asInt())
                .isEqualTo(usage.path("completion_tokens").asInt());
        assertThat(artifact.path("principal").path("kind").asText()).isEqualTo("anonymous");
        assertThat(Files.exists(app.dataDir().resolve("conversations"))).isFalse();
        JsonNode line = app.requestLog(requestId);
        assertThat(line.path("route").asText()).isEqualTo("/v1/chat/completions");
        assertThat(line.path("api").asText()).isEqualTo("openai");
        assertThat(line.path("model").asText()).isEqualTo(MODEL);
    }

    @Test
    void aStreamSendsTheRoleThenThePiecesThenTheFinishThenTheUsageThenDone() {
        HttpResponse<String> response = complete(ask(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events).allSatisfy(event -> assertThat(event.name()).isEqualTo("message"));
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream()
                .map(event -> TestApp.json(event.data()))
                .toList();
        String id = "chatcmpl-" + TestApp.requestId(response);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.path("id").asText()).isEqualTo(id);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").asText()).isEqualTo(MODEL);
            assertThat(chunk.has("usage")).isTrue();
        });
        assertThat(chunks.getFirst().path("choices").toString())
                .isEqualTo("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                        + "\"finish_reason\":null}]");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.path("choices").toString())
                .isEqualTo("[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]");
        JsonNode last = chunks.getLast();
        assertThat(last.path("choices").toString()).isEqualTo("[]");
        assertThat(last.path("usage").path("completion_tokens").asInt()).isPositive();
        var text = new StringBuilder();
        for (JsonNode chunk : chunks.subList(1, chunks.size() - 2)) {
            assertThat(chunk.path("usage").isNull()).isTrue();
            assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue();
            text.append(chunk.at("/choices/0/delta/content").asText());
        }
        assertThat(text.toString()).isEqualTo(OfflineChatModel.replyTo("Hello there"));
        JsonNode artifact = app.awaitArtifact(TestApp.requestId(response));
        assertThat(artifact.path("api").asText()).isEqualTo("openai");
        assertThat(artifact.path("streamed").asBoolean()).isTrue();
        assertThat(artifact.path("reply").asText()).isEqualTo(text.toString());
    }

    @Test
    void aStreamWithoutIncludeUsageHasNoUsageAnywhere() {
        HttpResponse<String> response = complete(ask(",\"stream\":true"));

        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream()
                .map(event -> TestApp.json(event.data()))
                .toList();
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.has("usage")).isFalse());
        assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aStopSequenceEndsTheAnswerThere() {
        JsonNode body = TestApp.json(complete(ask(",\"stop\":[\"You asked\"]")));

        assertThat(body.at("/choices/0/message/content").asText())
                .isEqualTo("**Offline stand-in, not Amazon Bedrock.** ");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void fieldsThatChangeNothingAreTaken() {
        HttpResponse<String> response = complete(ask(",\"n\":1,\"frequency_penalty\":0,\"presence_penalty\":0.0,"
                + "\"logprobs\":false,\"tools\":[],\"response_format\":{\"type\":\"text\"},\"seed\":null,"
                + "\"store\":false,\"metadata\":{\"job\":\"nightly\"},\"max_completion_tokens\":100,"
                + "\"top_p\":0.9,\"stop\":\"NEVER-IN-THE-ANSWER\",\"stream\":false,"
                + "\"messages_extra\":null,\"user\":\"u-1\""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(TestApp.json(response).path("object").asText()).isEqualTo("chat.completion");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'\"seed\":7'|seed|unsupported_parameter",
                "'\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]'|tools|unsupported_parameter",
                "'\"frequency_penalty\":0.5'|frequency_penalty|unsupported_parameter",
                "'\"response_format\":{\"type\":\"json_object\"}'|response_format|unsupported_parameter",
                "'\"logprobs\":true'|logprobs|unsupported_parameter",
                "'\"reasoning_effort\":\"high\"'|reasoning_effort|unsupported_parameter",
                "'\"n\":2'|n|unsupported_value",
                "'\"stream_options\":{\"include_usage\":true}'|stream_options|invalid_value",
                "'\"stream\":true,\"stream_options\":{\"chunk_size\":3}'|stream_options.chunk_size|unsupported_parameter",
                "'\"temperature\":\"warm\"'|temperature|invalid_value",
                "'\"temperature\":1.5'|temperature|invalid_value",
                "'\"top_p\":-0.1'|top_p|invalid_value",
                "'\"max_tokens\":501'|max_tokens|invalid_value",
                "'\"max_completion_tokens\":0'|max_completion_tokens|invalid_value",
                "'\"max_tokens\":10,\"max_completion_tokens\":20'|max_completion_tokens|invalid_value",
                "'\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]'|stop|invalid_value",
                "'\"stop\":7'|stop|invalid_value",
            })
    void aFieldThatCannotBeTakenIsRefusedByName(String extra, String param, String code) {
        HttpResponse<String> response = complete(ask("," + extra));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).contains(param.replace("stream_options.", ""));
        assertThat(TestApp.json(response).path("error").size()).isEqualTo(4);
        assertThat(app.requestLog(TestApp.requestId(response))
                        .path("errorParam")
                        .asText())
                .isEqualTo(param);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'[{\"role\":\"tool\",\"content\":\"x\",\"tool_call_id\":\"1\"}]'|messages[0].role|unsupported_value",
                "'[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x\"}}]}]'|messages[0].content[0].type|unsupported_value",
                "'[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"ada\"}]'|messages[0].name|unsupported_parameter",
                "'[{\"content\":\"hi\"}]'|messages[0].role|missing_required_parameter",
                "'[{\"role\":\"user\",\"content\":7}]'|messages[0].content|invalid_value",
                "'[]'|messages|invalid_value",
                "'\"hi\"'|messages|invalid_value",
                "'[{\"role\":\"assistant\",\"content\":\"I start\"},{\"role\":\"user\",\"content\":\"hi\"}]'|messages|invalid_value",
                "'[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"Sure, \"}]'|messages|invalid_value",
                "'[{\"role\":\"system\",\"content\":\"Only rules\"}]'|messages|invalid_value",
            })
    void aMessageThatCannotBeTakenIsRefusedByItsPath(String messages, String param, String code) {
        HttpResponse<String> response = complete("{\"model\":\"" + MODEL + "\",\"messages\":" + messages + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("code").asText()).isEqualTo(code);
    }

    @Test
    void consecutiveMessagesOfOneRoleBecomeOneTurn() {
        HttpResponse<String> response = complete("{\"model\":\"" + MODEL + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Part one\"},{\"role\":\"user\",\"content\":\"part two\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(response).at("/choices/0/message/content").asText())
                .isEqualTo(OfflineChatModel.replyTo("Part one\n\npart two"));
    }

    @Test
    void aMissingModelOrMessagesIsNamed() {
        JsonNode noModel = TestApp.json(complete("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        JsonNode noMessages = TestApp.json(complete("{\"model\":\"" + MODEL + "\"}"));

        assertThat(noModel.at("/error/param").asText()).isEqualTo("model");
        assertThat(noModel.at("/error/code").asText()).isEqualTo("missing_required_parameter");
        assertThat(noMessages.at("/error/param").asText()).isEqualTo("messages");
    }

    @Test
    void anUnknownModelIs404ModelNotFound() {
        HttpResponse<String> response =
                complete("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("not_found_error");
        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(error.path("param").asText()).isEqualTo("model");
        assertThat(error.path("message").asText()).contains("'gpt-4o'", "GET /v1/models");
        assertThat(app.artifacts().stream().map(a -> a.path("requestId").asText()))
                .doesNotContain(TestApp.requestId(response));
    }

    @Test
    void theApisOwnRefusalsTakeTheOpenAiShapeToo() {
        HttpResponse<String> unknownPath = app.get("/v1/embeddings");
        HttpResponse<String> wrongMethod = app.get("/v1/chat/completions");
        HttpResponse<String> notJson = app.postJson("/v1/chat/completions", ask(""), "Content-Type", "text/plain");
        HttpResponse<String> brokenJson = app.postJson("/v1/chat/completions", "{\"model\":");

        assertThat(unknownPath.statusCode()).isEqualTo(404);
        assertThat(TestApp.json(unknownPath).at("/error/type").asText()).isEqualTo("not_found_error");
        assertThat(TestApp.json(unknownPath).at("/error/code").asText()).isEqualTo("NotFound");
        assertThat(TestApp.json(unknownPath).at("/error/param").isNull()).isTrue();
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertThat(TestApp.json(wrongMethod).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(notJson.statusCode()).isEqualTo(415);
        assertThat(TestApp.json(notJson).at("/error/code").asText()).isEqualTo("UnsupportedMediaType");
        assertThat(brokenJson.statusCode()).isEqualTo(400);
        assertThat(TestApp.json(brokenJson).at("/error/code").asText()).isEqualTo("invalid_value");
        assertThat(TestApp.json(brokenJson).at("/error/message").asText()).contains("not valid JSON");
    }

    @Test
    void theChatApiKeepsItsOwnEnvelope() {
        HttpResponse<String> response = app.get("/api/nothing-here");

        assertThat(TestApp.json(response).at("/error/code").asText()).isEqualTo("NotFound");
        assertThat(TestApp.json(response).at("/error/requestId").asText()).isEqualTo(TestApp.requestId(response));
        assertThat(TestApp.json(response).at("/error/type").isMissingNode()).isTrue();
    }
}
