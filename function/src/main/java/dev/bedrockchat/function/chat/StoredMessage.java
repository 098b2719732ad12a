package dev.bedrockchat.function.chat;

import java.util.Objects;

/**
 * One message as kept in a conversation document.
 *
 * @param role    {@code user} or {@code assistant}
 * @param content the text
 * @param at      when it was written, ISO-8601 in UTC
 */
public record StoredMessage(String role, String content, String at) {
    public StoredMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(at, "at");
    }

    public ChatMessage toChatMessage() {
        return new ChatMessage(ChatMessage.Role.fromWireName(role), content);
    }
}
