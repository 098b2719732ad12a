package dev.bedrockchat.function.server;

import dev.bedrockchat.function.api.Api;
import dev.bedrockchat.function.api.ApiRequest;
import dev.bedrockchat.function.api.GatewayContext;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads one request head (RFC 9112): the request line, the header fields, and the framing they declare. Whatever it
 * refuses becomes an {@link Api.Rejection} with a documented status: 400 for a malformed head, 408 when it does not
 * arrive in time, 413 for a declared length beyond any limit, 414 for a long request line, 431 for too many or too
 * large header fields, 501 for what the server does not implement (CONNECT, {@code OPTIONS *}, transfer codings
 * other than chunked) and 505 for an HTTP version other than 1.x.
 *
 * <p>What it had read when it refused (method, path, header fields) stays available for the refusal's log line.
 */
final class RequestHeadParser {
    /** More digits than this cannot be a length any limit allows (and might not fit a long). */
    private static final int MAX_LENGTH_DIGITS = 18;

    private final HttpLimits limits;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private String method;
    private String path;

    RequestHeadParser(HttpLimits limits) {
        this.limits = limits;
    }

    /**
     * Reads the next request head.
     *
     * @return the head, or null when the stream ends before the first byte of a request
     * @throws Api.Rejection when the head is refused
     * @throws EOFException  when the stream ends inside the head
     */
    RequestHead read(ConnectionInput in) throws IOException {
        try {
            String requestLine = readRequestLine(in);
            if (requestLine == null) {
                return null;
            }
            RequestLine line = parseRequestLine(requestLine);
            readFields(in);
            return framing(line);
        } catch (SocketTimeoutException e) {
            throw Rejections.headTimeout(limits.headTimeout());
        }
    }

    /** What was read of the request so far, for the log line of a refusal. */
    ApiRequest partial() {
        return new ApiRequest(
                method == null ? "UNKNOWN" : method,
                path == null ? "/" : path,
                null,
                headers,
                InputStream.nullInputStream(),
                Optional.empty(),
                Optional.empty(),
                GatewayContext.NONE);
    }

    private record RequestLine(String method, String target, boolean http11) {}

    /** The request line; empty lines before it are skipped (RFC 9112, section 2.2) within the same limit. */
    private String readRequestLine(ConnectionInput in) throws IOException {
        int budget = limits.maxRequestLineBytes();
        while (true) {
            int length;
            try {
                length = in.readLine(budget);
            } catch (ConnectionInput.LineTooLong e) {
                throw Rejections.requestLineTooLong(limits.maxRequestLineBytes());
            }
            if (length < 0) {
                return null;
            }
            if (length > 0) {
                return new String(in.line(), 0, length, StandardCharsets.ISO_8859_1);
            }
            budget -= 2;
            if (budget < 0) {
                throw Rejections.requestLineTooLong(limits.maxRequestLineBytes());
            }
        }
    }

    private RequestLine parseRequestLine(String line) throws Api.Rejection {
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (first <= 0 || second < 0 || line.indexOf(' ', second + 1) >= 0) {
            throw Rejections.badRequest("The request line must be 'METHOD /path HTTP/1.1' with single spaces, such as"
                    + " 'GET /api/health HTTP/1.1'");
        }
        String token = line.substring(0, first);
        if (!HttpSyntax.isToken(token)) {
            throw Rejections.badRequest("The method must be a token such as GET or POST");
        }
        method = token;
        String version = line.substring(second + 1);
        boolean http11 = http11(version);
        String target = line.substring(first + 1, second);
        if (method.equals("CONNECT")) {
            throw Rejections.notImplemented("CONNECT is not supported: this server is not a proxy");
        }
        if (target.equals("*")) {
            if (method.equals("OPTIONS")) {
                throw Rejections.notImplemented(
                        "OPTIONS * is not supported; ask about a path instead, such as GET /api/health");
            }
            throw Rejections.badRequest("The target '*' is only meaningful with OPTIONS; send a path such as /");
        }
        if (!target.startsWith("/")) {
            throw Rejections.badRequest(
                    target.contains("://")
                            ? "Send the path alone (origin-form), such as 'GET /api/health', not an absolute URL:"
                                    + " this server is not a proxy"
                            : "The request target must be a path starting with '/', such as /api/health");
        }
        Optional<String> problem = HttpSyntax.originFormProblem(target);
        if (problem.isPresent()) {
            throw Rejections.badRequest(problem.get());
        }
        path = HttpSyntax.pathOf(target);
        return new RequestLine(method, target, http11);
    }

    /** True for HTTP/1.1 (and later 1.x, handled as 1.1), false for HTTP/1.0. */
    private static boolean http11(String version) throws Api.Rejection {
        if (version.length() != 8
                || !version.startsWith("HTTP/")
                || !isDigit(version.charAt(5))
                || version.charAt(6) != '.'
                || !isDigit(version.charAt(7))) {
            throw Rejections.badRequest("The request line must end with the protocol version HTTP/1.1 (or HTTP/1.0)");
        }
        if (version.charAt(5) != '1') {
            throw Rejections.versionNotSupported(version.substring(5));
        }
        return version.charAt(7) != '0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void readFields(ConnectionInput in) throws IOException {
        readFieldSection(
                in, limits, Rejections::headersTooLarge, "The stream ended inside the request head", this::addField);
    }

    /** What a field section's reader is given: each field line (without its CRLF) in turn. */
    interface FieldLines {
        void accept(byte[] line, int length) throws Api.Rejection;
    }

    /**
     * Reads a field section, a request head's header fields or a chunked body's trailers, up to its empty line, within
     * the header limits: {@code tooLarge} refuses a section beyond their bytes or fields.
     *
     * @throws EOFException with {@code endedInside} when the connection ends before the empty line
     */
    static void readFieldSection(
            ConnectionInput in,
            HttpLimits limits,
            Function<HttpLimits, Api.Rejection> tooLarge,
            String endedInside,
            FieldLines fields)
            throws IOException {
        int sectionBytes = 0;
        int count = 0;
        while (true) {
            int length;
            try {
                length = in.readLine(Math.max(0, limits.maxHeaderBytes() - sectionBytes - 2));
            } catch (ConnectionInput.LineTooLong e) {
                throw tooLarge.apply(limits);
            }
            if (length < 0) {
                throw new EOFException(endedInside);
            }
            if (length == 0) {
                return;
            }
            sectionBytes += length + 2;
            if (++count > limits.maxHeaderFields()) {
                throw tooLarge.apply(limits);
            }
            fields.accept(in.line(), length);
        }
    }

    private void addField(byte[] line, int length) throws Api.Rejection {
        String text = new String(line, 0, length, StandardCharsets.ISO_8859_1);
        Field field = parseField(text, "header");
        headers.computeIfAbsent(field.name(), name -> new ArrayList<>(1)).add(field.value());
    }

    /** A field line: {@code name ":" OWS value OWS}. */
    record Field(String name, String value) {}

    /** Parses a header or trailer line; {@code kind} names it in the messages. */
    static Field parseField(String text, String kind) throws Api.Rejection {
        if (HttpSyntax.isOptionalWhitespace(text.charAt(0))) {
            throw Rejections.badRequest("A " + kind + " line starts with whitespace (obsolete line folding);"
                    + " send each " + kind + " on one line as 'Name: value'");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw Rejections.badRequest("A " + kind + " line has no colon; send each " + kind + " as 'Name: value'");
        }
        String name = text.substring(0, colon);
        if (!HttpSyntax.isToken(name)) {
            throw Rejections.badRequest("The " + kind + " name '" + printable(name)
                    + "' is not a token (no spaces before the colon, no separators)");
        }
        int start = colon + 1;
        int end = text.length();
        while (start < end && HttpSyntax.isOptionalWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && HttpSyntax.isOptionalWhitespace(text.charAt(end - 1))) {
            end--;
        }
        for (int i = start; i < end; i++) {
            if (!HttpSyntax.isFieldValueChar(text.charAt(i))) {
                throw Rejections.badRequest("The value of " + kind + " " + name + " contains "
                        + HttpSyntax.describe(text.charAt(i)) + "; control characters are not allowed");
            }
        }
        return new Field(name, text.substring(start, end));
    }

    private RequestHead framing(RequestLine line) throws Api.Rejection {
        List<String> host = headers.get("Host");
        if (host == null && line.http11()) {
            throw Rejections.badRequest("An HTTP/1.1 request needs a Host header, such as 'Host: localhost:8080'");
        }
        if (host != null && host.size() > 1) {
            throw Rejections.badRequest("Send one Host header, not " + host.size());
        }
        if (host != null && !HttpSyntax.isHost(host.getFirst())) {
            throw Rejections.badRequest("The Host header must be a host name or address with an optional port,"
                    + " such as 'localhost:8080'");
        }
        List<String> transferEncoding = headers.get("Transfer-Encoding");
        List<String> contentLength = headers.get("Content-Length");
        boolean chunked = false;
        long length = -1;
        if (transferEncoding != null && contentLength != null) {
            throw Rejections.badRequest("Send either Content-Length or Transfer-Encoding, not both");
        }
        if (transferEncoding != null) {
            if (!line.http11()) {
                throw Rejections.badRequest(
                        "An HTTP/1.0 request cannot use Transfer-Encoding; send Content-Length instead");
            }
            chunked = chunked(transferEncoding);
        } else if (contentLength != null) {
            length = contentLength(contentLength);
            headers.put("Content-Length", List.of(Long.toString(length)));
        }
        boolean close = false;
        boolean keepAlive = false;
        for (String option : elements(headers.get("Connection"))) {
            close |= option.equals("close");
            keepAlive |= option.equals("keep-alive");
        }
        boolean persistent = !close && (line.http11() || keepAlive);
        boolean expectContinue = line.http11()
                && (chunked || length > 0)
                && elements(headers.get("Expect")).contains("100-continue");
        return new RequestHead(
                line.method(), line.target(), line.http11(), headers, length, chunked, persistent, expectContinue);
    }

    /** Checks the codings: chunked, once, and last (RFC 9112, section 6.3). */
    private static boolean chunked(List<String> values) throws Api.Rejection {
        List<String> codings = elements(values);
        if (codings.isEmpty()) {
            throw Rejections.badRequest(
                    "Transfer-Encoding is empty; send 'Transfer-Encoding: chunked' or" + " Content-Length");
        }
        if (!codings.getLast().equals("chunked")) {
            throw Rejections.badRequest("The last transfer coding must be chunked, or the body's end cannot be"
                    + " found; send 'Transfer-Encoding: chunked' or Content-Length");
        }
        if (codings.indexOf("chunked") != codings.size() - 1) {
            throw Rejections.badRequest("chunked may be applied only once; send 'Transfer-Encoding: chunked'");
        }
        if (codings.size() > 1) {
            throw Rejections.notImplemented("Transfer-Encoding " + String.join(", ", codings)
                    + " is not supported; send the body as 'Transfer-Encoding: chunked' alone or with"
                    + " Content-Length");
        }
        return true;
    }

    /** The one declared length: digits only; repeated values (as a list or as fields) must agree. */
    private static long contentLength(List<String> values) throws Api.Rejection {
        String agreed = null;
        for (String value : values) {
            for (String element : value.split(",", -1)) {
                String digits = element.strip();
                if (digits.isEmpty() || !digits.chars().allMatch(c -> isDigit((char) c))) {
                    throw Rejections.badRequest(
                            "Content-Length must be a number of bytes (digits only), not '" + printable(value) + "'");
                }
                if (agreed != null && !agreed.equals(digits)) {
                    throw Rejections.badRequest("Content-Length is sent with different values; send it once");
                }
                agreed = digits;
            }
        }
        String significant = agreed.replaceFirst("^0+(?=\\d)", "");
        if (significant.length() > MAX_LENGTH_DIGITS) {
            throw Rejections.bodyTooLarge("The declared Content-Length");
        }
        return Long.parseLong(significant);
    }

    /** The elements of comma-separated list fields, trimmed and in lower case; empty elements are dropped. */
    private static List<String> elements(List<String> values) {
        var elements = new ArrayList<String>();
        if (values != null) {
            for (String value : values) {
                for (String element : value.split(",")) {
                    String trimmed = element.strip().toLowerCase(Locale.ROOT);
                    if (!trimmed.isEmpty()) {
                        elements.add(trimmed);
                    }
                }
            }
        }
        return elements;
    }

    /** Text for a message: at most 40 characters, anything unprintable as '?'. */
    private static String printable(String text) {
        String shortened = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return shortened.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
