package dev.bedrockchat.function.chat;

/**
 * A turn ended after its conversation was deleted (or it no longer exists): the turn is not stored in it (its artifact
 * still keeps it).
 */
public final class ConversationDeletedException extends RuntimeException {
    public ConversationDeletedException(String conversationId) {
        super("Conversation " + conversationId + " was deleted");
    }
}
