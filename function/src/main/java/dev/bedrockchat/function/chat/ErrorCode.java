package dev.bedrockchat.function.chat;

/** Every error the API can answer with: the code in the error envelope and its HTTP status. */
public enum ErrorCode {
    VALIDATION_ERROR("ValidationError", 400),
    MODEL_NOT_ALLOWED("ModelNotAllowed", 400),
    UNAUTHORIZED("Unauthorized", 401),
    NOT_FOUND("NotFound", 404),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405),
    PAYLOAD_TOO_LARGE("PayloadTooLarge", 413),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaType", 415),
    THROTTLED("Throttled", 429),
    INTERNAL_ERROR("InternalError", 500),
    MODEL_ACCESS_DENIED("ModelAccessDenied", 502),
    MODEL_NOT_FOUND("ModelNotFound", 502),
    MODEL_ERROR("ModelError", 502),
    MODEL_UNAVAILABLE("ModelUnavailable", 503),
    MODEL_TIMEOUT("ModelTimeout", 504);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The value of {@code error.code} in the envelope. */
    public String code() {
        return code;
    }

    /** The HTTP status of a response carrying this error. */
    public int status() {
        return status;
    }
}
