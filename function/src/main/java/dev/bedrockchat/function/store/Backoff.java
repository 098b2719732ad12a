package dev.bedrockchat.function.store;

import dev.bedrockchat.function.chat.Deadline;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The waits between attempts of a write that lost a race: "full jitter" (a random wait from zero up to a bound that
 * doubles with each attempt, up to a cap), so that writers that collided part instead of colliding again.
 *
 * <p>The randomness comes from a {@link SecureRandom} made for the call, not from a generator seeded at start-up,
 * which a SnapStart snapshot would hand identically to every restored environment.
 */
public final class Backoff {
    private final Duration base;
    private final Duration cap;

    public Backoff(Duration base, Duration cap) {
        this.base = base;
        this.cap = cap;
    }

    /** 10 ms doubling up to 1 s. */
    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1));
    }

    /** The wait after the {@code attempt}-th attempt (1 for the first): uniform in [0, min(cap, base·2^attempt)]. */
    public Duration after(int attempt) {
        long bound = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 20));
        return Duration.ofMillis(new SecureRandom().nextLong(bound + 1));
    }

    /**
     * Waits before the next attempt, unless the wait would end past the deadline.
     *
     * @return whether another attempt may be made
     */
    public boolean pause(int attempt, Deadline deadline) {
        Duration wait = after(attempt);
        if (deadline.remaining().compareTo(wait) <= 0) {
            return false;
        }
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
