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
     * arrived). A model may report it more than once, or after the first delta, or not at all: the caller takes the
     * first of {@code onOpen} and {@link #onDelta} as the opening. A failure reported before the opening means that
     * the model never answered; a failure after it happened mid-answer.
     */
    default void onOpen() {}

    /** The next piece of the answer's text. */
    void onDelta(String text);
}
