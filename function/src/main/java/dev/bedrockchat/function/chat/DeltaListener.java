package dev.bedrockchat.function.chat;

/**
 * Receives a streamed answer as the model produces it: first that the stream has opened, then its text piece by
 * piece. Both are called on the thread that called the model. Either may throw {@link ClientDisconnectedException},
 * which makes the model adapter cancel the call and rethrow it.
 */
@FunctionalInterface
public interface DeltaListener {

    /**
     * The model accepted the call and its answer stream has opened (for Amazon Bedrock: the ConverseStream response
     * arrived). Called at most once, before any delta. A failure reported before it means that the model never
     * answered; a failure after it happened mid-answer.
     */
    default void onOpen() {
    }

    /** The next piece of the answer's text. */
    void onDelta(String text);
}
