package dev.bedrockchat.function.api.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.chat.CompletionResult;
import dev.bedrockchat.function.chat.ModelCatalog;
import dev.bedrockchat.function.chat.Usage;

/**
 * The bodies of {@code /v1} in the OpenAI API's shapes: the model list, a {@code chat.completion}, and the
 * {@code chat.completion.chunk}s of a stream. Every completion of one request shares its id ({@code chatcmpl-} and
 * the request id) and its {@code created} time (Unix seconds).
 */
public final class OpenAiBodies {
    private final ObjectMapper mapper;

    public OpenAiBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The id of a request's completion. */
    public static String completionId(String requestId) {
        return "chatcmpl-" + requestId;
    }

    /** {@code GET /v1/models}: the catalog's models, the default first. */
    public ObjectNode models(ModelCatalog catalog) {
        ObjectNode body = mapper.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (ModelCatalog.Model model : catalog.models()) {
            data.addObject()
                    .put("id", model.id())
                    .put("object", "model")
                    .put("created", 0)
                    .put("owned_by", "bedrock");
        }
        return body;
    }

    /** {@code POST /v1/chat/completions}, answered whole. */
    public ObjectNode completion(String requestId, long created, CompletionResult result) {
        ObjectNode body = head(requestId, created, result.modelId(), "chat.completion");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.putObject("message")
                .put("role", "assistant")
                .put("content", result.text())
                .putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", FinishReasons.of(result.stopReason()));
        body.set("usage", usage(result.usage()));
        return body;
    }

    /** The first chunk of a stream: the assistant's role, no text yet. */
    public ObjectNode roleChunk(String requestId, long created, String modelId, boolean includeUsage) {
        ObjectNode chunk = chunk(requestId, created, modelId, includeUsage);
        choice(chunk)
                .put("index", 0)
                .<ObjectNode>set(
                        "delta",
                        mapper.createObjectNode().put("role", "assistant").put("content", ""))
                .putNull("logprobs")
                .putNull("finish_reason");
        return chunk;
    }

    /** A chunk with a piece of the answer. */
    public ObjectNode contentChunk(String requestId, long created, String modelId, boolean includeUsage, String text) {
        ObjectNode chunk = chunk(requestId, created, modelId, includeUsage);
        choice(chunk)
                .put("index", 0)
                .<ObjectNode>set("delta", mapper.createObjectNode().put("content", text))
                .putNull("logprobs")
                .putNull("finish_reason");
        return chunk;
    }

    /** The chunk that ends the choice: an empty delta and why the answer ended. */
    public ObjectNode finishChunk(
            String requestId, long created, String modelId, boolean includeUsage, String stopReason) {
        ObjectNode chunk = chunk(requestId, created, modelId, includeUsage);
        choice(chunk)
                .put("index", 0)
                .<ObjectNode>set("delta", mapper.createObjectNode())
                .putNull("logprobs")
                .put("finish_reason", FinishReasons.of(stopReason));
        return chunk;
    }

    /** With {@code stream_options.include_usage}: the last chunk, no choices, the usage of the whole answer. */
    public ObjectNode usageChunk(String requestId, long created, String modelId, Usage usage) {
        ObjectNode chunk = head(requestId, created, modelId, "chat.completion.chunk");
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return chunk;
    }

    private static ObjectNode choice(ObjectNode chunk) {
        return ((ArrayNode) chunk.get("choices")).addObject();
    }

    private ObjectNode chunk(String requestId, long created, String modelId, boolean includeUsage) {
        ObjectNode chunk = head(requestId, created, modelId, "chat.completion.chunk");
        chunk.putArray("choices");
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private ObjectNode head(String requestId, long created, String modelId, String object) {
        return mapper.createObjectNode()
                .put("id", completionId(requestId))
                .put("object", object)
                .put("created", created)
                .put("model", modelId);
    }

    private ObjectNode usage(Usage usage) {
        Usage counted = usage == null ? Usage.NONE : usage;
        return mapper.createObjectNode()
                .put("prompt_tokens", counted.inputTokens())
                .put("completion_tokens", counted.outputTokens())
                .put("total_tokens", (long) counted.inputTokens() + counted.outputTokens());
    }
}
