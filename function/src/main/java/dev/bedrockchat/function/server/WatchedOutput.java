package dev.bedrockchat.function.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The socket's output, noting when a write has been waiting: a client that stops reading makes a write block (the
 * socket has no write timeout), and the server closes a connection whose write waits longer than the send timeout.
 */
final class WatchedOutput extends OutputStream {
    private final OutputStream out;
    /** {@link System#nanoTime()} when the pending write began; 0 when none is pending. */
    private volatile long writingSince;

    WatchedOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        writingSince = System.nanoTime() | 1;
        try {
            out.write(bytes, offset, length);
        } finally {
            writingSince = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** A write has been waiting for more than {@code nanos} at {@code now}. */
    boolean stalled(long now, long nanos) {
        long since = writingSince;
        return since != 0 && now - since > nanos;
    }
}
