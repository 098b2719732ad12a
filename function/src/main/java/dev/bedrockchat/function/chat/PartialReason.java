package dev.bedrockchat.function.chat;

/** Why a stored answer is not complete: the value of {@code partialReason} beside {@code "partial": true}. */
public enum PartialReason {
    /** The client went away while the answer was streamed to it. */
    CLIENT_DISCONNECTED("client_disconnected"),
    /** The answer was not complete by its deadline (ANSWER_TIMEOUT_SECONDS, or the time left to the invocation). */
    ANSWER_TIMEOUT("answer_timeout"),
    /** The model went quiet mid-answer for longer than MODEL_TIMEOUT_SECONDS. */
    MODEL_TIMEOUT("model_timeout"),
    /** The model call failed mid-answer (a model error, the connection broke). */
    MODEL_ERROR("model_error"),
    /** The model stopped at the answer's token limit (MAX_TOKENS). */
    MAX_TOKENS("max_tokens");

    private final String wireName;

    PartialReason(String wireName) {
        this.wireName = wireName;
    }

    /** The value of {@code partialReason} in the API and in stored documents. */
    public String wireName() {
        return wireName;
    }
}
