package dev.bedrockchat.function.chat;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * A failure the caller is told about: an error code, a message that says what happened and what to do, and for a
 * failed model call the {@linkplain ErrorReason reason} an operator acts on. The message is written for the client; it
 * never carries exception class names or stack traces.
 *
 * <p>The adapter that raised it may attach {@linkplain #diagnostics() diagnostics}: plain fields for the operators'
 * log line (the failure's class, an AWS error code and request id, …), never shown to the client.
 */
public final class ChatException extends RuntimeException {
    private final ErrorCode code;
    private final Optional<ErrorReason> reason;
    private final OptionalInt retryAfterSeconds;
    private final Map<String, String> diagnostics;
    private final Optional<Instant> resetsAt;

    public ChatException(ErrorCode code, String message) {
        this(code, message, OptionalInt.empty(), null);
    }

    public ChatException(ErrorCode code, String message, OptionalInt retryAfterSeconds, Throwable cause) {
        this(code, message, Optional.empty(), retryAfterSeconds, cause, Map.of());
    }

    /**
     * @param diagnostics fields for the operators' log line, in the order given
     */
    public ChatException(
            ErrorCode code,
            String message,
            Optional<ErrorReason> reason,
            OptionalInt retryAfterSeconds,
            Throwable cause,
            Map<String, String> diagnostics) {
        this(code, message, reason, retryAfterSeconds, cause, diagnostics, Optional.empty());
    }

    private ChatException(
            ErrorCode code,
            String message,
            Optional<ErrorReason> reason,
            OptionalInt retryAfterSeconds,
            Throwable cause,
            Map<String, String> diagnostics,
            Optional<Instant> resetsAt) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.resetsAt = resetsAt;
        this.code = Objects.requireNonNull(code, "code");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfterSeconds = Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
        this.diagnostics = Collections.unmodifiableMap(new LinkedHashMap<>(diagnostics));
    }

    public static ChatException validation(String message) {
        return new ChatException(ErrorCode.VALIDATION_ERROR, message);
    }

    public static ChatException notFound(String message) {
        return new ChatException(ErrorCode.NOT_FOUND, message);
    }

    /** A failure nobody foresaw: the client is told only to try again and to quote the request id. */
    public static ChatException internal(Throwable cause) {
        return internal(cause, Map.of("errorCause", cause.getClass().getName()));
    }

    /** {@link #internal(Throwable)} with the diagnostics its adapter found (an AWS request id, say). */
    public static ChatException internal(Throwable cause, Map<String, String> diagnostics) {
        return new ChatException(
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong on our side; try again, and quote the request id if it keeps happening",
                Optional.empty(),
                OptionalInt.empty(),
                cause,
                diagnostics);
    }

    /** How long a client is asked to wait before trying again when the storage could not be reached. */
    public static final int STORAGE_RETRY_AFTER_SECONDS = 5;

    /**
     * The conversation storage could not be read or written (down, answering with errors, too slow), with the
     * diagnostics its adapter found (for the log line).
     */
    public static ChatException storageUnavailable(Throwable cause, Map<String, String> diagnostics) {
        return new ChatException(
                ErrorCode.STORAGE_UNAVAILABLE,
                "The conversation storage cannot be reached right now, so nothing was sent to the model and nothing "
                        + "was changed; try again in a few seconds",
                Optional.empty(),
                OptionalInt.of(STORAGE_RETRY_AFTER_SECONDS),
                cause,
                diagnostics);
    }

    /**
     * The person has used their daily quota: the model was not called. The message names the limit.
     *
     * @param retryAfterSeconds the seconds to {@code resetsAt}
     * @param resetsAt          the next midnight UTC, when the quota starts again
     */
    public static ChatException quotaExceeded(String message, int retryAfterSeconds, Instant resetsAt) {
        return new ChatException(
                ErrorCode.QUOTA_EXCEEDED,
                message,
                Optional.empty(),
                OptionalInt.of(retryAfterSeconds),
                null,
                Map.of(),
                Optional.of(resetsAt));
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
                Optional.of(ErrorReason.TIMEOUT),
                OptionalInt.empty(),
                cause,
                Map.of("errorCause", cause.getClass().getName()));
    }

    public ErrorCode code() {
        return code;
    }

    /** Why a model call failed; empty for errors that are not about a model call (bad input, say). */
    public Optional<ErrorReason> reason() {
        return reason;
    }

    /** For {@link ErrorCode#QUOTA_EXCEEDED}: when the quota starts again (the next midnight UTC). */
    public Optional<Instant> resetsAt() {
        return resetsAt;
    }

    /**
     * For {@link ErrorCode#THROTTLED}, {@link ErrorCode#QUOTA_EXCEEDED}, {@link ErrorCode#MODEL_BUSY} and {@link ErrorCode#STORAGE_UNAVAILABLE}: how long
     * the client should wait before trying again.
     */
    public OptionalInt retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * What the operators need to follow the failure up, for the request's log line (never for the client): for
     * example {@code errorCause} (the failure's class), {@code awsErrorCode}, {@code awsRequestId}. Empty when the
     * raiser attached none.
     */
    public Map<String, String> diagnostics() {
        return diagnostics;
    }
}
