package dev.bedrockchat.function.chat;

/**
 * The port to a language model: Amazon Bedrock, or the offline stand-in. Every call ends by the request's
 * {@linkplain ModelRequest#deadline() deadline}: past it the call is cancelled and
 * {@link ChatException#answerTimeout} is thrown (also after some deltas of a stream).
 */
public interface ChatModel {

    /** {@code bedrock} or {@code offline}: reported by health, logs and artifacts. */
    String mode();

    /**
     * Answers in one piece.
     *
     * @throws ChatException with a model error code when the model cannot answer
     */
    ModelReply converse(ModelRequest request);

    /**
     * Answers as a stream, reported to the listener on the calling thread: {@link DeltaListener#onOpen()} when the
     * model's stream has opened, then every text delta as soon as it arrives; the call returns when the answer is
     * complete.
     *
     * @throws ChatException with a model error code when the model cannot answer: before the stream opened (nothing
     *     was reported to the listener), or after it opened (also after some deltas)
     * @throws ClientDisconnectedException when the listener reported that the client went away
     */
    ModelReply converseStream(ModelRequest request, DeltaListener listener);
}
