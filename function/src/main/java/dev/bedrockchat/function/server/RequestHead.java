package dev.bedrockchat.function.server;

import java.util.List;
import java.util.Map;

/**
 * A parsed request head and what it says about the message's framing.
 *
 * @param method         the method token, as sent (methods are case-sensitive)
 * @param target         the origin-form request target ({@code /path?query}), still percent-encoded
 * @param http11         HTTP/1.1 (or a later 1.x); false for HTTP/1.0
 * @param headers        the header fields, names matched without regard to case; Content-Length, when present,
 *                       holds its one value
 * @param contentLength  the body's declared length; -1 when there is none (or the body is chunked)
 * @param chunked        the body comes with {@code Transfer-Encoding: chunked}
 * @param persistent     the client allows the connection to stay open after the response
 * @param expectContinue the client waits for {@code 100 Continue} before it sends the body
 */
record RequestHead(
        String method,
        String target,
        boolean http11,
        Map<String, List<String>> headers,
        long contentLength,
        boolean chunked,
        boolean persistent,
        boolean expectContinue) {

    /** The path, without the query string. */
    String path() {
        return HttpSyntax.pathOf(target);
    }

    boolean isHead() {
        return method.equals("HEAD");
    }
}
