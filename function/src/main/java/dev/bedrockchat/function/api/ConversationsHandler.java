package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatService;
import dev.bedrockchat.function.chat.Conversation;
import java.io.IOException;
import java.util.Map;

/** {@code GET} and {@code DELETE /api/conversations/{conversationId}}: the caller's own conversations. */
final class ConversationsHandler {
    private final ChatService chat;
    private final ResponseBodies bodies;

    ConversationsHandler(ChatService chat, ResponseBodies bodies) {
        this.chat = chat;
        this.bodies = bodies;
    }

    void get(Exchange x) throws IOException {
        Conversation conversation = chat.conversation(x.principal(), conversationId(x))
                .orElseThrow(() -> ChatException.notFound("No such conversation: it may have been deleted"));
        x.sendJson(200, bodies.conversation(conversation));
    }

    void delete(Exchange x) throws IOException {
        chat.deleteConversation(x.principal(), conversationId(x));
        x.send(204, Map.of(), new byte[0]);
    }

    private static String conversationId(Exchange x) {
        try {
            return x.pathParameter("conversationId");
        } catch (ChatException malformed) {
            throw ChatException.validation("conversation id must be a UUID");
        }
    }
}
