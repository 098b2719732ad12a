package dev.bedrockchat.function.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatService;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationQuery;
import dev.bedrockchat.function.chat.ConversationSummary;
import dev.bedrockchat.function.chat.ListCursor;
import dev.bedrockchat.function.http.ContentTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/conversations}: the caller's own conversations, listed (paged, searchable), read, renamed, exported and
 * deleted. Another person's conversation is never found (404), whatever the route.
 */
final class ConversationsHandler {
    private static final String RENAME_EXAMPLE = "{\"title\":\"a new title\"}";

    private final ChatService chat;
    private final ResponseBodies bodies;
    private final ObjectMapper mapper;
    private final Clock clock;

    ConversationsHandler(ChatService chat, ResponseBodies bodies, ObjectMapper mapper, Clock clock) {
        this.chat = chat;
        this.bodies = bodies;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** {@code GET /api/conversations?limit=&cursor=&q=}. */
    void list(Exchange x) throws IOException {
        int limit = x.request()
                .queryParameter("limit")
                .map(ConversationsHandler::limit)
                .orElse(ConversationQuery.DEFAULT_LIMIT);
        Optional<ListCursor> cursor = x.request().queryParameter("cursor").map(ListCursor::decode);
        Optional<String> text = x.request().queryParameter("q");
        var query = new ConversationQuery(limit, cursor, text);
        x.sendJson(200, bodies.conversations(chat.conversations(x.principal(), query)));
    }

    void get(Exchange x) throws IOException {
        x.sendJson(200, bodies.conversation(existing(x)));
    }

    /** {@code PATCH /api/conversations/{id}} with {@code {"title":…}}. */
    void rename(Exchange x) throws IOException {
        String id = conversationId(x);
        JsonNode body = RequestBodies.jsonObject(x.request(), mapper, Api.MAX_BODY_BYTES, RENAME_EXAMPLE);
        JsonNode title = body.get("title");
        if (title == null || !title.isTextual()) {
            throw ChatException.validation("title is required and must be a string: send " + RENAME_EXAMPLE);
        }
        ConversationSummary renamed =
                chat.rename(x.principal(), id, title.textValue()).orElseThrow(ConversationsHandler::notFound);
        x.sendJson(200, bodies.summary(renamed));
    }

    /** {@code GET /api/conversations/{id}/export?format=markdown|json}: a file to download. */
    void export(Exchange x) throws IOException {
        String format = x.request().queryParameter("format").orElse("markdown");
        if (!format.equals("markdown") && !format.equals("json")) {
            throw ChatException.validation("format must be markdown or json");
        }
        Conversation conversation = existing(x);
        Instant now = clock.instant();
        var headers = new LinkedHashMap<String, String>();
        byte[] body;
        if (format.equals("json")) {
            headers.put("Content-Type", ContentTypes.JSON);
            headers.put("Content-Disposition", attachment(conversation, "json"));
            body = mapper.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(bodies.conversationExport(conversation, now.toString()));
        } else {
            headers.put("Content-Type", "text/markdown; charset=utf-8");
            headers.put("Content-Disposition", attachment(conversation, "md"));
            body = MarkdownExport.render(conversation, now).getBytes(StandardCharsets.UTF_8);
        }
        x.send(200, headers, body);
    }

    void delete(Exchange x) throws IOException {
        if (!chat.deleteConversation(x.principal(), conversationId(x))) {
            throw notFound();
        }
        x.send(204, Map.of(), new byte[0]);
    }

    /** {@code DELETE /api/conversations}: every conversation of the caller. */
    void deleteAll(Exchange x) throws IOException {
        x.sendJson(200, bodies.deleted(chat.deleteConversations(x.principal())));
    }

    private Conversation existing(Exchange x) {
        return chat.conversation(x.principal(), conversationId(x)).orElseThrow(ConversationsHandler::notFound);
    }

    private static String attachment(Conversation conversation, String extension) {
        return "attachment; filename=\"conversation-" + conversation.conversationId() + "." + extension + "\"";
    }

    private static int limit(String value) {
        if (!value.matches("\\d{1,3}")) {
            throw ChatException.validation("limit must be a whole number from " + ConversationQuery.MIN_LIMIT + " to "
                    + ConversationQuery.MAX_LIMIT);
        }
        return Integer.parseInt(value);
    }

    private static ChatException notFound() {
        return ChatException.notFound("No such conversation: it may have been deleted");
    }

    private static String conversationId(Exchange x) {
        try {
            return x.pathParameter("conversationId");
        } catch (ChatException malformed) {
            throw ChatException.validation("conversation id must be a UUID");
        }
    }
}
