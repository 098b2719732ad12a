package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ErrorReason;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An error on its way to the client, whoever raised it: the row of the error table, the message, the reason (why a
 * model call failed, or which sign-in check did), and what the log line needs.
 *
 * @param reason      the envelope's {@code reason}, as sent
 * @param diagnostics fields for the operators' log line (the failure's class, an AWS error code, …)
 * @param resetsAt    with QuotaExceeded: when the quota starts again (ISO-8601), the envelope's {@code resetsAt}
 */
record Failure(
        HttpError error,
        String message,
        Optional<String> reason,
        OptionalInt retryAfterSeconds,
        List<String> allowedMethods,
        Map<String, String> diagnostics,
        Optional<String> resetsAt) {

    Failure(
            HttpError error,
            String message,
            Optional<String> reason,
            OptionalInt retryAfterSeconds,
            List<String> allowedMethods,
            Map<String, String> diagnostics) {
        this(error, message, reason, retryAfterSeconds, allowedMethods, diagnostics, Optional.empty());
    }

    static Failure of(ChatException e) {
        return new Failure(
                HttpError.of(e.code()),
                e.getMessage(),
                e.reason().map(ErrorReason::wireName),
                e.retryAfterSeconds(),
                List.of(),
                e.diagnostics(),
                e.resetsAt().map(Object::toString));
    }

    static Failure of(ApiException e) {
        return new Failure(e.error(), e.getMessage(), e.reason(), OptionalInt.empty(), e.allowedMethods(), Map.of());
    }

    /** A request the transport refused (a server without room says when to come back). */
    static Failure of(Api.Rejection e) {
        return new Failure(e.error(), e.getMessage(), Optional.empty(), e.retryAfterSeconds(), List.of(), Map.of());
    }

    /** The headers a response with this error carries besides the usual ones (Retry-After, Allow, …). */
    Map<String, String> headers() {
        return error.headers(this);
    }
}
