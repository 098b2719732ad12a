package dev.bedrockchat.function.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * The reading side of one connection: a small buffer, reused for every request, over the socket's stream. A request
 * head is read line by line; what follows it (a body, the next pipelined request) stays in the buffer for the next
 * reader. Every wait on the socket is bounded: either by a deadline (a request head must be complete by then, however
 * it trickles in) or by an idle time per read (a body, or a kept-alive connection waiting for its next request).
 */
final class ConnectionInput {
    /** Sets the socket's read timeout; 0 is not used (it would mean "forever"). */
    interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    /** A line longer than its limit: the caller answers with the status that fits (414, 431 or 400). */
    static final class LineTooLong extends IOException {
        LineTooLong() {
            super("line too long");
        }
    }

    private static final int BUFFER_BYTES = 8 * 1024;
    private static final int FIRST_LINE_BYTES = 256;

    private final InputStream in;
    private final ReadTimeout timeout;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    private byte[] line = new byte[FIRST_LINE_BYTES];
    private long deadlineNanos;
    private int idleMillis;
    private int currentTimeout = -1;

    ConnectionInput(InputStream in, ReadTimeout timeout) {
        this.in = in;
        this.timeout = timeout;
    }

    /** From now on each read waits at most until this {@link System#nanoTime()} (for a request head). */
    void deadline(long nanoTime) {
        deadlineNanos = nanoTime;
        idleMillis = 0;
    }

    /** From now on each read waits at most this long (for a body). */
    void idle(int millis) {
        idleMillis = millis;
    }

    /**
     * Waits at most {@code millis} for the next byte; false when none came (the stream ended, or nothing arrived in
     * time). The byte stays unread.
     */
    boolean awaitData(int millis) throws IOException {
        if (position < limit) {
            return true;
        }
        if (millis <= 0) {
            return false;
        }
        idle(millis);
        try {
            return fill() > 0;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Bytes already received and not yet read. */
    int buffered() {
        return limit - position;
    }

    /** Drops {@code count} bytes, at most {@link #buffered()}, without waiting. */
    void skipBuffered(int count) {
        position += Math.min(count, buffered());
    }

    /** The bytes of the line last read by {@link #readLine}. */
    byte[] line() {
        return line;
    }

    /**
     * Reads one line: the bytes up to CRLF go into {@link #line()}, without the CRLF.
     *
     * @param max the most bytes the line may have
     * @return the line's length, or -1 when the stream ends before its first byte
     * @throws LineTooLong         when more than {@code max} bytes come before the line ends
     * @throws EOFException        when the stream ends inside the line
     * @throws SocketTimeoutException when the deadline or idle time passes
     * @throws dev.bedrockchat.function.api.Api.Rejection (400) when the line ends with a bare LF
     */
    int readLine(int max) throws IOException {
        int length = 0;
        while (true) {
            if (position == limit && fill() < 0) {
                if (length == 0) {
                    return -1;
                }
                throw new EOFException("The stream ended inside a line");
            }
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int count = end - position;
            // One byte more than max is allowed for the CR.
            if (length + count > max + 1) {
                throw new LineTooLong();
            }
            if (length + count > line.length) {
                line = Arrays.copyOf(line, Math.max(length + count, Math.min(line.length * 2, max + 1)));
            }
            System.arraycopy(buffer, position, line, length, count);
            length += count;
            if (end < limit) {
                position = end + 1;
                break;
            }
            position = limit;
        }
        if (length == 0 || line[length - 1] != '\r') {
            throw Rejections.badRequest(
                    "Every line of the request head and of a chunked body must end with CRLF, not a bare LF");
        }
        return length - 1;
    }

    /** Drops what is buffered and waits (within the current bound) for more to drop; -1 at the end of the stream. */
    int discard() throws IOException {
        position = limit;
        return fill();
    }

    /** Reads one byte, or -1 at the end of the stream. */
    int read() throws IOException {
        if (position == limit && fill() < 0) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /** Reads up to {@code length} bytes (at least one, waiting if need be), or -1 at the end of the stream. */
    int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit) {
            if (length >= buffer.length) {
                // A large read goes straight into the caller's array.
                applyTimeout();
                return in.read(target, offset, length);
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int count = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, count);
        position += count;
        return count;
    }

    /** Refills the empty buffer with what the socket has (waiting within the current bound). */
    private int fill() throws IOException {
        applyTimeout();
        int count = in.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(count, 0);
        return count;
    }

    private void applyTimeout() throws IOException {
        int millis;
        if (idleMillis > 0) {
            millis = idleMillis;
        } else {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                throw new SocketTimeoutException("The deadline has passed");
            }
            millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000));
        }
        if (millis != currentTimeout) {
            timeout.set(millis);
            currentTimeout = millis;
        }
    }
}
