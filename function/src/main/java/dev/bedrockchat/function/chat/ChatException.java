package dev.bedrockchat.function.chat;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * A failure the caller is told about: an error code and a message that says what happened and what to do. The message
 * is written for the client; it never carries exception class names or stack traces.
 */
public final class ChatException extends RuntimeException {
    private final ErrorCode code;
    private final OptionalInt retryAfterSeconds;

    public ChatException(ErrorCode code, String message) {
        this(code, message, OptionalInt.empty(), null);
    }

    public ChatException(ErrorCode code, String message, OptionalInt retryAfterSeconds, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfterSeconds = Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
    }

    public static ChatException validation(String message) {
        return new ChatException(ErrorCode.VALIDATION_ERROR, message);
    }

    public static ChatException notFound(String message) {
        return new ChatException(ErrorCode.NOT_FOUND, message);
    }

    /** {@link #answerTimeout(String, Throwable)} found by the model adapter's own check of the deadline. */
    public static ChatException answerTimeout(String modelId) {
        return answerTimeout(modelId, new TimeoutException("answer deadline passed"));
    }

    /**
     * The answer was not complete by its deadline (ANSWER_TIMEOUT_SECONDS, or the time left to the invocation) and
     * was cancelled.
     */
    public static ChatException answerTimeout(String modelId, Throwable cause) {
        return new ChatException(
                ErrorCode.MODEL_TIMEOUT,
                "The answer of " + modelId + " was not complete within the "
                        + "time allowed for one answer (ANSWER_TIMEOUT_SECONDS) and was stopped; ask for a shorter answer, or "
                        + "split the question",
                OptionalInt.empty(),
                cause);
    }

    public ErrorCode code() {
        return code;
    }

    /** For {@link ErrorCode#THROTTLED}: how long the client should wait before trying again. */
    public OptionalInt retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
