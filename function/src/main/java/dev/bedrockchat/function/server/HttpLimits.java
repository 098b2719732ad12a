package dev.bedrockchat.function.server;

import java.time.Duration;
import java.util.Objects;

/**
 * What the HTTP server accepts and how long it waits (the {@code HTTP_*} settings).
 *
 * @param maxRequestLineBytes the longest request line (method, target, version); longer ones get 414
 * @param maxHeaderBytes      the largest header section (every field line with its CRLF); larger ones get 431
 * @param maxHeaderFields     the most header fields; more get 431 (the same limits apply to chunked trailers)
 * @param headTimeout         the whole request head must arrive within this time of its first byte (of the
 *                            connection, for its first request); a head still incomplete then gets 408
 * @param bodyTimeout         the longest pause while a body is read; a stalled body gets 408
 * @param idleTimeout         how long a kept-alive connection may wait for its next request before it is closed
 * @param sendTimeout         the longest a write may wait for a client that does not read; the connection is then
 *                            closed
 * @param maxConnections      open connections at most; a connection beyond them gets 503 and is closed
 */
public record HttpLimits(
        int maxRequestLineBytes,
        int maxHeaderBytes,
        int maxHeaderFields,
        Duration headTimeout,
        Duration bodyTimeout,
        Duration idleTimeout,
        Duration sendTimeout,
        int maxConnections) {

    public static final HttpLimits DEFAULTS = new HttpLimits(
            8 * 1024,
            32 * 1024,
            100,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            Duration.ofSeconds(30),
            256);

    public HttpLimits {
        positive(maxRequestLineBytes, "maxRequestLineBytes");
        positive(maxHeaderBytes, "maxHeaderBytes");
        positive(maxHeaderFields, "maxHeaderFields");
        positive(maxConnections, "maxConnections");
        positive(headTimeout, "headTimeout");
        positive(bodyTimeout, "bodyTimeout");
        positive(idleTimeout, "idleTimeout");
        positive(sendTimeout, "sendTimeout");
    }

    private static void positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be from 1 ms to about 24 days, not " + value);
        }
    }
}
