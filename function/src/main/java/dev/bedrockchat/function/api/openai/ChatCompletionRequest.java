package dev.bedrockchat.function.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.chat.ChatMessage;
import dev.bedrockchat.function.chat.CompletionRequest;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.InvalidCompletionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The body of {@code POST /v1/chat/completions}, read strictly: what Amazon Bedrock's Converse can do is taken, every
 * other field that would change the answer is refused (400 {@code unsupported_parameter}, naming it), never ignored.
 *
 * <ul>
 *   <li>Taken: {@code model}, {@code messages} ({@code system}/{@code developer}, {@code user}, {@code assistant};
 *       content as a string or as text parts), {@code max_tokens} / {@code max_completion_tokens},
 *       {@code temperature}, {@code top_p}, {@code stop}, {@code stream}, {@code stream_options.include_usage},
 *       {@code n} (only 1).
 *   <li>Ignored, as they do not change the answer: {@code user}, {@code safety_identifier},
 *       {@code prompt_cache_key}, {@code metadata}, {@code store}, {@code service_tier},
 *       {@code parallel_tool_calls} (without tools), {@code stream_options.include_obfuscation}.
 *   <li>Taken only at the value that changes nothing: {@code frequency_penalty} and {@code presence_penalty} 0,
 *       {@code logprobs} false, {@code top_logprobs} 0, {@code tools} and {@code logit_bias} empty,
 *       {@code tool_choice} {@code "none"}, {@code response_format} {@code {"type":"text"}}.
 *   <li>A field sent as {@code null} is as if it were not sent.
 * </ul>
 *
 * @param maxTokensParam the field the answer's length came in ({@code max_tokens} or {@code max_completion_tokens})
 */
public record ChatCompletionRequest(
        String model,
        String system,
        List<ChatMessage> messages,
        OptionalInt maxTokens,
        String maxTokensParam,
        Optional<Double> temperature,
        Optional<Double> topP,
        List<String> stop,
        boolean stream,
        boolean includeUsage) {

    private static final Set<String> IGNORED = Set.of(
            "user",
            "safety_identifier",
            "prompt_cache_key",
            "metadata",
            "store",
            "service_tier",
            "parallel_tool_calls");

    /** The fields taken only at the value that changes nothing, with that value as JSON. */
    private static final Map<String, String> NEUTRAL = Map.of(
            "frequency_penalty", "0",
            "presence_penalty", "0",
            "logprobs", "false",
            "top_logprobs", "0",
            "tools", "[]",
            "logit_bias", "{}",
            "tool_choice", "\"none\"",
            "response_format", "{\"type\":\"text\"}");

    private static final String EXAMPLE =
            "{\"model\":\"<id from GET /v1/models>\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    /**
     * @throws OpenAiInvalidRequest naming the first field that cannot be taken
     */
    public static ChatCompletionRequest read(JsonNode body) {
        String model = null;
        JsonNode messages = null;
        OptionalInt maxTokens = OptionalInt.empty();
        String maxTokensParam = "max_tokens";
        Optional<Double> temperature = Optional.empty();
        Optional<Double> topP = Optional.empty();
        List<String> stop = List.of();
        boolean stream = false;
        JsonNode streamOptions = null;
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull() || IGNORED.contains(name)) {
                continue;
            }
            switch (name) {
                case "model" -> model = text(value, name);
                case "messages" -> messages = value;
                case "max_tokens", "max_completion_tokens" -> {
                    int asked = integer(value, name);
                    if (maxTokens.isPresent() && maxTokens.getAsInt() != asked) {
                        throw new OpenAiInvalidRequest(
                                name,
                                OpenAiInvalidRequest.INVALID_VALUE,
                                "max_tokens and max_completion_tokens differ: send one of them");
                    }
                    maxTokens = OptionalInt.of(asked);
                    maxTokensParam = name;
                }
                case "temperature" -> temperature = Optional.of(number(value, name));
                case "top_p" -> topP = Optional.of(number(value, name));
                case "stop" -> stop = stop(value);
                case "stream" -> stream = bool(value, name);
                case "stream_options" -> streamOptions = value;
                case "n" -> {
                    if (!value.isIntegralNumber() || value.asLong() != 1) {
                        throw new OpenAiInvalidRequest(
                                "n",
                                OpenAiInvalidRequest.UNSUPPORTED_VALUE,
                                "n must be 1: this API answers with one choice; send several requests for more");
                    }
                }
                default -> neutral(name, value);
            }
        }
        if (model == null) {
            throw new OpenAiInvalidRequest(
                    "model",
                    OpenAiInvalidRequest.MISSING_REQUIRED_PARAMETER,
                    "model is required: send one of the ids GET /v1/models lists, such as " + EXAMPLE);
        }
        if (messages == null) {
            throw new OpenAiInvalidRequest(
                    "messages",
                    OpenAiInvalidRequest.MISSING_REQUIRED_PARAMETER,
                    "messages is required, such as " + EXAMPLE);
        }
        boolean includeUsage = streamOptions(streamOptions, stream);
        var system = new ArrayList<String>();
        var conversation = new ArrayList<ChatMessage>();
        readMessages(messages, system, conversation);
        return new ChatCompletionRequest(
                model,
                String.join("\n\n", system),
                conversation,
                maxTokens,
                maxTokensParam,
                temperature,
                topP,
                stop,
                stream,
                includeUsage);
    }

    /** The chat layer's command for this request. */
    public CompletionRequest command(String requestId, Optional<Deadline> timeLimit) {
        return new CompletionRequest(
                requestId, model, system, messages, maxTokens, temperature, topP, stop, stream, timeLimit);
    }

    /** The field of this request that a refusal of the chat layer is about. */
    public String param(InvalidCompletionException.Part part) {
        return switch (part) {
            case MESSAGES -> "messages";
            case MAX_TOKENS -> maxTokensParam;
            case TEMPERATURE -> "temperature";
            case TOP_P -> "top_p";
            case STOP -> "stop";
        };
    }

    private static void readMessages(JsonNode messages, List<String> system, List<ChatMessage> conversation) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw new OpenAiInvalidRequest(
                    "messages",
                    OpenAiInvalidRequest.INVALID_VALUE,
                    "messages must be a non-empty array, such as " + EXAMPLE);
        }
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw new OpenAiInvalidRequest(
                        at,
                        OpenAiInvalidRequest.INVALID_VALUE,
                        at + " must be an object such as {\"role\":\"user\",\"content\":\"Hello\"}");
            }
            JsonNode roleValue = message.path("role");
            if (roleValue.isMissingNode() || roleValue.isNull()) {
                throw new OpenAiInvalidRequest(
                        at + ".role",
                        OpenAiInvalidRequest.MISSING_REQUIRED_PARAMETER,
                        at + ".role is required: system, user or assistant");
            }
            String role = text(roleValue, at + ".role");
            if (!List.of("system", "developer", "user", "assistant").contains(role)) {
                throw new OpenAiInvalidRequest(
                        at + ".role",
                        OpenAiInvalidRequest.UNSUPPORTED_VALUE,
                        at + ".role '" + role + "' is not supported: use system, user or assistant (tool and "
                                + "function calls are not offered)");
            }
            String content = "";
            for (Map.Entry<String, JsonNode> field : message.properties()) {
                String name = field.getKey();
                JsonNode value = field.getValue();
                if (value.isNull() || name.equals("role")) {
                    continue;
                }
                if (!name.equals("content")) {
                    throw new OpenAiInvalidRequest(
                            at + "." + name,
                            OpenAiInvalidRequest.UNSUPPORTED_PARAMETER,
                            at + "." + name + " is not supported: a message has a role and a text content");
                }
                content = content(value, at + ".content");
            }
            switch (role) {
                case "user" -> conversation.add(ChatMessage.user(content));
                case "assistant" -> conversation.add(ChatMessage.assistant(content));
                default -> system.add(content);
            }
        }
    }

    /** A message's content: a string, or text parts (joined); any other part is refused. */
    private static String content(JsonNode value, String at) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (!value.isArray()) {
            throw new OpenAiInvalidRequest(
                    at,
                    OpenAiInvalidRequest.INVALID_VALUE,
                    at + " must be a string or an array of text parts ({\"type\":\"text\",\"text\":\"…\"})");
        }
        var text = new StringBuilder();
        for (int j = 0; j < value.size(); j++) {
            JsonNode part = value.get(j);
            String partAt = at + "[" + j + "]";
            String type = part.path("type").asText("");
            if (!type.equals("text")) {
                throw new OpenAiInvalidRequest(
                        partAt + ".type",
                        OpenAiInvalidRequest.UNSUPPORTED_VALUE,
                        partAt + " is a '" + type + "' part; only text parts are supported");
            }
            text.append(text(part.path("text"), partAt + ".text"));
        }
        return text.toString();
    }

    private static boolean streamOptions(JsonNode options, boolean stream) {
        if (options == null) {
            return false;
        }
        if (!stream) {
            throw new OpenAiInvalidRequest(
                    "stream_options",
                    OpenAiInvalidRequest.INVALID_VALUE,
                    "stream_options is only allowed with \"stream\": true");
        }
        if (!options.isObject()) {
            throw new OpenAiInvalidRequest(
                    "stream_options",
                    OpenAiInvalidRequest.INVALID_VALUE,
                    "stream_options must be an object such as {\"include_usage\":true}");
        }
        boolean includeUsage = false;
        for (Map.Entry<String, JsonNode> field : options.properties()) {
            String at = "stream_options." + field.getKey();
            if (field.getValue().isNull() || field.getKey().equals("include_obfuscation")) {
                continue;
            }
            if (!field.getKey().equals("include_usage")) {
                throw new OpenAiInvalidRequest(
                        at, OpenAiInvalidRequest.UNSUPPORTED_PARAMETER, at + " is not supported: use include_usage");
            }
            includeUsage = bool(field.getValue(), at);
        }
        return includeUsage;
    }

    private static void neutral(String name, JsonNode value) {
        String neutral = NEUTRAL.get(name);
        if (neutral == null) {
            throw new OpenAiInvalidRequest(
                    name,
                    OpenAiInvalidRequest.UNSUPPORTED_PARAMETER,
                    name + " is not supported by this API (Amazon Bedrock has no equivalent): leave it out");
        }
        boolean changesNothing = switch (name) {
            case "frequency_penalty", "presence_penalty", "top_logprobs" -> value.isNumber() && value.asDouble() == 0.0;
            case "response_format" ->
                value.isObject()
                        && value.size() == 1
                        && value.path("type").asText().equals("text");
            default -> value.toString().equals(neutral);
        };
        if (!changesNothing) {
            throw new OpenAiInvalidRequest(
                    name,
                    OpenAiInvalidRequest.UNSUPPORTED_PARAMETER,
                    name + " is not supported by this API except as " + neutral + ": leave it out");
        }
    }

    private static List<String> stop(JsonNode value) {
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (value.isArray()) {
            var stops = new ArrayList<String>();
            for (JsonNode stop : value) {
                if (!stop.isTextual()) {
                    throw new OpenAiInvalidRequest(
                            "stop", OpenAiInvalidRequest.INVALID_VALUE, "stop must be a string or an array of strings");
                }
                stops.add(stop.asText());
            }
            return stops;
        }
        throw new OpenAiInvalidRequest(
                "stop", OpenAiInvalidRequest.INVALID_VALUE, "stop must be a string or an array of strings");
    }

    private static String text(JsonNode value, String name) {
        if (!value.isTextual()) {
            throw new OpenAiInvalidRequest(name, OpenAiInvalidRequest.INVALID_VALUE, name + " must be a string");
        }
        return value.asText();
    }

    private static int integer(JsonNode value, String name) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new OpenAiInvalidRequest(name, OpenAiInvalidRequest.INVALID_VALUE, name + " must be a whole number");
        }
        return value.asInt();
    }

    private static double number(JsonNode value, String name) {
        if (!value.isNumber()) {
            throw new OpenAiInvalidRequest(name, OpenAiInvalidRequest.INVALID_VALUE, name + " must be a number");
        }
        return value.asDouble();
    }

    private static boolean bool(JsonNode value, String name) {
        if (!value.isBoolean()) {
            throw new OpenAiInvalidRequest(name, OpenAiInvalidRequest.INVALID_VALUE, name + " must be true or false");
        }
        return value.asBoolean();
    }
}
