package dev.bedrockchat.function.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.api.openai.ChatCompletionRequest;
import dev.bedrockchat.function.api.openai.OpenAiBodies;
import dev.bedrockchat.function.api.openai.OpenAiInvalidRequest;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.CompletionListener;
import dev.bedrockchat.function.chat.CompletionResult;
import dev.bedrockchat.function.chat.CompletionService;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.InvalidCompletionException;
import java.io.IOException;
import java.time.Clock;

/**
 * The OpenAI-compatible API for programs: {@code GET /v1/models} and {@code POST /v1/chat/completions}, answered
 * whole ({@code chat.completion}) or streamed ({@code data: {chat.completion.chunk}} … {@code data: [DONE]}).
 *
 * <p>A stream (200) is committed only once the model's stream has opened, so a failure before that is answered with
 * its own status, as for a whole answer. It begins with a chunk carrying the assistant's role, carries the answer's
 * pieces, ends its choice with a chunk carrying {@code finish_reason}, and with
 * {@code stream_options.include_usage} adds a last chunk without choices carrying the usage.
 */
final class OpenAiHandler {
    private static final String EXAMPLE =
            "{\"model\":\"<id from GET /v1/models>\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    private final CompletionService completions;
    private final OpenAiBodies bodies;
    private final ObjectMapper mapper;
    private final Clock clock;

    OpenAiHandler(CompletionService completions, ObjectMapper mapper, Clock clock) {
        this.completions = completions;
        this.bodies = new OpenAiBodies(mapper);
        this.mapper = mapper;
        this.clock = clock;
    }

    void models(Exchange x) throws IOException {
        x.log("api", "openai");
        x.sendJson(200, bodies.models(completions.catalog()));
    }

    void completions(Exchange x) throws IOException {
        x.log("api", "openai");
        x.log("streamed", false);
        x.log("model", null);
        JsonNode json = RequestBodies.jsonObject(x.request(), mapper, Api.MAX_BODY_BYTES, EXAMPLE);
        ChatCompletionRequest request = ChatCompletionRequest.read(json);
        if (completions.catalog().models().stream()
                .noneMatch(model -> model.id().equals(request.model()))) {
            throw new ChatException(
                    ErrorCode.MODEL_NOT_ALLOWED,
                    "The model '" + Api.safePath(request.model())
                            + "' does not exist here or is not enabled for this deployment: use one of the ids "
                            + "GET /v1/models lists");
        }
        x.log("model", request.model());
        x.log("streamed", request.stream());
        long created = clock.instant().getEpochSecond();
        String id = x.requestId();
        CompletionResult result;
        try {
            if (request.stream()) {
                result = completions.complete(
                        x.principal(),
                        x.meteredPerson(),
                        request.command(id, x.request().timeLimit()),
                        new CompletionListener() {
                            @Override
                            public void started(String modelId) {
                                x.startEvents();
                                x.event(null, bodies.roleChunk(id, created, modelId, request.includeUsage()));
                            }

                            @Override
                            public void delta(String text) {
                                x.event(
                                        null,
                                        bodies.contentChunk(
                                                id, created, request.model(), request.includeUsage(), text));
                            }
                        });
                x.event(
                        null,
                        bodies.finishChunk(id, created, result.modelId(), request.includeUsage(), result.stopReason()));
                if (request.includeUsage()) {
                    x.event(null, bodies.usageChunk(id, created, result.modelId(), result.usage()));
                }
                record(x, result);
                x.finishEvents();
            } else {
                result = completions.complete(
                        x.principal(),
                        x.meteredPerson(),
                        request.command(id, x.request().timeLimit()),
                        new CompletionListener() {});
                record(x, result);
                x.sendJson(200, bodies.completion(id, created, result));
            }
        } catch (InvalidCompletionException e) {
            String param = request.param(e.part());
            throw new OpenAiInvalidRequest(param, OpenAiInvalidRequest.INVALID_VALUE, param + ": " + e.getMessage());
        }
    }

    private static void record(Exchange x, CompletionResult result) {
        x.log("inputTokens", result.usage() == null ? null : result.usage().inputTokens());
        x.log("outputTokens", result.usage() == null ? null : result.usage().outputTokens());
        x.log("stopReason", result.stopReason());
        x.log("timeToFirstTokenMs", result.timeToFirstTokenMs());
    }
}
