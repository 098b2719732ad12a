package dev.bedrockchat.function.server;

import dev.bedrockchat.function.api.Api;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * A request body as the API reads it: only as far as it asks, straight from the connection's buffer. A read that
 * stalls longer than the body timeout fails with 408, broken framing with 400 (both as {@link Api.Rejection}, which
 * the API answers); a client that closes mid-body ends it with an {@link java.io.EOFException}. Once failed, every
 * further read fails the same way.
 */
abstract class RequestBody extends InputStream {
    /** Called once, before the first read waits for the body: where {@code 100 Continue} is sent. */
    interface FirstRead {
        void beforeFirstRead() throws IOException;
    }

    private final Duration timeout;
    private FirstRead firstRead;
    private IOException failure;
    private final byte[] single = new byte[1];

    RequestBody(Duration timeout) {
        this.timeout = timeout;
    }

    /** A request without a body. */
    static RequestBody empty() {
        return new RequestBody(Duration.ofSeconds(1)) {
            @Override
            int readBody(byte[] target, int offset, int length) {
                return -1;
            }

            @Override
            boolean finished() {
                return true;
            }
        };
    }

    void onFirstRead(FirstRead action) {
        this.firstRead = action;
    }

    /** Reads up to {@code length} bytes of the body, or -1 at its end. */
    abstract int readBody(byte[] target, int offset, int length) throws IOException;

    /** The whole body (and for chunked, its trailers) has been read: the next request can follow. */
    abstract boolean finished();

    /** Drops the rest of the body when all of it is already buffered; true when the body is then finished. */
    boolean skipBuffered() {
        return finished();
    }

    @Override
    public final int read() throws IOException {
        int count = read(single, 0, 1);
        return count < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public final int read(byte[] target, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (failure != null) {
            throw failure;
        }
        if (length == 0) {
            return 0;
        }
        try {
            if (firstRead != null) {
                FirstRead action = firstRead;
                firstRead = null;
                action.beforeFirstRead();
            }
            return readBody(target, offset, length);
        } catch (SocketTimeoutException e) {
            failure = Rejections.bodyTimeout(timeout);
            throw failure;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }
}
