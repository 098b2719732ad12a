package dev.bedrockchat.function.chat;

import java.time.Duration;

/**
 * A moment by which something must be done, on the monotonic clock ({@link System#nanoTime()}), so that a change of
 * the wall clock does not move it.
 */
public final class Deadline {
    private final long atNanos;

    private Deadline(long atNanos) {
        this.atNanos = atNanos;
    }

    /** The moment {@code duration} from now (a negative duration is now). */
    public static Deadline in(Duration duration) {
        long now = System.nanoTime();
        long nanos = duration.isNegative() ? 0 : saturatedNanos(duration);
        return new Deadline(now + nanos);
    }

    /** Whichever of the two comes first. */
    public Deadline earliest(Deadline other) {
        return other.atNanos - atNanos < 0 ? other : this;
    }

    /** The moment {@code duration} after this one. */
    public Deadline plus(Duration duration) {
        return new Deadline(atNanos + saturatedNanos(duration));
    }

    /** The time left; zero once the deadline has passed. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    public boolean passed() {
        return atNanos - System.nanoTime() <= 0;
    }

    private static long saturatedNanos(Duration duration) {
        try {
            // Far enough ahead for any request, and far enough from overflow for the comparisons above.
            return Math.min(duration.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    @Override
    public String toString() {
        return "Deadline[in " + remaining() + "]";
    }
}
