package dev.bedrockchat.function.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client being built on a thread of its own ({@link AwsClients#inBackground}), or already built: whoever needs it
 * waits for it, as long as they can.
 */
public final class InBackground<T> {
    private final String name;
    private final CompletableFuture<T> value;

    InBackground(String name, CompletableFuture<T> value) {
        this.name = name;
        this.value = value;
    }

    /** A client built already (one made in the foreground, or a test's). */
    public static <T> InBackground<T> done(String name, T value) {
        return new InBackground<>(name, CompletableFuture.completedFuture(Objects.requireNonNull(value)));
    }

    /**
     * The client, waiting at most {@code within} for it to be built; empty when it is not built by then.
     *
     * @throws IllegalStateException naming the client, with the reason as its cause, when it could not be built
     */
    public Optional<T> get(Duration within) {
        try {
            return Optional.of(value.get(Math.max(0, within.toMillis()), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "The " + name + " could not be built: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
