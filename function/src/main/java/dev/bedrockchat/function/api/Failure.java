package dev.bedrockchat.function.api;

import dev.bedrockchat.function.api.openai.OpenAiInvalidRequest;
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
 * @param param       on {@code /v1}: the request field the error is about (the OpenAI error's {@code param})
 * @param openAiCode  on {@code /v1}: the OpenAI error's {@code code}, when the error table does not give it
 */
record Failure(
        HttpError error,
        String message,
        Optional<String> reason,
        OptionalInt retryAfterSeconds,
        List<String> allowedMethods,
        Map<String, String> diagnostics,
        Optional<String> resetsAt,
        Optional<String> param,
        Optional<String> openAiCode) {

    Failure(
            HttpError error,
            String message,
            Optional<String> reason,
            OptionalInt retryAfterSeconds,
            List<String> allowedMethods,
            Map<String, String> diagnostics) {
        this(
                error,
                message,
                reason,
                retryAfterSeconds,
                allowedMethods,
                diagnostics,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    static Failure of(ChatException e) {
        return new Failure(
                HttpError.of(e.code()),
                e.getMessage(),
                e.reason().map(ErrorReason::wireName),
                e.retryAfterSeconds(),
                List.of(),
                e.diagnostics(),
                e.resetsAt().map(Object::toString),
                Optional.empty(),
                Optional.empty());
    }

    static Failure of(ApiException e) {
        return new Failure(
                e.error(),
                e.getMessage(),
                e.reason(),
                OptionalInt.empty(),
                e.allowedMethods(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** A request the transport refused (a server without room says when to come back). */
    static Failure of(Api.Rejection e) {
        return new Failure(
                e.error(),
                e.getMessage(),
                Optional.empty(),
                e.retryAfterSeconds(),
                List.of(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** A {@code /v1} request refused for one of its fields (400, naming it). */
    static Failure of(OpenAiInvalidRequest e) {
        return new Failure(
                HttpError.VALIDATION_ERROR,
                e.getMessage(),
                Optional.empty(),
                OptionalInt.empty(),
                List.of(),
                Map.of(),
                Optional.empty(),
                Optional.of(e.param()),
                Optional.of(e.code()));
    }

    /** The headers a response with this error carries besides the usual ones (Retry-After, Allow, …). */
    Map<String, String> headers() {
        return error.headers(this);
    }
}
