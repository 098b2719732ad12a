package dev.bedrockchat.function.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes responses to one connection through a small buffer reused for every response: a whole response with its
 * Content-Length (a HEAD response without its body), or a stream whose pieces each leave at once, as chunks (HTTP/1.1)
 * or, for HTTP/1.0, as a body that the closing connection ends.
 *
 * <p>The server owns the message framing: {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection} and
 * {@code Date} from the API's headers are replaced by its own. Header values never carry CR, LF or other control
 * characters (they are written as spaces).
 */
final class ResponseWriter {
    /** What the response says about the connection. */
    enum Persistence {
        /** HTTP/1.1 default: the connection stays open, nothing to say. */
        DEFAULT,
        /** HTTP/1.0 with keep-alive: {@code Connection: keep-alive}. */
        KEEP_ALIVE,
        /** The server closes the connection after this response: {@code Connection: close}. */
        CLOSE
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] SPACE = {' '};
    private static final byte[] COLON_SPACE = {':', ' '};
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> FRAMING = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        FRAMING.addAll(Set.of("Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Date"));
    }

    private final OutputStream out;
    private final HttpDate date;
    private final byte[] buffer = new byte[8 * 1024];
    private int count;

    ResponseWriter(OutputStream out, HttpDate date) {
        this.out = out;
        this.date = date;
    }

    /** {@code 100 Continue}: the client may send the body it holds back. */
    void writeContinue() throws IOException {
        bytes(CONTINUE, 0, CONTINUE.length);
        flush();
    }

    /**
     * A whole response, flushed.
     *
     * @param head a response to HEAD: the headers only, with the Content-Length the API declared for the body the GET
     *     would send (the API answers HEAD itself and hands over no body), else the length of the body given
     */
    void response(int status, Map<String, String> headers, byte[] body, boolean head, Persistence persistence)
            throws IOException {
        statusLine(status);
        fields(headers);
        boolean bodyless = status < 200 || status == 204 || status == 304;
        if (!bodyless) {
            field("Content-Length", head ? declaredLength(headers, body.length) : Integer.toString(body.length));
        }
        persistence(persistence);
        bytes(CRLF, 0, 2);
        if (!head && !bodyless) {
            bytes(body, 0, body.length);
        }
        flush();
    }

    /** The head of a streamed 200 response, flushed; its pieces follow with {@link #piece}. */
    void startStream(Map<String, String> headers, boolean chunked, Persistence persistence) throws IOException {
        statusLine(200);
        fields(headers);
        if (chunked) {
            field("Transfer-Encoding", "chunked");
        }
        persistence(persistence);
        bytes(CRLF, 0, 2);
        flush();
    }

    /** One piece of a stream, flushed at once: a chunk, or the bytes as they are. */
    void piece(byte[] data, boolean chunked) throws IOException {
        if (data.length == 0) {
            return;
        }
        if (chunked) {
            ascii(Integer.toHexString(data.length));
            bytes(CRLF, 0, 2);
            bytes(data, 0, data.length);
            bytes(CRLF, 0, 2);
        } else {
            bytes(data, 0, data.length);
        }
        flush();
    }

    /** Ends a chunked stream (the last chunk, no trailers), flushed. */
    void endChunks() throws IOException {
        bytes(LAST_CHUNK, 0, LAST_CHUNK.length);
        flush();
    }

    void flush() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
        out.flush();
    }

    private void statusLine(int status) throws IOException {
        ascii("HTTP/1.1 ");
        ascii(Integer.toString(status));
        bytes(SPACE, 0, 1);
        ascii(reason(status));
        bytes(CRLF, 0, 2);
        field("Date", date.now());
    }

    private void fields(Map<String, String> headers) throws IOException {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (!FRAMING.contains(header.getKey())) {
                field(header.getKey(), header.getValue());
            }
        }
    }

    private void persistence(Persistence persistence) throws IOException {
        switch (persistence) {
            case CLOSE -> field("Connection", "close");
            case KEEP_ALIVE -> field("Connection", "keep-alive");
            case DEFAULT -> {}
        }
    }

    private void field(String name, String value) throws IOException {
        ascii(name);
        bytes(COLON_SPACE, 0, 2);
        ascii(value);
        bytes(CRLF, 0, 2);
    }

    /** For HEAD: the Content-Length the API declared for the body it would send, or the given length. */
    private static String declaredLength(Map<String, String> headers, int fallback) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("Content-Length")
                    && header.getValue().matches("\\d{1,18}")) {
                return header.getValue();
            }
        }
        return Integer.toString(fallback);
    }

    /** Text as single bytes: control characters become spaces, anything beyond Latin-1 '?'. */
    private void ascii(String text) throws IOException {
        for (int i = 0; i < text.length(); i++) {
            if (count == buffer.length) {
                drain();
            }
            char c = text.charAt(i);
            buffer[count++] = (byte) ((c < 0x20 && c != '\t') || c == 0x7f ? ' ' : c > 0xff ? '?' : c);
        }
    }

    private void bytes(byte[] data, int offset, int length) throws IOException {
        if (length > buffer.length - count) {
            drain();
            if (length >= buffer.length) {
                out.write(data, offset, length);
                return;
            }
        }
        System.arraycopy(data, offset, buffer, count, length);
        count += length;
    }

    private void drain() throws IOException {
        out.write(buffer, 0, count);
        count = 0;
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 417 -> "Expectation Failed";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }
}
