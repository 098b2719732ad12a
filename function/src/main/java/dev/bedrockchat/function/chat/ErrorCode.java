package dev.bedrockchat.function.chat;

/**
 * The errors of the chat service: the value of {@code error.code} in the API's error envelope. How a transport answers
 * each (an HTTP status, say) is the transport's business.
 */
public enum ErrorCode {
    VALIDATION_ERROR("ValidationError"),
    MODEL_NOT_ALLOWED("ModelNotAllowed"),
    NOT_FOUND("NotFound"),
    CONFLICT("Conflict"),
    THROTTLED("Throttled"),
    QUOTA_EXCEEDED("QuotaExceeded"),
    INTERNAL_ERROR("InternalError"),
    MODEL_ACCESS_DENIED("ModelAccessDenied"),
    MODEL_NOT_FOUND("ModelNotFound"),
    MODEL_ERROR("ModelError"),
    MODEL_UNAVAILABLE("ModelUnavailable"),
    MODEL_BUSY("ModelBusy"),
    MODEL_TIMEOUT("ModelTimeout"),
    STORAGE_UNAVAILABLE("StorageUnavailable");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    /** The value of {@code error.code} in the envelope. */
    public String code() {
        return code;
    }
}
