package dev.bedrockchat.function.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One message as kept in a conversation document.
 *
 * @param role          {@code user} or {@code assistant}
 * @param content       the text
 * @param at            when it was written, ISO-8601 in UTC; a user message's time is its turn's arrival, by which
 *                      turns are ordered
 * @param turn          the request id of the turn that wrote it (both messages of a turn carry the same), so that a
 *                      write repeated after it had in fact succeeded is recognised; absent in documents written
 *                      before it existed. Kept in storage only, not shown by the API.
 * @param partial       {@code true} on an answer that stopped before it was complete; absent otherwise
 * @param partialReason why it stopped ({@link PartialReason#wireName()}), with {@code partial}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredMessage(
        String role, String content, String at, String turn, Boolean partial, String partialReason) {
    public StoredMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(at, "at");
        if (Boolean.FALSE.equals(partial)) {
            partial = null;
        }
    }

    /** A complete message. */
    public StoredMessage(String role, String content, String at, String turn) {
        this(role, content, at, turn, null, null);
    }

    /** An answer that stopped before it was complete. */
    public static StoredMessage partialAnswer(String content, String at, String turn, PartialReason reason) {
        return new StoredMessage(
                ChatMessage.Role.ASSISTANT.wireName(), content, at, turn, Boolean.TRUE, reason.wireName());
    }

    /** Whether this is an answer that stopped before it was complete. */
    public boolean incomplete() {
        return Boolean.TRUE.equals(partial);
    }

    public ChatMessage toChatMessage() {
        return new ChatMessage(ChatMessage.Role.fromWireName(role), content);
    }
}
