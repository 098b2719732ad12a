package dev.bedrockchat.function.server;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A body in the chunked transfer coding (RFC 9112, section 7.1): chunk sizes in hex, chunk extensions read and
 * ignored (at most {@link #MAX_EXTENSION_BYTES} of them per body), trailer fields read within the header limits and
 * dropped. Broken framing is refused with 400, a size no limit allows with 413, too many trailers with 431.
 */
final class ChunkedBody extends RequestBody {
    /** All chunk extensions of one body together; beyond it the body is refused. */
    static final int MAX_EXTENSION_BYTES = 16 * 1024;

    /** The longest chunk-size line; beyond it the line is refused (it can only be extensions). */
    private static final int MAX_SIZE_LINE_BYTES = 4 * 1024;

    /** More hex digits than this cannot be a size any limit allows. */
    private static final int MAX_SIZE_DIGITS = 15;

    private final ConnectionInput in;
    private final HttpLimits limits;
    private long remaining;
    private boolean inData;
    private boolean finished;
    private int extensionBytes;

    ChunkedBody(ConnectionInput in, HttpLimits limits, Duration timeout) {
        super(timeout);
        this.in = in;
        this.limits = limits;
    }

    @Override
    int readBody(byte[] target, int offset, int length) throws IOException {
        if (finished) {
            return -1;
        }
        if (remaining == 0) {
            if (inData) {
                endOfChunkData();
            }
            remaining = chunkSize();
            if (remaining == 0) {
                trailers();
                finished = true;
                return -1;
            }
            inData = true;
        }
        int count = in.read(target, offset, (int) Math.min(length, remaining));
        if (count < 0) {
            throw new EOFException("The connection closed inside a chunk of the body");
        }
        remaining -= count;
        return count;
    }

    @Override
    boolean finished() {
        return finished;
    }

    /** The CRLF after a chunk's data. */
    private void endOfChunkData() throws IOException {
        int cr = in.read();
        int lf = cr < 0 ? -1 : in.read();
        if (cr < 0 || lf < 0) {
            throw new EOFException("The connection closed inside the chunked body");
        }
        if (cr != '\r' || lf != '\n') {
            throw Rejections.badRequest(
                    "A chunk's data must be followed by CRLF; its size line says how many" + " bytes it has");
        }
        inData = false;
    }

    /** The chunk-size line: {@code 1*HEXDIG *( BWS ";" ... ) CRLF}; extensions are checked for bytes and dropped. */
    private long chunkSize() throws IOException {
        int length;
        try {
            length = in.readLine(MAX_SIZE_LINE_BYTES);
        } catch (ConnectionInput.LineTooLong e) {
            throw Rejections.badRequest("A chunk-size line is longer than " + MAX_SIZE_LINE_BYTES + " bytes");
        }
        if (length < 0) {
            throw new EOFException("The connection closed before the chunked body ended");
        }
        byte[] line = in.line();
        long size = 0;
        int digits = 0;
        int i = 0;
        while (i < length && HttpSyntax.isHexDigit(line[i])) {
            if (size == 0 && line[i] == '0') {
                i++;
                digits = Math.max(digits, 1);
                continue;
            }
            if (++digits > MAX_SIZE_DIGITS) {
                throw Rejections.bodyTooLarge("A chunk of the body");
            }
            size = size * 16 + Character.digit(line[i], 16);
            i++;
        }
        if (i == 0) {
            throw Rejections.badRequest(
                    "A chunk must start with its size in hex digits, such as '1a' followed by" + " CRLF");
        }
        int rest = i;
        while (rest < length && HttpSyntax.isOptionalWhitespace(line[rest])) {
            rest++;
        }
        if (rest < length) {
            if (line[rest] != ';') {
                throw Rejections.badRequest("A chunk size must be followed by CRLF or a ';' extension, not "
                        + HttpSyntax.describe(line[rest] & 0xff));
            }
            for (int j = rest; j < length; j++) {
                if (!HttpSyntax.isFieldValueChar(line[j] & 0xff)) {
                    throw Rejections.badRequest("A chunk extension contains " + HttpSyntax.describe(line[j] & 0xff));
                }
            }
            extensionBytes += length - rest;
            if (extensionBytes > MAX_EXTENSION_BYTES) {
                throw Rejections.badRequest("The chunk extensions of the body exceed " + MAX_EXTENSION_BYTES
                        + " bytes; send the body without them");
            }
        } else if (rest > i) {
            throw Rejections.badRequest("A chunk size must be followed by CRLF, not whitespace");
        }
        return size;
    }

    /** The trailer section after the last chunk: field lines within the header limits, then an empty line. */
    private void trailers() throws IOException {
        RequestHeadParser.readFieldSection(
                in,
                limits,
                Rejections::trailersTooLarge,
                "The connection closed inside the trailers of the chunked body",
                (line, length) -> RequestHeadParser.parseField(
                        new String(line, 0, length, StandardCharsets.ISO_8859_1), "trailer"));
    }
}
