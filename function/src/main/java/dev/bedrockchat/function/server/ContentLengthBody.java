package dev.bedrockchat.function.server;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;

/** A body of a declared length (Content-Length). */
final class ContentLengthBody extends RequestBody {
    private final ConnectionInput in;
    private long remaining;

    ContentLengthBody(ConnectionInput in, long length, Duration timeout) {
        super(timeout);
        this.in = in;
        this.remaining = length;
    }

    @Override
    int readBody(byte[] target, int offset, int length) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int count = in.read(target, offset, (int) Math.min(length, remaining));
        if (count < 0) {
            throw new EOFException("The connection closed with " + remaining + " bytes of the body still to come");
        }
        remaining -= count;
        return count;
    }

    @Override
    boolean finished() {
        return remaining == 0;
    }

    @Override
    boolean skipBuffered() {
        if (remaining <= in.buffered()) {
            in.skipBuffered((int) remaining);
            remaining = 0;
        }
        return finished();
    }
}
