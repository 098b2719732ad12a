package dev.bedrockchat.function.server;

import dev.bedrockchat.function.api.Api;
import dev.bedrockchat.function.api.HttpError;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * The requests the server refuses itself, each with its row of the API's error table ({@link HttpError}: the status
 * and the envelope's code) and a message that says what to send instead. The connection is closed after any of them.
 */
final class Rejections {

    /** The seconds a client is asked to wait when the server has no room for another connection. */
    static final int BUSY_RETRY_AFTER_SECONDS = 1;

    private Rejections() {}

    /** 400: the request is malformed; the message names the part and the fix. */
    static Api.Rejection badRequest(String message) {
        return new Api.Rejection(HttpError.VALIDATION_ERROR, message);
    }

    static Api.Rejection requestLineTooLong(int limit) {
        return new Api.Rejection(
                HttpError.URI_TOO_LONG,
                "The request line is longer than " + limit + " bytes; shorten the path and query of the URL");
    }

    static Api.Rejection headersTooLarge(HttpLimits limits) {
        return new Api.Rejection(
                HttpError.HEADERS_TOO_LARGE,
                "The request's header fields exceed " + limits.maxHeaderBytes() + " bytes or "
                        + limits.maxHeaderFields() + " fields; send fewer or smaller headers (cookies included)");
    }

    static Api.Rejection trailersTooLarge(HttpLimits limits) {
        return new Api.Rejection(
                HttpError.HEADERS_TOO_LARGE,
                "The chunked body's trailer fields exceed " + limits.maxHeaderBytes() + " bytes or "
                        + limits.maxHeaderFields() + " fields; send fewer or smaller trailers");
    }

    static Api.Rejection headTimeout(Duration timeout) {
        return new Api.Rejection(
                HttpError.REQUEST_TIMEOUT,
                "The request line and headers did not arrive within " + seconds(timeout)
                        + "; send the whole request head at once");
    }

    static Api.Rejection bodyTimeout(Duration timeout) {
        return new Api.Rejection(
                HttpError.REQUEST_TIMEOUT,
                "The request body stalled for " + seconds(timeout) + "; send the body without pauses");
    }

    static Api.Rejection bodyTooLarge(String what) {
        return new Api.Rejection(
                HttpError.PAYLOAD_TOO_LARGE,
                what + " is larger than this server reads; send a body of at most " + (Api.MAX_BODY_BYTES / 1024)
                        + " KiB");
    }

    static Api.Rejection notImplemented(String message) {
        return new Api.Rejection(HttpError.NOT_IMPLEMENTED, message);
    }

    static Api.Rejection versionNotSupported(String version) {
        return new Api.Rejection(
                HttpError.HTTP_VERSION_NOT_SUPPORTED, "HTTP version " + version + " is not supported; use HTTP/1.1");
    }

    static Api.Rejection busy() {
        return new Api.Rejection(
                HttpError.SERVER_BUSY,
                "The server has as many open connections as it accepts; try again in " + BUSY_RETRY_AFTER_SECONDS
                        + " second, or reuse an open connection",
                OptionalInt.of(BUSY_RETRY_AFTER_SECONDS));
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
    }
}
