package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ErrorCode;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every error the API answers with, in one table: the code of the envelope, its HTTP status and the header that goes
 * with it. The chat service's codes ({@link ErrorCode}) each have their row; the rows without one belong to the
 * transport alone: a method, a body, a token or a way in the API refuses before any chat logic runs, and the
 * requests the HTTP server refuses before any route (too slow, too long a request line, too many or too large header
 * fields, what it does not implement, no room for another connection, another HTTP version).
 */
public enum HttpError {
    VALIDATION_ERROR(ErrorCode.VALIDATION_ERROR, 400),
    MODEL_NOT_ALLOWED(ErrorCode.MODEL_NOT_ALLOWED, 400),
    UNAUTHORIZED("Unauthorized", 401),
    FORBIDDEN("Forbidden", 403),
    NOT_FOUND(ErrorCode.NOT_FOUND, 404),
    CONFLICT(ErrorCode.CONFLICT, 409),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405),
    REQUEST_TIMEOUT("RequestTimeout", 408),
    PAYLOAD_TOO_LARGE("PayloadTooLarge", 413),
    URI_TOO_LONG("UriTooLong", 414),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaType", 415),
    HEADERS_TOO_LARGE("HeadersTooLarge", 431),
    THROTTLED(ErrorCode.THROTTLED, 429),
    QUOTA_EXCEEDED(ErrorCode.QUOTA_EXCEEDED, 429),
    INTERNAL_ERROR(ErrorCode.INTERNAL_ERROR, 500),
    NOT_IMPLEMENTED("NotImplemented", 501),
    MODEL_ACCESS_DENIED(ErrorCode.MODEL_ACCESS_DENIED, 502),
    MODEL_NOT_FOUND(ErrorCode.MODEL_NOT_FOUND, 502),
    MODEL_ERROR(ErrorCode.MODEL_ERROR, 502),
    MODEL_UNAVAILABLE(ErrorCode.MODEL_UNAVAILABLE, 503),
    SERVER_BUSY("ServerBusy", 503),
    MODEL_BUSY(ErrorCode.MODEL_BUSY, 503),
    STORAGE_UNAVAILABLE(ErrorCode.STORAGE_UNAVAILABLE, 503),
    MODEL_TIMEOUT(ErrorCode.MODEL_TIMEOUT, 504),
    HTTP_VERSION_NOT_SUPPORTED("HttpVersionNotSupported", 505);

    /** The challenge of a 401: a bearer token (the shared token, or a person's ID token). */
    static final String BEARER_CHALLENGE = "Bearer realm=\"bedrock-chat\"";

    private static final Map<ErrorCode, HttpError> BY_CHAT_CODE = byChatCode();

    private final String code;
    private final int status;
    private final Optional<ErrorCode> chatCode;

    HttpError(ErrorCode chatCode, int status) {
        this.code = chatCode.code();
        this.status = status;
        this.chatCode = Optional.of(chatCode);
    }

    HttpError(String code, int status) {
        this.code = code;
        this.status = status;
        this.chatCode = Optional.empty();
    }

    /** The row of a chat service error. */
    public static HttpError of(ErrorCode code) {
        return BY_CHAT_CODE.get(code);
    }

    /** The value of {@code error.code} in the envelope. */
    public String code() {
        return code;
    }

    /** The HTTP status of a response carrying this error. */
    public int status() {
        return status;
    }

    /** The chat service's code of this row; empty for an error of the transport alone. */
    public Optional<ErrorCode> chatCode() {
        return chatCode;
    }

    /** The headers a response with this error carries besides the usual ones. */
    Map<String, String> headers(Failure failure) {
        var headers = new LinkedHashMap<String, String>();
        switch (this) {
            case THROTTLED, QUOTA_EXCEEDED, SERVER_BUSY, MODEL_BUSY, STORAGE_UNAVAILABLE ->
                failure.retryAfterSeconds().ifPresent(seconds -> headers.put("Retry-After", Integer.toString(seconds)));
            case METHOD_NOT_ALLOWED -> headers.put("Allow", String.join(", ", failure.allowedMethods()));
            case UNAUTHORIZED -> headers.put("WWW-Authenticate", BEARER_CHALLENGE);
            default -> {}
        }
        return headers;
    }

    private static Map<ErrorCode, HttpError> byChatCode() {
        var map = new EnumMap<ErrorCode, HttpError>(ErrorCode.class);
        for (HttpError error : values()) {
            error.chatCode.ifPresent(code -> map.put(code, error));
        }
        var missing = Arrays.stream(ErrorCode.values())
                .filter(code -> !map.containsKey(code))
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("No HTTP status for the chat error codes " + missing);
        }
        return map;
    }
}
