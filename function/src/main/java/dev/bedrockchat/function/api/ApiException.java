package dev.bedrockchat.function.api;

import java.util.List;
import java.util.Objects;

/**
 * A request the API refuses before any chat logic runs, with an error of the transport alone (a wrong method, a body
 * too large or of the wrong type, a missing token). The message says what to send instead.
 */
final class ApiException extends RuntimeException {
    private final HttpError error;
    private final List<String> allowedMethods;

    ApiException(HttpError error, String message) {
        this(error, message, List.of());
    }

    private ApiException(HttpError error, String message, List<String> allowedMethods) {
        super(Objects.requireNonNull(message, "message"));
        if (error.chatCode().isPresent()) {
            throw new IllegalArgumentException(error + " is a chat service error: raise a ChatException");
        }
        this.error = error;
        this.allowedMethods = List.copyOf(allowedMethods);
    }

    /** 405 for a path whose routes take other methods; {@code Allow} lists them. */
    static ApiException methodNotAllowed(String method, List<String> allowed) {
        return new ApiException(
                HttpError.METHOD_NOT_ALLOWED,
                "Method " + method + " is not allowed here; use " + String.join(" or ", allowed),
                allowed);
    }

    HttpError error() {
        return error;
    }

    /** For {@link HttpError#METHOD_NOT_ALLOWED}: the methods the path takes. */
    List<String> allowedMethods() {
        return allowedMethods;
    }
}
