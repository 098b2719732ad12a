package dev.bedrockchat.function.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One message as kept in a conversation document.
 *
 * @param role    {@code user} or {@code assistant}
 * @param content the text
 * @param at      when it was written, ISO-8601 in UTC
 * @param turn    the request id of the turn that wrote it (both messages of a turn carry the same), so that a write
 *                repeated after it had in fact succeeded is recognised; absent in documents written before it existed.
 *                Kept in storage only, not shown by the API.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredMessage(String role, String content, String at, String turn) {
    public StoredMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(at, "at");
    }

    public ChatMessage toChatMessage() {
        return new ChatMessage(ChatMessage.Role.fromWireName(role), content);
    }
}
