package dev.bedrockchat.function.bedrock;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.ErrorReason;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many model calls may be in flight in this process at once: as many as the HTTP clients have connections
 * (BEDROCK_MAX_CONCURRENCY). A call beyond that waits its turn (first come, first served) for a bounded time, and is
 * then refused with ModelBusy, instead of queueing inside the HTTP client until its acquisition times out.
 */
public final class ModelCallLimit {
    /** The longest a call waits for a free slot by default. */
    public static final Duration QUEUE_WAIT = Duration.ofSeconds(5);
    /** How long a refused client is asked to wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 2;

    private final int size;
    private final Duration queueWait;
    private final Semaphore slots;

    /**
     * @param size      the calls that may run at once
     * @param queueWait the longest a call waits for a free slot
     */
    public ModelCallLimit(int size, Duration queueWait) {
        if (size < 1) {
            throw new IllegalArgumentException("A model call limit is at least 1: " + size);
        }
        this.size = size;
        this.queueWait = queueWait;
        this.slots = new Semaphore(size, true);
    }

    public int size() {
        return size;
    }

    /** A slot held by one call; closing it frees the slot (once). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for a free slot, at most the queue wait (or until the deadline, when that comes first).
     *
     * @throws ChatException ModelBusy when none became free in time
     */
    public Slot acquire(String modelId, Deadline deadline) {
        Duration wait = deadline.remaining().compareTo(queueWait) < 0 ? deadline.remaining() : queueWait;
        boolean acquired;
        try {
            acquired = slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw busy(modelId, size, "none became free within " + wait.toMillis() + " ms");
        }
        var released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
    }

    /** ModelBusy: the process's calls to Bedrock are at their limit. */
    static ChatException busy(String modelId, int limit, String detail) {
        String size = limit > 0 ? " (" + limit + ")" : "";
        return new ChatException(
                ErrorCode.MODEL_BUSY,
                "This server already has as many calls to Amazon Bedrock in flight as it may (BEDROCK_MAX_CONCURRENCY"
                        + size + ") and " + detail + ", so " + modelId + " was not called; try again in a few "
                        + "seconds (an operator can raise BEDROCK_MAX_CONCURRENCY)",
                Optional.of(ErrorReason.CONCURRENCY_LIMIT),
                OptionalInt.of(RETRY_AFTER_SECONDS),
                null,
                Map.of());
    }
}
