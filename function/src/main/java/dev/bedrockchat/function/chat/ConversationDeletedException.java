package dev.bedrockchat.function.chat;

/** A turn ended after its conversation was deleted: the turn is not stored (its artifact still is). */
public final class ConversationDeletedException extends RuntimeException {
    public ConversationDeletedException(String conversationId) {
        super("Conversation " + conversationId + " was deleted");
    }
}
