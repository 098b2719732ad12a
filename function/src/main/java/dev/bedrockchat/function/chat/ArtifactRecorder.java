package dev.bedrockchat.function.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.log.JsonLog;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps every exchange: writes its artifact to the store with a short bounded retry, and when the store still fails,
 * writes the whole artifact to the log as one JSON line and counts the failure. The caller never sees the failure.
 *
 * <p>Recording runs before the response completes (in Lambda nothing may run once it has), so it has a budget: each
 * attempt is given at most {@code attemptTimeout} and all of them together at most {@code budget}; a store that
 * hangs is abandoned and the artifact goes to the log.
 */
public final class ArtifactRecorder {
    /** The longest wait for one write (the S3 store also sets it as the call timeout of its request). */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    /** The longest time recording one artifact may add to a response, retries included. */
    public static final Duration BUDGET = Duration.ofSeconds(3);
    /** The waits between attempts. */
    public static final List<Duration> BACKOFF = List.of(Duration.ofMillis(50), Duration.ofMillis(200));

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ArtifactStore store;
    private final ObjectMapper mapper;
    private final JsonLog log;
    private final List<Duration> backoff;
    private final Duration attemptTimeout;
    private final Duration budget;
    private final AtomicLong failures = new AtomicLong();

    public ArtifactRecorder(ArtifactStore store, ObjectMapper mapper, JsonLog log) {
        this(store, mapper, log, BACKOFF);
    }

    /** @param backoff the waits between attempts; its size + 1 is the number of attempts */
    public ArtifactRecorder(ArtifactStore store, ObjectMapper mapper, JsonLog log, List<Duration> backoff) {
        this(store, mapper, log, backoff, ATTEMPT_TIMEOUT, BUDGET);
    }

    /**
     * @param backoff        the waits between attempts; its size + 1 is the number of attempts
     * @param attemptTimeout the longest wait for one write
     * @param budget         the longest time for all attempts and waits together
     */
    public ArtifactRecorder(
            ArtifactStore store,
            ObjectMapper mapper,
            JsonLog log,
            List<Duration> backoff,
            Duration attemptTimeout,
            Duration budget) {
        this.store = store;
        this.mapper = mapper;
        this.log = log;
        this.backoff = List.copyOf(backoff);
        this.attemptTimeout = attemptTimeout;
        this.budget = budget;
    }

    /** The key of an artifact: {@code artifacts/date=YYYY-MM-DD/<HHmmss.SSSZ>-<requestId>.json} (UTC). */
    public static String keyFor(Instant time, String requestId) {
        return "artifacts/date=" + DAY.format(time) + "/" + TIME.format(time) + "-" + requestId + ".json";
    }

    /** Writes the artifact, within the budget; never throws. */
    public void record(Artifact artifact) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(artifact);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        String key = keyFor(Instant.parse(artifact.time()), artifact.requestId());
        Deadline deadline = Deadline.in(budget);
        Exception last = null;
        for (int attempt = 0; attempt <= backoff.size(); attempt++) {
            if (attempt > 0) {
                Duration wait = backoff.get(attempt - 1);
                if (deadline.remaining().compareTo(wait) <= 0 || !sleep(wait)) {
                    break;
                }
            }
            Duration left = deadline.remaining();
            if (left.isZero()) {
                break;
            }
            try {
                put(key, json, left.compareTo(attemptTimeout) < 0 ? left : attemptTimeout);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                last = e;
            }
        }
        long count = failures.incrementAndGet();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("requestId", artifact.requestId());
        line.put("artifactKey", key);
        line.put("artifactWriteFailures", count);
        line.put("reason", last == null ? "interrupted" : describe(last));
        line.put("artifact", mapper.convertValue(artifact, Map.class));
        log.write("error", "artifact_fallback", line);
    }

    /**
     * One write, on a thread of its own so that a store that does not answer can be left behind after {@code limit}
     * (it is interrupted; the S3 store's own call timeout ends it too).
     */
    private void put(String key, byte[] json, Duration limit) throws Exception {
        var write = new FutureTask<Void>(() -> {
            store.put(key, json);
            return null;
        });
        Thread.ofVirtual().name("artifact-write").start(write);
        try {
            write.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            write.cancel(true);
            throw new TimeoutException("no answer from the store within " + limit.toMillis() + " ms");
        } catch (InterruptedException e) {
            write.cancel(true);
            throw e;
        }
    }

    /** How many artifacts could not be stored and went to the log instead, since start-up. */
    public long failures() {
        return failures.get();
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
