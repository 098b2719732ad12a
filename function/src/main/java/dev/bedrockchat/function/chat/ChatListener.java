package dev.bedrockchat.function.chat;

/**
 * Follows one chat turn as it happens; a streaming transport turns these calls into events. Every method is called
 * on the request's thread; an implementation may throw {@link ClientDisconnectedException}.
 */
public interface ChatListener {

    /** The request is valid and the model is about to be called. */
    default void accepted(String conversationId, String modelId) {}

    /**
     * The answer has begun: for a streamed answer once the model's stream has opened (so a failure before it is not
     * part of the answer), for a whole answer right after {@link #accepted}. Called at most once, before any delta.
     *
     * @param title the conversation's title (for a new conversation, the one its first message gives it)
     */
    default void started(String conversationId, String title, String modelId) {}

    /** A piece of the answer arrived from the model. */
    default void delta(String text) {}

    /** The answer is complete, and the turn stored in the conversation unless {@link ChatResult#stored()} says not. */
    default void completed(ChatResult result) {}
}
