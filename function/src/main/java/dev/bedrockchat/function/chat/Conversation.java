package dev.bedrockchat.function.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A conversation document ({@code conversations/<id>.json}): its messages in order and the principal that owns it.
 */
public record Conversation(
        String conversationId, Principal owner, String createdAt, String updatedAt, List<StoredMessage> messages) {
    public Conversation {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(owner, "owner");
        messages = List.copyOf(messages);
    }

    public static Conversation start(String conversationId, Principal owner, String now) {
        return new Conversation(conversationId, owner, now, now, List.of());
    }

    public Conversation withAppended(List<StoredMessage> added, String now) {
        var all = new ArrayList<StoredMessage>(messages.size() + added.size());
        all.addAll(messages);
        all.addAll(added);
        return new Conversation(conversationId, owner, createdAt, now, all);
    }

    /**
     * Whether the document already holds these messages: the same turn (a message with the same turn id, role, text
     * and time), as after a write that succeeded although its reply was lost and was then repeated.
     */
    public boolean holds(List<StoredMessage> added) {
        return !added.isEmpty() && added.getFirst().turn() != null && messages.contains(added.getFirst());
    }

    public boolean isOwnedBy(Principal principal) {
        return owner.equals(principal);
    }

    public List<ChatMessage> chatMessages() {
        return messages.stream().map(StoredMessage::toChatMessage).toList();
    }
}
