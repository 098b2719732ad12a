package dev.bedrockchat.function.server;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;

/** Connection inputs over bytes in memory, for the parser tests. */
final class Inputs {
    /** Limits small enough for generated input to reach each of them. */
    static final HttpLimits SMALL = new HttpLimits(
            64, 256, 4, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1);

    private Inputs() {}

    static ConnectionInput of(byte[] bytes) {
        return of(new ByteArrayInputStream(bytes));
    }

    static ConnectionInput of(InputStream stream) {
        var input = new ConnectionInput(stream, millis -> {});
        input.deadline(System.nanoTime() + Duration.ofMinutes(10).toNanos());
        return input;
    }

    /** The bytes handed out a few at a time (1 to {@code maxPiece} per read), as a network may deliver them. */
    static InputStream inPieces(byte[] bytes, int maxPiece, long seed) {
        var random = new Random(seed);
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] target, int offset, int length) {
                return super.read(target, offset, Math.min(length, 1 + random.nextInt(maxPiece)));
            }
        };
    }
}
