package dev.bedrockchat.function.api;

import dev.bedrockchat.function.auth.AuthenticationFailed;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A request the API refuses before any chat logic runs, with an error of the transport alone (a wrong method, a body
 * too large or of the wrong type, a missing token, a request that came around the one way in). The message says what
 * to send instead.
 */
final class ApiException extends RuntimeException {
    private final HttpError error;
    private final List<String> allowedMethods;
    private final Optional<String> reason;

    ApiException(HttpError error, String message) {
        this(error, message, List.of(), Optional.empty());
    }

    private ApiException(HttpError error, String message, List<String> allowedMethods, Optional<String> reason) {
        super(Objects.requireNonNull(message, "message"));
        if (error.chatCode().isPresent()) {
            throw new IllegalArgumentException(error + " is a chat service error: raise a ChatException");
        }
        this.error = error;
        this.allowedMethods = List.copyOf(allowedMethods);
        this.reason = reason;
    }

    /** 401 for a request that could not be signed in, with the failed check as the envelope's {@code reason}. */
    static ApiException unauthorized(AuthenticationFailed failure) {
        return new ApiException(
                HttpError.UNAUTHORIZED,
                failure.getMessage(),
                List.of(),
                Optional.of(failure.reason().wireName()));
    }

    /** 405 for a path whose routes take other methods; {@code Allow} lists them. */
    static ApiException methodNotAllowed(String method, List<String> allowed) {
        return new ApiException(
                HttpError.METHOD_NOT_ALLOWED,
                "Method " + method + " is not allowed here; use " + String.join(" or ", allowed),
                allowed,
                Optional.empty());
    }

    HttpError error() {
        return error;
    }

    /** For {@link HttpError#UNAUTHORIZED}: which check failed ({@code missing_token}, {@code expired}, …). */
    Optional<String> reason() {
        return reason;
    }

    /** For {@link HttpError#METHOD_NOT_ALLOWED}: the methods the path takes. */
    List<String> allowedMethods() {
        return allowedMethods;
    }
}
