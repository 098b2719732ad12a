package dev.bedrockchat.function.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.ChatCommand;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatListener;
import dev.bedrockchat.function.chat.ChatResult;
import dev.bedrockchat.function.chat.ChatService;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /api/chat}: one turn, answered whole (JSON) or streamed (server-sent events).
 *
 * <p>The event stream (200) is committed only when the model's stream has opened: a failure before that (throttling,
 * access, a timeout before the first event, an unknown conversation, a storage that cannot be read) is answered with
 * its own status and envelope, as for JSON. The answer says whether the turn was stored ({@code stored}).
 */
final class ChatHandler {
    private static final String EXAMPLE = "{\"message\":\"your question\"}";

    private final ChatService chat;
    private final ResponseBodies bodies;
    private final ObjectMapper mapper;

    ChatHandler(ChatService chat, ResponseBodies bodies, ObjectMapper mapper) {
        this.chat = chat;
        this.bodies = bodies;
        this.mapper = mapper;
    }

    void post(Exchange x) throws IOException {
        x.log("streamed", false);
        x.log("model", null);
        JsonNode json = RequestBodies.jsonObject(x.request(), mapper, Api.MAX_BODY_BYTES, EXAMPLE);
        boolean streamed = x.request()
                .header("Accept")
                .map(accept -> accept.toLowerCase(Locale.ROOT).contains("text/event-stream"))
                .orElse(false);
        var command = new ChatCommand(
                x.requestId(),
                optionalText(json, "message").orElse(null),
                optionalText(json, "conversationId"),
                optionalText(json, "modelId"),
                streamed,
                x.request().timeLimit(),
                Optional.of(x.meteredPerson()));
        x.log("streamed", streamed);
        if (streamed) {
            record(x, chat.chat(x.principal(), command, new StreamListener(x)));
            x.finishEvents();
        } else {
            ChatResult result = chat.chat(x.principal(), command, new TurnListener(x));
            record(x, result);
            x.sendJson(200, bodies.chatReply(result));
        }
    }

    private static void record(Exchange x, ChatResult result) {
        x.log("stored", result.stored());
        x.log("inputTokens", result.usage() == null ? null : result.usage().inputTokens());
        x.log("outputTokens", result.usage() == null ? null : result.usage().outputTokens());
        x.log("costUsd", result.costUsd());
        x.log("stopReason", result.stopReason());
        x.log("timeToFirstTokenMs", result.timeToFirstTokenMs());
    }

    private static Optional<String> optionalText(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ChatException.validation(field + " must be a string");
        }
        return Optional.of(value.asText());
    }

    /** Notes the model of the turn for the request's log line. */
    private static class TurnListener implements ChatListener {
        final Exchange x;

        TurnListener(Exchange x) {
            this.x = x;
        }

        @Override
        public void accepted(String conversationId, String modelId) {
            x.log("model", modelId);
        }
    }

    /** Turns the answer into events: start once the model's stream has opened, each delta, done. */
    private final class StreamListener extends TurnListener {
        StreamListener(Exchange x) {
            super(x);
        }

        @Override
        public void started(String conversationId, String title, String modelId) {
            x.startEvents();
            x.event("start", bodies.streamStart(conversationId, title, modelId));
        }

        @Override
        public void delta(String text) {
            x.event(null, bodies.streamDelta(text));
        }

        @Override
        public void completed(ChatResult result) {
            x.event("done", bodies.streamDone(result));
        }
    }
}
