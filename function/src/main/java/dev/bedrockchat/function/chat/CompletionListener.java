package dev.bedrockchat.function.chat;

/**
 * Follows one completion as it happens; a streaming transport turns these calls into events. Every method is called
 * on the request's thread; an implementation may throw {@link ClientDisconnectedException}.
 */
public interface CompletionListener {

    /**
     * The answer has begun: for a streamed answer once the model's stream has opened (so that a failure before it can
     * still be answered with its own status), for a whole answer before the model is called. Called at most once,
     * before any delta.
     */
    default void started(String modelId) {}

    /** A piece of the answer arrived from the model. */
    default void delta(String text) {}
}
